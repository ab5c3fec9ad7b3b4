"""AWS API Gateway APIs declared in Terraform, and whether a throttle reaches every stage.

REST APIs (``aws_api_gateway_rest_api``): a stage (``aws_api_gateway_stage``, or the
deprecated ``stage_name`` of ``aws_api_gateway_deployment``) is throttled by
``aws_api_gateway_method_settings`` for that API *and that stage* with
``method_path = "*/*"`` and ``settings.throttling_rate_limit`` above 0 (``-1``, the
default, disables throttling; a single method's path covers only that method), or
by an ``aws_api_gateway_usage_plan`` whose ``api_stages`` name the API and stage and
whose ``throttle_settings.rate_limit`` is set. Usage plans throttle per API key, so
one counts only when no scanned method of the API admits callers without a key.

HTTP and WebSocket APIs (``aws_apigatewayv2_api``): a stage's
``default_route_settings.throttling_rate_limit``, or ``route_settings`` for every
scanned route. A quick-create API (``target``) gets a ``$default`` stage with no
throttle. An API whose endpoints are all ``PRIVATE`` is not exposed. An API is
limited only when it has a stage and every stage is throttled: the account-level
quota that AWS applies to everything is not a limit of this API.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mlgate.checks.deploy.ratelimit.model import Exposure, Mechanism
from mlgate.checks.deploy.ratelimit.terraform import Resource, TerraformIndex, number
from mlgate.formats.hcl import HclBlock, HclExpression

REST_API = "aws_api_gateway_rest_api"
HTTP_API = "aws_apigatewayv2_api"
_THROTTLE = "throttling_rate_limit"


@dataclass(frozen=True, slots=True)
class _Stage:
    """A stage of an API: its name as written (or resolved) and the resource declaring it."""

    label: str
    key: str | None
    resource: Resource | None


def _rate_reason(index: TerraformIndex, block: HclBlock | None, attribute: str) -> str | None:
    """``None`` when ``block.attribute`` is a rate above 0; otherwise why it is not."""
    written = block.value(attribute) if block is not None else None
    if written is None:
        return f"no {attribute} is set"
    rate = number(index.resolve(written))
    if rate is None:
        shown = written.text if isinstance(written, HclExpression) else repr(written)
        return f"{attribute} = {shown} is not a value the scanned files prove"
    return None if rate > 0 else f"{attribute} = {rate:g} disables throttling"


def _refers(index: TerraformIndex, block: HclBlock, attribute: str, api: Resource) -> bool:
    return index.address_of(block.value(attribute), api.type) == api.address


def _stage(index: TerraformIndex, resource: Resource) -> _Stage:
    key = index.key(resource.block.value("stage_name") or resource.block.value("name"))
    label = key.removeprefix("expr:") if key else resource.name
    return _Stage(label, key, resource)


def _rest_stages(index: TerraformIndex, api: Resource) -> list[_Stage]:
    stages = [
        _stage(index, r)
        for r in index.of_type("aws_api_gateway_stage")
        if _refers(index, r.block, "rest_api_id", api)
    ]
    stages += [
        _stage(index, r)
        for r in index.of_type("aws_api_gateway_deployment")
        if _refers(index, r.block, "rest_api_id", api) and r.block.attribute("stage_name")
    ]
    return stages


def _method_settings_reason(index: TerraformIndex, api: Resource, stage: _Stage) -> str:
    reasons = ["no aws_api_gateway_method_settings throttles it"]
    for found in index.of_type("aws_api_gateway_method_settings"):
        block = found.block
        if not _refers(index, block, "rest_api_id", api):
            continue
        if index.key(block.value("stage_name")) != stage.key:
            continue
        path = index.resolve(block.value("method_path"))
        reason = _rate_reason(index, next(block.children("settings"), None), _THROTTLE)
        if reason is None and path == "*/*":
            return ""
        reasons = [reason or f"{found.address} covers only method_path {path}"]
    return reasons[0]


def _keyless_methods(index: TerraformIndex, api: Resource) -> list[str]:
    return [
        m.address
        for m in index.of_type("aws_api_gateway_method")
        if _refers(index, m.block, "rest_api_id", api)
        and index.resolve(m.block.value("api_key_required")) is not True
    ]


def _usage_plan_reason(index: TerraformIndex, api: Resource, stage: _Stage) -> str:
    reason = "no aws_api_gateway_usage_plan with throttle_settings is attached to it"
    for plan in index.of_type("aws_api_gateway_usage_plan"):
        attached = any(
            _refers(index, entry, "api_id", api) and index.key(entry.value("stage")) == stage.key
            for entry in plan.block.children("api_stages")
        )
        if not attached:
            continue
        throttle = next(plan.block.children("throttle_settings"), None)
        keyless = _keyless_methods(index, api)
        if _rate_reason(index, throttle, "rate_limit") is not None:
            reason = f"{plan.address} sets no throttle_settings rate_limit above 0"
        elif keyless:
            reason = (
                f"{plan.address} throttles only API-key callers, and {keyless[0]} does not "
                "set api_key_required = true"
            )
        else:
            return ""
    return reason


def _rest_stage_reason(index: TerraformIndex, api: Resource, stage: _Stage) -> str:
    by_settings = _method_settings_reason(index, api, stage)
    by_plan = _usage_plan_reason(index, api, stage) if by_settings else ""
    return f"stage {stage.label}: {by_settings}; {by_plan}" if by_plan else ""


def _http_stage_reason(index: TerraformIndex, api: Resource, stage: _Stage) -> str:
    if stage.resource is None:
        return f"stage {stage.label} is created by `target` with no throttle"
    block = stage.resource.block
    default = _rate_reason(index, next(block.children("default_route_settings"), None), _THROTTLE)
    if default is None:
        return ""
    routes = {
        index.key(r.block.value("route_key"))
        for r in index.of_type("aws_apigatewayv2_route")
        if _refers(index, r.block, "api_id", api)
    }
    covered = {
        index.key(s.value("route_key"))
        for s in block.children("route_settings")
        if _rate_reason(index, s, _THROTTLE) is None
    }
    missing = sorted(str(key).removeprefix("expr:") for key in routes - covered)
    if routes and not missing:
        return ""
    # Naming the first route left out makes a partial route_settings visible.
    partial = f"; route_settings leave {missing[0]} unthrottled" if covered and missing else ""
    return f"stage {stage.label}: default_route_settings: {default}{partial}"


def _http_stages(index: TerraformIndex, api: Resource) -> list[_Stage]:
    stages = [
        _stage(index, r)
        for r in index.of_type("aws_apigatewayv2_stage")
        if _refers(index, r.block, "api_id", api)
    ]
    if api.block.attribute("target") is not None:
        stages.append(_Stage("$default", "$default", None))
    return stages


def _is_private(index: TerraformIndex, api: Resource) -> bool:
    configuration = next(api.block.children("endpoint_configuration"), None)
    types = index.resolve(configuration.value("types")) if configuration is not None else None
    return isinstance(types, list) and bool(types) and all(t == "PRIVATE" for t in types)


def _rest_fix(api: Resource, stage: _Stage | None) -> str:
    stage_ref = '"<stage name>"'
    if stage is not None and stage.resource is not None:
        stage_ref = f"{stage.resource.address}.stage_name"
    return (
        "Throttle every method of every stage (-1 means unlimited):\n"
        f'resource "aws_api_gateway_method_settings" "{api.name}_throttle" {{\n'
        f"  rest_api_id = {api.address}.id\n"
        f"  stage_name  = {stage_ref}\n"
        '  method_path = "*/*"\n'
        "  settings {\n"
        "    throttling_rate_limit  = 10\n"
        "    throttling_burst_limit = 20\n"
        "  }\n"
        "}"
    )


def _http_fix(api: Resource, stage: _Stage | None) -> str:
    settings = (
        "  default_route_settings {\n"
        "    throttling_rate_limit  = 10\n"
        "    throttling_burst_limit = 20\n"
        "  }\n"
    )
    if stage is not None and stage.resource is not None:
        return f"Add to {stage.resource.address}:\n{settings}"
    return (
        "Declare the stage with a default throttle (and drop `target` quick create):\n"
        f'resource "aws_apigatewayv2_stage" "{api.name}" {{\n'
        f"  api_id      = {api.address}.id\n"
        '  name        = "$default"\n'
        "  auto_deploy = true\n"
        f"{settings}}}"
    )


def _judge(index: TerraformIndex, api: Resource) -> Exposure:
    is_rest = api.type == REST_API
    stages = _rest_stages(index, api) if is_rest else _http_stages(index, api)
    judge = _rest_stage_reason if is_rest else _http_stage_reason
    unlimited = [(s, r) for s in stages for r in [judge(index, api, s)] if r]
    reason = unlimited[0][1] if unlimited else ""
    if not stages:
        reason = "no stage of it is in the scanned files, so no throttle can be proven"
    stage = unlimited[0][0] if unlimited else None
    fix = _rest_fix(api, stage) if is_rest else _http_fix(api, stage)
    return Exposure(
        api=index.qualify(api.address),
        path=api.path,
        line=api.block.line,
        mechanism=Mechanism.AWS_API_GATEWAY,
        limited=not reason,
        reason=reason or "limited",
        fix=fix,
    )


def apigateway_exposures(index: TerraformIndex) -> Iterator[Exposure]:
    """Each public REST, HTTP or WebSocket API Gateway API, with its throttling verdict."""
    for api in [*index.of_type(REST_API), *index.of_type(HTTP_API)]:
        if not _is_private(index, api):
            yield _judge(index, api)
