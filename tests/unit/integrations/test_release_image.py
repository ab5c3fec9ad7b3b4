"""The mlgate image (docker/Dockerfile): it passes mlgate's own deploy gate, its tag is the
one the Kubeflow container component runs, and its build context leaves the venv out.

The build itself needs a Docker daemon; these tests read what the build would do.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

import mlgate
from mlgate.cli.app import main
from mlgate.core.verdict import Disposition, Outcome
from mlgate.formats.dockerfile import Dockerfile, Instruction, Stage, parse_dockerfile
from mlgate.integrations.kubeflow import MLGATE_IMAGE, MLGATE_PACKAGE

REPO = Path(__file__).resolve().parents[3]
DOCKERFILE = REPO / "docker" / "Dockerfile"
POLICY = REPO / "docker" / "mlgate.yaml"
DOCKERIGNORE = REPO / ".dockerignore"
WORKFLOW = REPO / "examples" / "ci" / "github" / "release-image.yml"
README = REPO / "README.md"


def dockerfile() -> Dockerfile:
    return parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))


def only(stage: Stage, keyword: str) -> Instruction:
    (instruction,) = [i for i in stage.instructions if i.keyword == keyword]
    return instruction


def assignments(instruction: Instruction) -> dict[str, str]:
    """``KEY=value`` words of an ARG, ENV or LABEL, quotes removed as the builder does."""
    words = shlex.split(instruction.arguments)
    return dict(word.split("=", 1) for word in words if "=" in word)


def build_commands(text: str) -> list[list[str]]:
    """The ``docker build`` commands in ``text`` (comment markers and continuations removed)."""
    lines = [line.strip().removeprefix("#").strip() for line in text.splitlines()]
    joined = "\n".join(lines).replace("\\\n", " ")
    return [shlex.split(line) for line in joined.splitlines() if line.startswith("docker build ")]


def tag_of(command: list[str]) -> str:
    return command[command.index("-t") + 1]


def test_the_image_gates_itself_with_only_the_waived_healthcheck() -> None:
    verdict = mlgate.run(POLICY, gate="release-image")
    assert verdict.outcome is Outcome.PASS
    ((check,),) = [gate.checks for gate in verdict.gates]
    assert (check.check_id, check.inputs, check.errors) == ("deploy", 1, ())
    ((finding),) = check.findings
    assert finding.finding.rule_id == "DKR003" and finding.disposition is Disposition.WAIVED
    assert finding.waiver is not None and "one-shot command" in finding.waiver.reason
    # The gate is strict (fail_on: info): any other finding would block it.
    assert yaml.safe_load(POLICY.read_text())["gates"]["release-image"]["fail_on"] == "info"


def test_scan_deploy_of_the_dockerfile_exits_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # reports, if any, stay out of the repository
    code = main(["scan", "deploy", str(DOCKERFILE), "--no-progress"])
    output = capsys.readouterr().out
    assert code == 0, output
    assert "DKR001" not in output and "DKR002" not in output  # never root, USER is set


def test_the_documented_tag_is_the_image_the_kubeflow_component_runs() -> None:
    repository, _, version = MLGATE_IMAGE.rpartition(":")
    assert version == mlgate.__version__
    commands = build_commands(DOCKERFILE.read_text(encoding="utf-8"))
    assert commands and {tag_of(c) for c in commands} == {MLGATE_IMAGE}
    for command in commands:  # built from the root, where .dockerignore applies
        assert command[command.index("-f") + 1] == "docker/Dockerfile" and command[-1] == "."
    final = dockerfile().stages[-1]
    assert assignments(only(final, "ARG"))["MLGATE_VERSION"] == version
    labels = assignments(only(final, "LABEL"))
    assert labels["org.opencontainers.image.version"] == "${MLGATE_VERSION}"
    assert MLGATE_IMAGE in DOCKERFILE.read_text().splitlines()[1]  # the header names it
    assert repository == "ghcr.io/mlgate/mlgate"


def test_the_image_is_multi_stage_non_root_and_runs_mlgate() -> None:
    parsed = dockerfile()
    build, final = parsed.stages
    assert build.name == "build" and final.name is None
    (base,) = [assignments(i)["PYTHON_IMAGE"] for i in parsed.global_args]
    assert base.startswith("python:3.11-") and {build.image, final.image} == {"${PYTHON_IMAGE}"}
    assert only(final, "COPY").arguments == "--from=build /opt/mlgate /opt/mlgate"
    user, _, group = only(final, "USER").arguments.partition(":")
    assert int(user) > 0 and int(group) > 0  # numeric, so runAsNonRoot can verify it
    assert only(final, "ENTRYPOINT").arguments == '["mlgate"]'
    assert assignments(only(final, "ENV"))["PATH"].startswith("/opt/mlgate/bin:")
    # The container script runs `python3 -m mlgate.integrations.kfp_outputs`: the venv's
    # python3 comes first on PATH, so it imports the installed mlgate.
    assert assignments(only(build, "ENV"))["PIP_NO_CACHE_DIR"] == "1"
    assert not [i for s in parsed.stages for i in s.instructions if "apt-get" in i.arguments]


def test_the_image_installs_the_extras_of_the_lightweight_component() -> None:
    build = dockerfile().stages[0]
    extras = set(assignments(only(build, "ARG"))["MLGATE_EXTRAS"].split(","))
    assert Requirement(MLGATE_PACKAGE).extras <= extras
    install = only(build, "RUN").arguments
    assert '"/src[${MLGATE_EXTRAS}]"' in install and "--constraint constraints.txt" in install
    assert "mlgate --version" in install  # the build fails if the command does not start


DOCKER_WILDCARD = re.compile(r"\*\*/|\*\*|\*|\?|[^*?]+")


def docker_pattern(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regex: ``*`` within a name, ``**`` across names."""
    parts = []
    for token in DOCKER_WILDCARD.findall(pattern.strip().strip("/")):
        translated = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
        parts.append(translated.get(token, re.escape(token)))
    return re.compile("".join(parts))


