from __future__ import annotations

from typing import Any

import pytest

from mlgate.core.errors import RegistryError
from mlgate.core.plugins import check_registry, reporter_registry, validate_check, validate_reporter
from mlgate.core.registry import PluginSpec, Registry


def identity(name: str, obj: Any) -> Any:
    return obj


def test_names_are_read_without_importing() -> None:
    registry = Registry(
        "thing", [PluginSpec("b", "no.such.module:X"), PluginSpec("a", "json:dumps")], identity
    )
    assert registry.names() == ["a", "b"]
    assert "b" in registry
    with pytest.raises(
        RegistryError, match=r"failed to load from no\.such\.module:X: ModuleNotFoundError"
    ):
        registry.load("b")


def test_duplicate_names_with_different_targets_are_refused() -> None:
    registry = Registry(
        "check", [PluginSpec("x", "json:dumps"), PluginSpec("x", "json:loads")], identity
    )
    with pytest.raises(RegistryError, match="registered more than once: json:dumps, json:loads"):
        registry.load("x")


def test_unknown_name() -> None:
    with pytest.raises(RegistryError, match="no check named 'nope' is installed"):
        Registry("check", [], identity).load("nope")


def test_builtin_and_third_party_checks_share_one_group() -> None:
    names = check_registry().names()
    assert {"sarif", "findings", "crash"} <= set(names)
    assert check_registry().load("sarif").id == "sarif"
    assert set(reporter_registry().names()) >= {
        "json",
        "sarif",
        "junit",
        "markdown",
        "github",
        "html",
        "terminal",
    }


class NotACheck:
    id = "other"


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (len, "is not a class"),
        (NotACheck, "differs from its entry point"),
    ],
)
def test_check_validation(obj: Any, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        validate_check("mine", obj)


def test_check_validation_needs_config_rules_and_run() -> None:
    from mlgate.core.check import CheckConfig

    class NoConfig:
        id = "mine"

    class BadRules:
        id = "mine"
        Config = CheckConfig
        rules = ("x",)

    class NoRun:
        id = "mine"
        Config = CheckConfig
        rules = ()
        summary = "s"

    with pytest.raises(RegistryError, match="Config must subclass"):
        validate_check("mine", NoConfig)
    with pytest.raises(RegistryError, match="rules must be a tuple of Rule"):
        validate_check("mine", BadRules)
    with pytest.raises(RegistryError, match="run"):
        validate_check("mine", NoRun)


def test_reporter_validation() -> None:
    class Named:
        format_id = "x"

    with pytest.raises(RegistryError, match="not a class whose format_id"):
        validate_reporter("y", Named)
    with pytest.raises(RegistryError, match="needs media_type"):
        validate_reporter("x", Named)
