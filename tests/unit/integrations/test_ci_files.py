"""The CI integration files parse, name only real inputs, options and reports, and run."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlgate import __version__
from mlgate.cli.app import build_parser
from mlgate.core.plugins import check_registry, reporter_registry

REPO = Path(__file__).resolve().parents[3]
ACTION = REPO / "action.yml"
WORKFLOW = REPO / "examples" / "ci" / "github" / "mlgate.yml"
GITLAB = REPO / "examples" / "ci" / "gitlab" / "mlgate.gitlab-ci.yml"
JENKINSFILE = REPO / "examples" / "ci" / "jenkins" / "Jenkinsfile"
HOOKS = REPO / ".pre-commit-hooks.yaml"
DEMO = REPO / "examples" / "demo-project"
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def default_path(format_id: str, directory: str = "mlgate-reports") -> str:
    return f"{directory}/{reporter_registry().load(format_id).default_filename}"


def parses(argv: list[str]) -> Any:
    """The CLI accepts ``argv`` (argparse exits on anything it does not know)."""
    return build_parser().parse_args(argv)


def action() -> dict[str, Any]:
    document: dict[str, Any] = load(ACTION)
    return document


def gate_step() -> dict[str, Any]:
    step: dict[str, Any] = next(s for s in action()["runs"]["steps"] if s.get("id") == "gate")
    return step


def test_action_is_composite_and_expressions_name_real_inputs_and_steps() -> None:
    document = action()
    assert document["runs"]["using"] == "composite"
    assert document["runs"]["steps"][0]["uses"] == "actions/setup-python@v5"
    text = ACTION.read_text(encoding="utf-8")
    expressions = EXPRESSION.findall(text)
    inputs = {e.removeprefix("inputs.") for e in expressions if e.startswith("inputs.")}
    assert inputs == set(document["inputs"])  # every input is used, none is invented
    step_ids = {s.get("id") for s in document["runs"]["steps"]}
    for expression in expressions:
        if expression.startswith("steps."):
            step, _, name = expression.removeprefix("steps.").partition(".outputs.")
            assert step in step_ids
            assert f'echo "{name}=' in gate_step()["run"]


def test_action_scripts_never_expand_expressions_inline() -> None:
    for step in action()["runs"]["steps"]:
        assert "${{" not in step.get("run", "")


def test_action_default_formats_and_output_files_are_real_reporters() -> None:
    formats = action()["inputs"]["formats"]["default"].split(",")
    assert formats == ["sarif", "junit", "markdown"]
    run = gate_step()["run"]
    for format_id in ("json", "sarif", "junit", "markdown"):
        assert reporter_registry().load(format_id).default_filename in run


def test_workflow_uploads_sarif_always_without_category() -> None:
    workflow = load(WORKFLOW)
    assert set(workflow[True]) == {"pull_request", "push", "schedule"}  # YAML 1.1 reads on: as True
    job = workflow["jobs"]["pre-merge"]
    assert job["permissions"] == {
        "contents": "read",
        "security-events": "write",
        "actions": "read",
    }
    steps = {step.get("name"): step for step in job["steps"]}
    gate = steps["mlgate"]
    assert set(gate["with"]) <= set(action()["inputs"])
    upload = steps["Upload SARIF to code scanning"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["if"].startswith("always()")
    assert "category" not in upload["with"]
    assert steps["Keep the reports"]["if"] == "always()"
    outputs = set(action()["outputs"])
    used = set(re.findall(r"steps\.mlgate\.outputs\.([\w-]+)", WORKFLOW.read_text()))
    assert used == {"sarif", "report-dir", "attestation"} and used <= outputs


def test_workflow_signs_the_deploy_verdict_keyless_on_main() -> None:
    job = load(WORKFLOW)["jobs"]["pre-deploy"]
    assert job["if"] == "github.event_name == 'push'"
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    gate = next(step for step in job["steps"] if step.get("id") == "mlgate")
    assert set(gate["with"]) <= set(action()["inputs"])
    assert gate["with"]["attest-key"] == "sigstore" and gate["with"]["extras"] == "sigstore"
    assert gate["with"]["changed-since"] == ""  # a pull-request-mode verdict fails verify
    image = gate["with"]["subject-image"].replace("${{ vars.IMAGE_DIGEST }}", "ab" * 32)
    args = parses(["run", "--attest", "sigstore", "--subject-image", image, "pre-deploy"])
    assert args.subject_images == [image]
    keep = next(step for step in job["steps"] if step.get("name") == "Keep the signed verdict")
    assert keep["if"].startswith("always()")


def step_environment(
    step: dict[str, Any], inputs: dict[str, str], github: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment a step runs with: ``inputs`` over the defaults, as its ``env:`` maps them.

    ``github`` holds the variables the Actions runner sets (none by default).
    """
    values = {name: spec.get("default", "") for name, spec in action()["inputs"].items()}
    values.update(inputs)
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GITHUB_", "CI_", "CHANGE_", "PIP_"))
    }
    environment.update(github or {})
    for name, value in step["env"].items():
        key = EXPRESSION.fullmatch(value)
        assert key is not None
        environment[name] = values[key.group(1).removeprefix("inputs.")]
    return environment


