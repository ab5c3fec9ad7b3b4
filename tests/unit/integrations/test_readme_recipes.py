"""The README's pipeline recipes, as printed: they parse, name real things, and run.

Each test reads the code blocks of one README section, so a recipe that drifts from the
action, the templates, the hooks, the Kubeflow helpers or the CLI fails here.
"""

import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from kfp import compiler  # type: ignore[import-untyped]  # kfp ships no type information

from mlgate import __version__
from mlgate.cli.app import build_parser
from mlgate.cli.verify import BUNDLE_FILENAME

REPO = Path(__file__).resolve().parents[3]
README = REPO / "README.md"
BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.DOTALL)


def section(title: str) -> str:
    """The text of the README section ``### title`` up to the next heading."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n### {title}\n")
    end = re.compile(r"\n##+ ").search(text, start + 1)
    return text[start : end.start() if end else len(text)]


def blocks(title: str, language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(section(title)) if lang == language]


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_github_actions_recipe_uses_real_inputs_and_outputs() -> None:
    (recipe,) = blocks("GitHub Actions", "yaml")
    document = yaml.safe_load(recipe)
    action = load(REPO / "action.yml")
    job = document["jobs"]["pre-merge"]
    example = load(REPO / "examples" / "ci" / "github" / "mlgate.yml")["jobs"]["pre-merge"]
    assert job["permissions"] == example["permissions"]
    gate = next(step for step in job["steps"] if step.get("id") == "mlgate")
    assert gate["uses"] == f"mlgate/mlgate@v{__version__}"
    assert set(gate["with"]) <= set(action["inputs"])
    assert set(re.findall(r"steps\.mlgate\.outputs\.([\w-]+)", recipe)) <= set(action["outputs"])
    upload = next(step for step in job["steps"] if "upload-sarif" in step.get("uses", ""))
    assert upload["if"].startswith("always()") and "category" not in upload["with"]
    documented = set(re.findall(r"`([\w-]+)`", section("GitHub Actions").split("Inputs:")[1]))
    assert set(action["inputs"]) <= documented  # every input is listed under "Inputs:"


GITLAB_TEMPLATE = REPO / "examples" / "ci" / "gitlab" / "mlgate.gitlab-ci.yml"


def test_gitlab_recipe_includes_the_template_and_sets_its_variables() -> None:
    recipe, _ = blocks("GitLab CI", "yaml")
    document = yaml.safe_load(recipe)
    (include,) = document["include"]
    assert include["file"] == GITLAB_TEMPLATE.name
    template = load(GITLAB_TEMPLATE)
    assert "mlgate" in template
    assert set(document["mlgate"]["variables"]) <= set(template["variables"])


def shell_commands(script: str, program: str) -> list[list[str]]:
    """The ``program`` commands of a shell block, continuation lines joined."""
    lines = script.replace("\\\n", " ").splitlines()
    return [shlex.split(line) for line in lines if line.startswith(f"{program} ")]


def test_gitlab_keyless_recipe_extends_the_keyless_job_and_verifies_its_identity() -> None:
    _, recipe = blocks("GitLab CI", "yaml")
    (name, job), *others = yaml.safe_load(recipe).items()
    assert not others
    template = load(GITLAB_TEMPLATE)
    assert job["extends"] == ".mlgate-keyless" and name not in template
    assert job["id_tokens"] == template[".mlgate-keyless"]["id_tokens"]
    assert set(job["variables"]) <= set(template["variables"])
    image = job["variables"]["MLGATE_SUBJECT_IMAGE"]
    (verify,) = shell_commands(blocks("GitLab CI", "sh")[0], "mlgate")
    args = build_parser().parse_args(verify[1:])
    assert args.envelope == f"mlgate-reports/{BUNDLE_FILENAME}"
    assert args.subject_images == [image] and args.gate == job["variables"]["MLGATE_GATE"]
    # GitLab's certificate names the project's CI file at the branch the job runs on.
    assert args.certificate_identity == (
        "https://gitlab.com/GROUP/PROJECT//.gitlab-ci.yml@refs/heads/main"
    )
    assert args.certificate_oidc_issuer == "https://gitlab.com"
    assert args.certificate_identity in GITLAB_TEMPLATE.read_text()  # as its comment says


def test_jenkins_recipe_names_what_the_jenkinsfile_publishes() -> None:
    jenkinsfile = (REPO / "examples" / "ci" / "jenkins" / "Jenkinsfile").read_text()
    (record,) = re.findall(r"`(recordIssues [^`]+)`", section("Jenkins"))
    pattern = re.search(r"pattern: '([^']+)'", record)
    assert pattern is not None and f"pattern: '{pattern.group(1)}'" in jenkinsfile
    assert "post {" in jenkinsfile and "junit" in jenkinsfile


def test_pre_commit_recipe_names_the_published_hooks() -> None:
    (recipe,) = blocks("pre-commit", "yaml")
    (repository,) = yaml.safe_load(recipe)["repos"]
    assert repository["rev"] == f"v{__version__}"
    hooks = [hook["id"] for hook in load(REPO / ".pre-commit-hooks.yaml")]
    assert [hook["id"] for hook in repository["hooks"]] == hooks


def example_pipeline_module() -> ModuleType:
    import importlib.util

    path = REPO / "examples" / "kubeflow" / "churn_pipeline.py"
    spec = importlib.util.spec_from_file_location("churn_pipeline_recipe", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_kubeflow_recipe_compiles_with_the_gate_uncached_before_deploy(tmp_path: Path) -> None:
    (recipe,) = blocks("Kubeflow Pipelines", "python")
    # The recipe's train, deploy and POLICY are the example pipeline's.
    namespace = dict(vars(example_pipeline_module()))
    exec(compile(recipe, "README.md", "exec"), namespace)  # noqa: S102  # the README's own recipe
    target = tmp_path / "recipe.yaml"
    compiler.Compiler().compile(namespace["churn_nightly"], str(target))
    compiled = load(target)
    tasks = compiled["root"]["dag"]["tasks"]
    assert tasks["mlgate-gate"]["cachingOptions"] == {}
    assert tasks["mlgate-gate"]["dependentTasks"] == ["train"]
    condition = tasks["condition-1"]
    assert condition["dependentTasks"] == ["mlgate-gate"]
    assert condition["triggerPolicy"]["condition"].endswith("mlgate-gate-Output'] == 'pass'")


def safetensors_file(path: Path) -> None:
    """A valid safetensors file without tensors: header length, then the JSON header."""
    header = b'{"__metadata__":{"format":"pt"}}'
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(struct.pack("<Q", len(header)) + header)


def bash(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI"))}
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"
    environment.pop("MLGATE_KEY_PASSWORD", None)
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=environment,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.skipif(
    shutil.which("openssl") is None, reason="the recipe generates keys with openssl"
)
def test_deploy_time_recipe_runs_as_printed(tmp_path: Path) -> None:
    keygen, sign, check, keyless = blocks("Verifying at deploy time", "sh")[:4]
    (tmp_path / "mlgate.yaml").write_text(
        "version: 1\ngates:\n  pre-deploy:\n    checks:\n      artifacts: {paths: [model]}\n"
    )
    safetensors_file(tmp_path / "model" / "model.safetensors")
    done = bash("\n".join([keygen, sign, check]), tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == (
        "mlgate: verified: gate pre-deploy passed under mlgate.yaml for 1 subject(s)"
    )
    # The same deploy step refuses a model that is not the one the gate judged.
    (tmp_path / "model" / "model.safetensors").write_bytes(b"\x00" * 8)
    refused = bash(check, tmp_path)
    assert refused.returncode == 1
    assert "subject model/model.safetensors (sha256:" in refused.stderr
    # The keyless recipe needs Fulcio and Rekor: its commands are checked by the parser.
    run, verify = (build_parser().parse_args(c[1:]) for c in shell_commands(keyless, "mlgate"))
    assert (run.attest, run.gates) == ("sigstore", ["pre-deploy"])
    assert verify.certificate_identity and verify.certificate_oidc_issuer
    assert verify.subject_images == run.subject_images
    assert verify.envelope == "mlgate-reports/mlgate.sigstore.json"


def test_deploy_time_bundle_is_attached_with_the_command_of_the_cluster_examples() -> None:
    (attach,) = blocks("Verifying at deploy time", "sh")[4:]
    (readme,) = shell_commands(attach, "oras")
    example = REPO / "examples" / "cluster" / "kyverno-require-mlgate-verdict-keyless.yaml"
    commented = "\n".join(
        line.removeprefix("#").strip()
        for line in example.read_text().splitlines()
        if line.startswith("#   ")
    )
    # test_cluster_examples.py checks what this command pushes; here: it is that command.
    assert [readme] == shell_commands(commented, "oras")
