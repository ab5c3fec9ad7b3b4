"""``mlgate explain RULE`` and ``mlgate checks``."""

from __future__ import annotations

import argparse

from mlgate.cli.exit import ExitCode
from mlgate.core.errors import UsageError
from mlgate.core.plugins import check_registry, reporter_registry
from mlgate.core.rule import Rule
from mlgate.core.rules_index import find_rule, rule_text


def command_explain(args: argparse.Namespace) -> ExitCode:
    """Print what a rule detects, why it matters and how to fix or waive it."""
    found = find_rule(check_registry(), args.rule)
    if found is None:
        raise UsageError(
            f"no installed check defines rule {args.rule!r} "
            "(rules of ingested SARIF tools are explained in their own reports)"
        )
    check_id, rule = found
    print(rule_text(check_id, rule))
    return ExitCode.PASS


def _summary(rule_count: int, summary: str) -> str:
    return f"{summary} ({rule_count} rule{'s' if rule_count != 1 else ''})"


def command_checks(args: argparse.Namespace) -> ExitCode:
    """List installed checks (with a load error, if any) and report formats."""
    registry = check_registry()
    print("checks:")
    for name in registry.names():
        try:
            check_class = registry.load(name)
            rules: tuple[Rule, ...] = check_class.rules
            print(f"  {name:<12} {_summary(len(rules), check_class.summary)}")
        except Exception as error:  # noqa: BLE001  # list every check, broken ones included
            print(f"  {name:<12} BROKEN: {error}")
    print("report formats:")
    print("  " + ", ".join(reporter_registry().names()))
    return ExitCode.PASS
