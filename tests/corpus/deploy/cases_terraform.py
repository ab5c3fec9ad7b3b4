"""Rate-limit corpus, Terraform half: AWS API Gateway throttling (REST, HTTP, usage plans).

Same convention as :mod:`corpus.deploy.cases_kube`: ``# <- RL001`` marks each line
that must carry a finding (here the API's ``resource`` line).
"""

from __future__ import annotations

from corpus.deploy.cases_kube import Case

MARK = "  # <- RL001"


def _rest_api(marked: bool, extra: str = "") -> str:
    return f"""\
resource "aws_api_gateway_rest_api" "api" {{{MARK if marked else ""}
  name = "churn"
{extra}}}
"""


def _stage(name: str = "prod", resource: str = "prod") -> str:
    return f"""
resource "aws_api_gateway_stage" "{resource}" {{
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.api.id
  stage_name    = "{name}"
}}
"""


def _method_settings(
    rate: str = "100", stage: str = "aws_api_gateway_stage.prod.stage_name", path: str = "*/*"
) -> str:
    return f"""
resource "aws_api_gateway_method_settings" "all" {{
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = {stage}
  method_path = "{path}"

  settings {{
    throttling_rate_limit  = {rate}
    throttling_burst_limit = 50
    metrics_enabled        = true
  }}
}}
"""


def _usage_plan(api: str = "aws_api_gateway_rest_api.api.id") -> str:
    return f"""
resource "aws_api_gateway_usage_plan" "partners" {{
  name = "partners"

  api_stages {{
    api_id = {api}
    stage  = aws_api_gateway_stage.prod.stage_name
  }}

  throttle_settings {{
    burst_limit = 20
    rate_limit  = 10
  }}
}}
"""


def _method(key_required: str) -> str:
    return f"""
resource "aws_api_gateway_method" "predict" {{
  rest_api_id      = aws_api_gateway_rest_api.api.id
  resource_id      = aws_api_gateway_resource.predict.id
  http_method      = "POST"
  authorization    = "NONE"
  api_key_required = {key_required}
}}
"""


def _http_api(marked: bool, extra: str = "") -> str:
    return f"""\
resource "aws_apigatewayv2_api" "api" {{{MARK if marked else ""}
  name          = "churn"
  protocol_type = "HTTP"
{extra}}}
"""


def _http_stage(settings: str) -> str:
    return f"""
resource "aws_apigatewayv2_stage" "default" {{
  api_id      = aws_apigatewayv2_api.api.id
  name        = "$default"
  auto_deploy = true
{settings}}}
"""


def _route(key: str, name: str) -> str:
    return f"""
resource "aws_apigatewayv2_route" "{name}" {{
  api_id    = aws_apigatewayv2_api.api.id
  route_key = "{key}"
}}
"""


DEFAULT_ROUTE = """\
  default_route_settings {
    throttling_burst_limit = 20
    throttling_rate_limit  = 10
  }
"""
ONE_ROUTE = """\
  route_settings {
    route_key              = "POST /predict"
    throttling_rate_limit  = 5
    throttling_burst_limit = 5
  }
"""
OTHER_API = """
resource "aws_api_gateway_rest_api" "admin" {  # <- RL001 (the plan names it, but no stage)
  name = "admin"
}
"""
VARIABLES = """\
variable "throttle_rate" {
  type    = number
  default = 50
}

variable "stage" {
  default = "prod"
}
"""
HEREDOC_POLICY = """\
  # The policy text mentions throttling; it is a string, not a setting.
  description = <<-EOT
    settings { throttling_rate_limit = 100 }
    }}} unbalanced braces stay inside the heredoc
  EOT
"""
PRIVATE = """\
  endpoint_configuration {
    types = ["PRIVATE"]
  }
"""
LEGACY_DEPLOYMENT = """
resource "aws_api_gateway_deployment" "api" {
  rest_api_id = "${aws_api_gateway_rest_api.api.id}"
  stage_name  = "live"
}
"""