def runner_path() -> str:
    """The system ``PATH`` without the project venv, whose programs a runner does not have."""
    project_bin = Path(sys.executable).parent
    entries = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(entry for entry in entries if entry and Path(entry) != project_bin)


def run_gate_step(
    project: Path,
    tmp_path: Path,
    github: dict[str, str] | None = None,
    log: Path | None = None,
    hyphenated: dict[str, str] | None = None,
    bin_dir: Path | None = None,
    **inputs: str,
) -> tuple[int, dict[str, str]]:
    """Run the action's gate step with bash, as the runner would, against ``project``.

    ``github`` holds the variables the Actions runner sets (none by default); ``log``
    receives the step's standard output (where workflow commands go); ``bin_dir`` is
    where ``mlgate`` is found (the project venv's by default).
    """
    outputs = tmp_path / "github-output"
    outputs.touch()
    environment = step_environment(gate_step(), {**inputs, **(hyphenated or {})}, github)
    environment["PATH"] = f"{bin_dir or Path(sys.executable).parent}{os.pathsep}{runner_path()}"
    environment["GITHUB_OUTPUT"] = str(outputs)
    done = subprocess.run(
        ["bash", "-c", gate_step()["run"]], cwd=project, env=environment,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if log is not None:
        log.write_text(done.stdout)
    lines = outputs.read_text().splitlines()
    return done.returncode, dict(line.split("=", 1) for line in lines)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns("mlgate-reports"))
    return target


def test_action_gate_step_runs_the_demo_project(demo: Path, tmp_path: Path) -> None:
    code, outputs = run_gate_step(demo, tmp_path, gate="pre-merge")
    assert code == 1
    assert outputs == {
        "verdict": "block",
        "exit-code": "1",
        "report-dir": "mlgate-reports",
        "json": "mlgate-reports/mlgate-verdict.json",
        "sarif": "mlgate-reports/mlgate.sarif",
        "junit": "mlgate-reports/mlgate-junit.xml",
        "markdown": "mlgate-reports/mlgate-summary.md",
        "attestation": "",
    }
    for name in ("json", "sarif", "junit", "markdown"):
        assert (demo / outputs[name]).is_file()


def test_action_gate_step_reports_bad_input(demo: Path, tmp_path: Path) -> None:
    code, outputs = run_gate_step(demo, tmp_path, gate="no-such-gate", formats="")
    assert (code, outputs["verdict"], outputs["sarif"]) == (2, "input-error", "")