def ignored(path: str) -> bool:
    """Docker's rule: the last pattern matching the path or a parent directory decides."""
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    parts = path.split("/")
    candidates = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        regex = docker_pattern(pattern.removeprefix("!"))
        if any(regex.fullmatch(candidate) for candidate in candidates):
            excluded = not negated
    return excluded


def copy_sources(parsed: Dockerfile) -> list[str]:
    sources: list[str] = []
    for stage in parsed.stages:
        for instruction in stage.instructions:
            words = shlex.split(instruction.arguments)
            if instruction.keyword == "COPY" and not words[0].startswith("--from"):
                sources.extend(word.rstrip("/") for word in words[:-1])
    return sources


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python",
        ".venv/lib/python3.11/site-packages/mlgate/__init__.py",
        "mlgate-reports/mlgate-verdict.json",
        "examples/demo-project/mlgate-reports/mlgate.sarif",
        "src/mlgate/__pycache__/api.cpython-311.pyc",
        "src/mlgate.egg-info/PKG-INFO",
        ".git/HEAD",
        "tests/conftest.py",
        "benchmarks/.venv-picklescan/bin/python",
        "examples/demo-project/pyproject.toml",
    ],
)
def test_the_build_context_leaves_out(path: str) -> None:
    assert ignored(path)


def test_the_build_context_keeps_what_the_dockerfile_copies() -> None:
    sources = copy_sources(dockerfile())
    assert sources == ["pyproject.toml", "README.md", "constraints.txt", "src"]
    for source in sources:
        assert (REPO / source).exists() and not ignored(source)
    for module in (REPO / "src" / "mlgate").rglob("*.py"):
        relative = module.relative_to(REPO).as_posix()
        assert "__pycache__" in relative or not ignored(relative)


def release_steps() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    document: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    job: dict[str, Any] = document["jobs"]["image"]
    return job, {step.get("id") or step.get("name") or step["uses"]: step for step in job["steps"]}


def test_release_workflow_gates_the_dockerfile_before_it_pushes_the_tagged_image() -> None:
    job, steps = release_steps()
    assert job["permissions"] == {"contents": "read", "packages": "write"}
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    gate = steps["mlgate"]
    assert gate["uses"] == "./" and set(gate["with"]) <= set(action["inputs"])
    assert gate["with"]["source"] == "action"
    assert (REPO / gate["with"]["policy"]) == POLICY and gate["with"]["gate"] == "release-image"
    build = steps["Build and push"]
    order = list(steps)
    assert order.index("mlgate") < order.index("Build and push")  # a block stops the push
    assert build["uses"].startswith("docker/build-push-action@")
    assert (build["with"]["context"], build["with"]["file"]) == (".", "docker/Dockerfile")
    tag = build["with"]["tags"].replace("${{ env.IMAGE }}", job["env"]["IMAGE"])
    assert tag.replace("${{ steps.version.outputs.version }}", mlgate.__version__) == MLGATE_IMAGE
    build_args = dict(line.split("=", 1) for line in build["with"]["build-args"].splitlines())
    assert set(build_args) == {"PYTHON_IMAGE", "MLGATE_VERSION"}  # both ARGs of the Dockerfile
    assert build_args["PYTHON_IMAGE"] == "${{ steps.base.outputs.image }}"
    assert job["env"]["PYTHON_TAG"] == assignments(dockerfile().global_args[0])["PYTHON_IMAGE"]
    assert "image=${PYTHON_TAG}@${digest}" in steps["base"]["run"]


def test_readme_recipe_builds_and_pushes_the_component_image() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n### Kubeflow Pipelines\n")
    section = text[start : text.index("\n### ", start + 1)]
    (recipe,) = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    (build,) = build_commands(recipe)
    assert build == build_commands(DOCKERFILE.read_text(encoding="utf-8"))[0]
    pushes = [line.split() for line in recipe.splitlines() if line.startswith("docker push ")]
    assert pushes == [["docker", "push", MLGATE_IMAGE]]