TERRAFORM_CASES: tuple[Case, ...] = (
    Case("tf_method_settings_all_methods", "limited",
         {"api.tf": _rest_api(False) + _stage() + _method_settings()}),
    Case("tf_method_settings_minus_one", "trap",
         {"api.tf": _rest_api(True) + _stage() + _method_settings(rate="-1")}),
    Case("tf_rest_api_no_throttle", "unlimited", {"api.tf": _rest_api(True) + _stage()}),
    Case("tf_rest_api_without_stage", "unlimited", {"api.tf": _rest_api(True)}),
    Case("tf_settings_on_other_stage", "trap",
         {"api.tf": _rest_api(True) + _stage() + _stage("dev", "dev")
          + _method_settings(stage="aws_api_gateway_stage.dev.stage_name")}),
    Case("tf_settings_one_method_only", "trap",
         {"api.tf": _rest_api(True) + _stage() + _method_settings(path="predict/POST")}),
    Case("tf_usage_plan_attached", "limited",
         {"api.tf": _rest_api(False) + _stage() + _method("true") + _usage_plan()}),
    Case("tf_usage_plan_other_api", "trap",
         {"api.tf": _rest_api(True) + OTHER_API + _stage() + _method("true")
          + _usage_plan("aws_api_gateway_rest_api.admin.id")}),
    Case("tf_usage_plan_keyless_method", "trap",
         {"api.tf": _rest_api(True) + _stage() + _method("false") + _usage_plan()}),
    Case("tf_rate_from_variable_in_other_file", "limited",
         {"variables.tf": VARIABLES,
          "api.tf": _rest_api(False) + _stage() + _method_settings(
              rate="var.throttle_rate", stage="var.stage")}),
    Case("tf_rate_variable_without_default", "trap",
         {"api.tf": _rest_api(True) + _stage() + _method_settings(rate="var.unknown_rate")}),
    Case("tf_legacy_deployment_stage", "limited",
         {"main.tf": _rest_api(False) + LEGACY_DEPLOYMENT
          + _method_settings(stage='"live"')}),
    Case("tf_heredoc_is_not_a_setting", "trap",
         {"api.tf": _rest_api(True, HEREDOC_POLICY) + _stage()}),
    Case("tf_private_api_not_exposed", "trap", {"api.tf": _rest_api(False, PRIVATE) + _stage()}),
    Case("tf_http_api_default_route_settings", "limited",
         {"http.tf": _http_api(False) + _http_stage(DEFAULT_ROUTE)}),
    Case("tf_http_api_no_settings", "unlimited", {"http.tf": _http_api(True) + _http_stage("")}),
    Case("tf_http_api_route_settings_cover_all", "limited",
         {"http.tf": _http_api(False) + _route("POST /predict", "predict")
          + _http_stage(ONE_ROUTE)}),
    Case("tf_http_api_route_settings_partial", "trap",
         {"http.tf": _http_api(True) + _route("POST /predict", "predict")
          + _route("GET /metadata", "metadata") + _http_stage(ONE_ROUTE)}),
    Case("tf_http_api_quick_create", "unlimited",
         {"http.tf": _http_api(True, '  target = aws_lambda_function.model.arn\n')}),
)  # fmt: skip


def _module_api(marked: bool, rate_variable: str = 'variable "rate" {}\n') -> str:
    """A module directory's API whose throttle comes from ``var.rate``."""
    return (_rest_api(marked) + _stage() + _method_settings(rate="var.rate") + "\n"
            + rate_variable)  # fmt: skip


def _call(name: str, arguments: str = "") -> str:
    return f'\nmodule "{name}" {{\n  source = "./modules/api"\n{arguments}}}\n'


_API_DIR = "modules/api/main.tf"
_JSON_API = """\
{
  "resource": {
    "aws_api_gateway_rest_api": {"api": {"name": "churn"}},
    "aws_api_gateway_stage": {"prod": {
      "rest_api_id": "${aws_api_gateway_rest_api.api.id}", "stage_name": "prod"}},
    "aws_api_gateway_method_settings": {"all": {
      "rest_api_id": "${aws_api_gateway_rest_api.api.id}",
      "stage_name": "${aws_api_gateway_stage.prod.stage_name}",
      "method_path": "*/*",
      "settings": {"throttling_rate_limit": "${var.rate}"}}}
  },
  "variable": {"rate": {"default": 25}}
}
"""

# Module instances, variable files and the JSON syntax: the value that reaches the
# throttle is the one the deployment uses, not the default written next to it.
TERRAFORM_CASES += (
    Case("tf_module_rate_from_call", "limited",
         {_API_DIR: _module_api(False), "main.tf": _call("api", "  rate = 50\n")}),
    Case("tf_module_call_passes_minus_one", "trap",
         {_API_DIR: _module_api(True, 'variable "rate" { default = 100 }\n'),
          "main.tf": _call("api", "  rate = -1\n")}),
    Case("tf_module_default_used", "limited",
         {_API_DIR: _module_api(False, 'variable "rate" { default = 100 }\n'),
          "main.tf": _call("api")}),
    Case("tf_module_one_instance_of_two_unlimited", "trap",
         {_API_DIR: _module_api(True),
          "main.tf": _call("prod", "  rate = 100\n") + _call("dev", "  rate = -1\n")}),
    Case("tf_module_argument_from_root_variable", "limited",
         {_API_DIR: _module_api(False),
          "main.tf": 'variable "rate" { default = 20 }\n' + _call("api", "  rate = var.rate\n")}),
    Case("tf_module_caller_variable_is_not_the_callee_variable", "trap",
         {_API_DIR: _module_api(True, 'variable "rate" {}\nvariable "limit" { default = 100 }\n'),
          "main.tf": 'variable "limit" {}\n' + _call("api", "  rate = var.limit\n")}),
    Case("tf_tfvars_set_the_rate", "limited",
         {"api.tf": _module_api(False), "terraform.tfvars": "rate = 10\n"}),
    Case("tf_auto_tfvars_override_the_default_with_minus_one", "trap",
         {"api.tf": _module_api(True, 'variable "rate" { default = 100 }\n'),
          "terraform.tfvars": "rate = 100\n", "z.auto.tfvars": "rate = -1\n"}),
    Case("tf_var_file_of_one_environment_unlimited", "trap",
         {"api.tf": _module_api(True),
          "envs/prod.tfvars": "rate = 100\n", "envs/dev.tfvars": "rate = -1\n"}),
    Case("tf_var_files_of_every_environment_limited", "limited",
         {"api.tf": _module_api(False),
          "envs/prod.tfvars": "rate = 100\n", "envs/dev.tfvars": "rate = 5\n"}),
    Case("tf_json_syntax_throttle_from_default", "limited", {"api.tf.json": _JSON_API}),
    Case("tf_json_variable_file_sets_the_rate", "limited",
         {"api.tf": _module_api(False), "prod.tfvars.json": '{"rate": 40}'}),
)  # fmt: skip