def test_action_signs_the_verdict_with_an_image_subject(demo: Path, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from mlgate.evidence import parse_envelope

    key = ec.generate_private_key(ec.SECP256R1())
    (tmp_path / "signing.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    images = f"registry.example.com/a@sha256:{'ab' * 32} registry.example.com/b@sha256:{'cd' * 32}"
    code, outputs = run_gate_step(
        demo, tmp_path, gate="pre-merge", formats="",
        hyphenated={"attest-key": str(tmp_path / "signing.key"), "subject-image": images},
    )  # fmt: skip
    assert (code, outputs["attestation"]) == (1, "mlgate-reports/mlgate.intoto.jsonl")
    envelope = parse_envelope((demo / outputs["attestation"]).read_bytes())
    statement = json.loads(envelope.payload)
    assert [s["name"] for s in statement["subject"]] == [
        "registry.example.com/a", "registry.example.com/b",
    ]  # fmt: skip
    assert statement["predicate"]["verificationResult"] == "FAILED"


def test_action_keyless_without_an_oidc_token_is_bad_input(demo: Path, tmp_path: Path) -> None:
    # GitHub Actions without `id-token: write`: the runner sets no token request variables.
    github = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    log = tmp_path / "log"
    code, outputs = run_gate_step(
        demo, tmp_path, github=github, log=log, gate="pre-merge", formats="",
        hyphenated={"attest-key": "sigstore"},
    )  # fmt: skip
    assert (code, outputs["verdict"], outputs["attestation"]) == (2, "input-error", "")
    assert not (demo / "mlgate-reports").exists()  # stopped before any gate ran


# The install step, run offline: the runner's Python is a fresh venv that already has
# every dependency (the project venv's, minus mlgate), and pip may not download anything.

OFFLINE_PIP = {
    "PIP_NO_INDEX": "1",
    # pip reads PIP_NO_BUILD_ISOLATION as the value of its `build_isolation` setting, so "0"
    # turns isolation off: the build uses the installed setuptools instead of fetching one.
    "PIP_NO_BUILD_ISOLATION": "0",
}


def install_step() -> dict[str, Any]:
    step: dict[str, Any] = next(
        s for s in action()["runs"]["steps"] if s.get("name") == "Install mlgate"
    )
    return step


@pytest.fixture(scope="module")
def action_checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The action's checkout as a runner holds it: what a build of mlgate reads.

    A copy, so the build's ``build/`` and egg-info never land in the working tree.
    """
    target = tmp_path_factory.mktemp("actions") / "mlgate"
    target.mkdir()
    for name in ("action.yml", "pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(REPO / "src", target / "src", ignore=ignore)
    return target


@pytest.fixture(scope="module")
def dependencies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project venv's installed packages without mlgate, as links in one directory."""
    target = tmp_path_factory.mktemp("site")
    for directory in {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}:
        for entry in Path(directory).iterdir():
            if not entry.name.startswith(("mlgate", "__editable__")) and entry.suffix != ".pth":
                (target / entry.name).symlink_to(entry, entry.is_dir())
    return target


def runner_python(root: Path, dependencies: Path) -> Path:
    """A venv standing in for setup-python's, whose only extra path is ``dependencies``.

    ``--system-site-packages`` would expose the base interpreter's packages rather than
    the project venv's, so a ``.pth`` file adds the dependencies after the venv's own
    site-packages. Returns the venv's ``bin`` directory.
    """
    venv.EnvBuilder(with_pip=False).create(root)
    site = Path(sysconfig.get_path("purelib", scheme="venv", vars={"base": str(root)}))
    (site / "project-dependencies.pth").write_text(f"{dependencies}\n")
    return Path(sysconfig.get_path("scripts", scheme="venv", vars={"base": str(root)}))


def run_install_step(
    bin_dir: Path, tmp_path: Path, checkout: Path, pip: dict[str, str] | None = None, **inputs: str
) -> subprocess.CompletedProcess[str]:
    """Run the install step's script as written, with ``bin_dir``'s python first on PATH."""
    environment = step_environment(install_step(), inputs)
    environment.update(OFFLINE_PIP)
    environment.update(pip or {})
    environment["PIP_CACHE_DIR"] = str(tmp_path / "pip-cache")
    environment["GITHUB_ACTION_PATH"] = str(checkout)  # the runner sets it for composite steps
    environment["PATH"] = f"{bin_dir}{os.pathsep}{runner_path()}"
    return subprocess.run(
        ["bash", "-c", install_step()["run"]], cwd=tmp_path, env=environment,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def installed_mlgate(bin_dir: Path) -> Path:
    done = subprocess.run(
        [bin_dir / "python", "-c", "import mlgate; print(mlgate.__file__)"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def test_action_installs_its_own_checkout_then_gates_the_demo(
    demo: Path, tmp_path: Path, action_checkout: Path, dependencies: Path
) -> None:
    runner = runner_python(tmp_path / "runner", dependencies)
    assert not (runner / "mlgate").exists()
    done = run_install_step(runner, tmp_path, action_checkout, source="action", extras="evidence")
    assert done.returncode == 0, done.stdout + done.stderr
    assert installed_mlgate(runner).is_relative_to(tmp_path / "runner")
    # The gate step then runs the mlgate the install step put on the runner's PATH.
    code, outputs = run_gate_step(demo, tmp_path, bin_dir=runner, gate="pre-merge")
    assert (code, outputs["verdict"]) == (1, "block")
    assert (demo / outputs["sarif"]).is_file()


def test_action_installs_the_pinned_release_from_the_index(
    tmp_path: Path, action_checkout: Path, dependencies: Path
) -> None:
    assert action()["inputs"]["version"]["default"] == __version__
    runner = runner_python(tmp_path / "runner", dependencies)
    index = tmp_path / "index"  # a local directory stands in for PyPI
    built = subprocess.run(
        [runner / "python", "-m", "pip", "wheel", "--no-deps", "-w", index, action_checkout],
        env={**os.environ, **OFFLINE_PIP, "PIP_CACHE_DIR": str(tmp_path / "pip-cache")},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    links = {"PIP_FIND_LINKS": str(index)}
    missing = run_install_step(runner, tmp_path, action_checkout, links, version="0.0.1")
    assert missing.returncode != 0 and "mlgate==0.0.1" in missing.stderr  # the pin holds
    done = run_install_step(runner, tmp_path, action_checkout, links, extras="evidence")
    assert done.returncode == 0, done.stdout + done.stderr
    assert installed_mlgate(runner).is_relative_to(tmp_path / "runner")
    assert (runner / "mlgate").is_file()


def test_action_refuses_an_unknown_install_source(tmp_path: Path, action_checkout: Path) -> None:
    done = run_install_step(Path(sys.executable).parent, tmp_path, action_checkout, source="git")
    assert done.returncode == 2
    assert done.stdout == "::error title=mlgate::the input source must be pypi or action\n"


GITLAB_VARIABLE = re.compile(r"\$\{(\w+)\}")


def gitlab_job(name: str) -> dict[str, Any]:
    """The job as GitLab resolves ``extends``: the parent's keys, then the job's own."""
    document = load(GITLAB)
    job: dict[str, Any] = dict(document[name])
    parent = job.pop("extends", None)
    if parent is None:
        return job
    resolved = gitlab_job(parent)
    for key, value in job.items():
        inherited = resolved.get(key)
        if isinstance(inherited, dict) and isinstance(value, dict):
            resolved[key] = {**inherited, **value}
        else:
            resolved[key] = value
    return resolved


def gitlab_variables(job: str, **settings: str) -> dict[str, str]:
    """The job's variables with ``settings`` set, ``${NAME}`` expanded as GitLab does."""
    values = {**load(GITLAB)["variables"], **gitlab_job(job).get("variables", {}), **settings}
    return {
        name: GITLAB_VARIABLE.sub(lambda m: str(values.get(m[1], "")), str(value))
        for name, value in values.items()
    }


def gitlab_run_line(job: str) -> str:
    (line,) = [line for line in gitlab_job(job)["script"] if line.startswith("mlgate ")]
    return str(line)


def gitlab_command(job: str = ".mlgate", **settings: str) -> list[str]:
    """The job's ``mlgate`` arguments as the shell splits them."""
    variables = gitlab_variables(job, MLGATE_GATE="pre-merge", **settings)
    expanded = GITLAB_VARIABLE.sub(lambda m: variables.get(m[1], ""), gitlab_run_line(job))
    return shlex.split(expanded)[1:]


def test_gitlab_template_reports_match_what_the_command_writes() -> None:
    document = load(GITLAB)
    job = document[".mlgate"]
    args = parses(gitlab_command())
    assert args.command == "run" and args.output_dir == "mlgate-reports"
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"] == {
        "junit": default_path("junit"),
        "sast": default_path("gitlab-sast"),
        "codequality": default_path("gitlab-codequality"),
    }
    assert {"junit", "gitlab-sast", "gitlab-codequality"} <= set(args.formats)
    assert document["mlgate"]["extends"] == ".mlgate"
    assert set(document["variables"]) == {
        "MLGATE_VERSION", "MLGATE_GATE", "MLGATE_POLICY", "MLGATE_CHANGED_SINCE",
        "MLGATE_EXTRAS", "MLGATE_ATTEST_OPTIONS", "MLGATE_SUBJECT_IMAGE",
    }  # fmt: skip
    assert args.changed_since == ""  # empty: a full run (resolve_since gives None)
    assert args.attest is None and args.subject_images == []  # the plain job signs nothing
    # Every variable the scripts expand is one the template declares (none is invented).
    script = " ".join(str(line) for line in job["script"])
    assert set(GITLAB_VARIABLE.findall(script)) <= set(document["variables"])


KEYLESS_IMAGE = f"registry.example.com/churn/model-server@sha256:{'5e' * 32}"


def test_gitlab_keyless_variant_signs_the_image_with_the_job_identity() -> None:
    keyless = load(GITLAB)[".mlgate-keyless"]
    assert keyless["extends"] == ".mlgate"
    # The variable `id` reads for the audience "sigstore" (GitLab exports id_tokens by name).
    assert keyless["id_tokens"] == {"SIGSTORE_ID_TOKEN": {"aud": "sigstore"}}
    assert keyless["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert set(keyless["variables"]) <= set(load(GITLAB)["variables"])
    args = parses(gitlab_command(".mlgate-keyless", MLGATE_SUBJECT_IMAGE=KEYLESS_IMAGE))
    assert (args.attest, args.subject_images) == ("sigstore", [KEYLESS_IMAGE])
    assert args.changed_since == ""  # a pull-request-mode verdict fails verify
    (install,) = [line for line in gitlab_job(".mlgate-keyless")["script"] if "pip" in line]
    variables = gitlab_variables(".mlgate-keyless")
    requirement = shlex.split(GITLAB_VARIABLE.sub(lambda m: variables[m[1]], install))[-1]
    from packaging.requirements import Requirement

    assert Requirement(requirement).extras == {"sigstore"}
    # The keyless job keeps the same reports as the plain one.
    plain = parses(gitlab_command())
    assert (args.formats, args.output_dir) == (plain.formats, plain.output_dir)
    assert gitlab_job(".mlgate-keyless")["artifacts"] == load(GITLAB)[".mlgate"]["artifacts"]


def test_gitlab_keyless_job_without_its_id_token_stops_before_the_gates(demo: Path) -> None:
    # GitLab CI without the id_tokens entry: the job runs, but SIGSTORE_ID_TOKEN is unset.
    variables = gitlab_variables(".mlgate-keyless", MLGATE_GATE="pre-merge",
                                 MLGATE_SUBJECT_IMAGE=KEYLESS_IMAGE)  # fmt: skip
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GITHUB_", "ACTIONS_", "CI_", "SIGSTORE_", "BUILDKITE", "CIRCLE"))
    }
    environment.update(variables)
    environment["GITLAB_CI"] = "true"
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-c", gitlab_run_line(".mlgate-keyless")], cwd=demo, env=environment,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "SIGSTORE_ID_TOKEN" in done.stderr
    assert not (demo / "mlgate-reports").exists()


def test_jenkinsfile_publishes_what_the_gate_writes_in_post_always() -> None:
    text = JENKINSFILE.read_text(encoding="utf-8")
    (command,) = re.findall(r"sh '\.mlgate-venv/bin/mlgate (run [^']+)'", text)
    args = parses(shlex.split(command))
    assert args.gates == ["pre-merge"] and set(args.formats) == {"junit", "sarif", "html"}
    post = text[text.index("post {") :]
    assert "always {" in post
    assert f"testResults: '{default_path('junit')}'" in post
    assert f"sarif(pattern: '{default_path('sarif')}'" in post
    assert text.count("{") == text.count("}")


def test_pre_commit_hooks_run_registered_checks_on_staged_files() -> None:
    hooks = load(HOOKS)
    assert [hook["id"] for hook in hooks] == ["mlgate-secrets", "mlgate-sast", "mlgate-artifacts"]
    checks = check_registry().names()
    for hook in hooks:
        assert hook["language"] == "python" and hook["pass_filenames"] is True
        argv = shlex.split(hook["entry"])
        assert argv[0] == "mlgate"
        args = parses([*argv[1:], "staged_file.py"])  # pre-commit appends the file names
        assert args.command == "scan" and args.check in checks
        assert args.paths == ["staged_file.py"]


def test_pre_commit_entry_scans_only_the_given_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mlgate.cli.app import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "clean.py").write_text("def add(a, b):\n    return a + b\n")
    (tmp_path / "unstaged.py").write_text("import os\nos.system(input())\n")
    hook = next(h for h in load(HOOKS) if h["id"] == "mlgate-sast")
    code = main([*shlex.split(hook["entry"])[1:], "clean.py"])
    assert code == 0, capsys.readouterr().out


# The gate step inside GitHub Actions: capped annotations, a bounded job summary, and
# pull-request mode from the pull request's base branch.

FINDINGS = 2500
# Long messages make the Markdown summary of 2,500 findings larger than GitHub's 1 MiB.
MESSAGE = "tainted request data reaches a shell command " * 16
SCAN_POLICY = "version: 1\ngates:\n  pre-merge:\n    checks:\n      sarif:\n        paths: [scan]\n"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent",
}  # fmt: skip


def write_scan(project: Path, locations: list[tuple[str, int]]) -> None:
    results = [
        {
            "ruleId": "X1",
            "level": "error",
            "message": {"text": f"{MESSAGE} #{index}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": path},
                        "region": {"startLine": line},
                    }
                }
            ],
        }
        for index, (path, line) in enumerate(locations)
    ]
    sarif = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "s"}}, "results": results}]}
    (project / "scan").mkdir(parents=True, exist_ok=True)
    (project / "scan" / "scanner.sarif").write_text(json.dumps(sarif))
    (project / "mlgate.yaml").write_text(SCAN_POLICY)


