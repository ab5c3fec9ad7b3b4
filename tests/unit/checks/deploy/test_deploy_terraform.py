"""AWS API Gateway throttling in Terraform: exact findings, the fix shown, fail-closed reading."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from builders.manifests import write_tree
from corpus.deploy.cases_terraform import TERRAFORM_CASES
from mlgate.checks.deploy import DeployCheck, DeployConfig
from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.finding import location_line


def run(root: Path, files: dict[str, str], **options: object) -> CheckResult:
    write_tree(root, files)
    context = CheckContext(root=root, gate="pre-deploy", today=date(2026, 1, 1))
    return DeployCheck().run(context, DeployConfig.model_validate(options))


def case(name: str) -> dict[str, str]:
    return next(c.files for c in TERRAFORM_CASES if c.name == name)


def test_minus_one_is_unlimited_and_the_fix_names_the_stage(tmp_path: Path) -> None:
    result = run(tmp_path, case("tf_method_settings_minus_one"))
    [finding] = result.findings
    assert (finding.rule_id, finding.location.path, location_line(finding.location)) == (
        "RL001", "api.tf", 1,
    )  # fmt: skip
    assert "throttling_rate_limit = -1 disables throttling" in finding.message
    remediation = finding.remediation or ""
    assert "rest_api_id = aws_api_gateway_rest_api.api.id" in remediation
    assert "stage_name  = aws_api_gateway_stage.prod.stage_name" in remediation
    assert 'method_path = "*/*"' in remediation
    assert result.inputs == 1 and result.errors == ()


def test_http_api_fix_edits_the_existing_stage(tmp_path: Path) -> None:
    [finding] = run(tmp_path, case("tf_http_api_route_settings_partial")).findings
    assert "route_settings leave GET /metadata unthrottled" in finding.message
    assert (finding.remediation or "").startswith("Add to aws_apigatewayv2_stage.default:")


def test_usage_plan_without_api_keys_is_named(tmp_path: Path) -> None:
    [finding] = run(tmp_path, case("tf_usage_plan_keyless_method")).findings
    assert "aws_api_gateway_method.predict does not set api_key_required" in finding.message


def test_unreadable_terraform_fails_closed_and_unrelated_files_are_not_inputs(
    tmp_path: Path,
) -> None:
    files = {
        "broken.tf": 'resource "aws_api_gateway_rest_api" "api" {\n  name = "x"\n',
        "network.tf": 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n',
    }
    result = run(tmp_path, files)
    assert [e.split(":")[0] for e in result.errors] == ["broken.tf"]
    assert result.inputs == 0 and result.findings == ()


def test_terraform_is_read_only_for_the_rate_limit_proof(tmp_path: Path) -> None:
    result = run(tmp_path, case("tf_rest_api_no_throttle"), rate_limits=False)
    assert result.findings == () and result.inputs == 0


def _rl001(result: CheckResult) -> list[tuple[str, int | None, str]]:
    return sorted(
        (f.location.path or "", location_line(f.location), f.message)
        for f in result.findings
        if f.rule_id == "RL001"
    )


def test_module_instance_is_named_in_the_finding(tmp_path: Path) -> None:
    result = run(tmp_path, case("tf_module_one_instance_of_two_unlimited"))
    assert result.errors == ()
    assert _rl001(result) == [(
        "modules/api/main.tf", 1,
        "module.dev.aws_api_gateway_rest_api.api has no enforced rate limit: stage prod: "
        "throttling_rate_limit = -1 disables throttling; no aws_api_gateway_usage_plan with "
        "throttle_settings is attached to it.",
    )]  # fmt: skip
    assert result.inputs == 2


def test_var_file_is_named_in_the_finding(tmp_path: Path) -> None:
    result = run(tmp_path, case("tf_var_file_of_one_environment_unlimited"))
    [(_, _, message)] = _rl001(result)
    assert message.startswith(
        "aws_api_gateway_rest_api.api (var-file envs/dev.tfvars) has no enforced rate limit"
    )
    assert result.inputs == 3


def test_json_syntax_points_at_the_api_line(tmp_path: Path) -> None:
    files = {"api.tf.json": case("tf_json_syntax_throttle_from_default")["api.tf.json"],
             "terraform.tfvars.json": '{"rate": -1}'}  # fmt: skip
    assert _rl001(run(tmp_path, files)) == [(
        "api.tf.json", 3,
        "aws_api_gateway_rest_api.api has no enforced rate limit: stage prod: "
        "throttling_rate_limit = -1 disables throttling; no aws_api_gateway_usage_plan with "
        "throttle_settings is attached to it.",
    )]  # fmt: skip


def test_unreadable_json_and_var_files_fail_closed(tmp_path: Path) -> None:
    files = {"api.tf.json": '{"resource": {"aws_api_gateway_rest_api": ',
             "prod.tfvars": 'rate = "unterminated\n'}  # fmt: skip
    result = run(tmp_path, files)
    assert result.findings == ()
    assert sorted(e.split(":")[0] for e in result.errors) == ["api.tf.json", "prod.tfvars"]


def test_module_cycles_and_remote_sources_end(tmp_path: Path) -> None:
    files = {
        "a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
        "b/main.tf": 'module "a" {\n  source = "../a"\n}\n'
        'module "r" {\n  source = "org/x/aws"\n}\n',
    }
    result = run(tmp_path, files)
    assert result.findings == () and result.errors == ()