def test_annotations_are_capped_and_the_summary_stays_under_one_mebibyte(tmp_path: Path) -> None:
    project = tmp_path / "project"
    write_scan(project, [(f"app/m{i % 50}.py", i + 1) for i in range(FINDINGS)])
    summary = tmp_path / "step-summary.md"
    github = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    code, outputs = run_gate_step(project, tmp_path, github=github, gate="pre-merge")
    assert (code, outputs["verdict"]) == (1, "block")
    text = summary.read_bytes()
    assert 900_000 < len(text) < 1_048_576
    match = re.search(rb"_(\d+) more in the full report \(this summary is truncated\)\._\n$", text)
    assert match is not None
    shown = text.count(b"| `s/X1` |")  # ingested rule ids are prefixed by the tool name
    assert shown + int(match.group(1)) == FINDINGS


def test_annotation_commands_in_the_log_are_capped_with_a_notice(tmp_path: Path) -> None:
    project = tmp_path / "project"
    write_scan(project, [(f"app/m{i}.py", 3) for i in range(25)])
    summary = tmp_path / "step-summary.md"
    step_log = tmp_path / "log"
    github = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    code, _ = run_gate_step(project, tmp_path, github=github, gate="pre-merge", log=step_log)
    lines = step_log.read_text().splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    notices = [line for line in lines if line.startswith("::notice ")]
    assert (code, len(errors)) == (1, 10)
    assert notices == [
        "::notice title=mlgate::15 more findings in the report (GitHub shows 10 per level)"
    ]


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, check=True
    )


def test_pull_request_event_limits_findings_to_the_changed_lines(tmp_path: Path) -> None:
    project = tmp_path / "project"
    write_scan(project, [("app/old.py", 1), ("app/new.py", 1)])
    (project / "app").mkdir()
    (project / "app" / "old.py").write_text("old = 1\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "base")
    git(project, "remote", "add", "origin", str(project))
    git(project, "fetch", "-q", "origin")  # as actions/checkout with fetch-depth: 0 leaves it
    git(project, "checkout", "-qb", "feature")
    (project / "app" / "new.py").write_text("new = 1\n")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "feature")
    github = {"GITHUB_BASE_REF": "main", **GIT_ENV}
    code, outputs = run_gate_step(project, tmp_path, github=github, gate="pre-merge", formats="")
    verdict = json.loads((project / outputs["json"]).read_text())
    (gate,) = verdict["gates"]
    kept = [f["finding"]["location"]["path"] for c in gate["checks"] for f in c["findings"]]
    assert (code, kept, gate["findings_outside_changes"]) == (1, ["app/new.py"], 1)
    assert verdict["changed_since"]["since"] == "origin/main"
    code, outputs = run_gate_step(  # the same step on a push (no base ref) runs in full
        project, tmp_path, github=GIT_ENV, gate="pre-merge", formats=""
    )
    verdict = json.loads((project / outputs["json"]).read_text())
    assert (code, verdict["changed_since"]) == (1, None)
