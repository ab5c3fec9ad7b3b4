"""The code that runs inside a check's own process.

Each check runs in a child process so that a hang can be killed at its timeout and a
crash or memory blow-up cannot take the run down. The child reports back over a pipe
as JSON through the shared codec: nothing is unpickled on the way back.
"""

from __future__ import annotations

import json
import sys
import traceback
from dataclasses import dataclass, replace
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from mlgate.core.check import CheckContext, CheckResult
from mlgate.core.codec import decode, encode
from mlgate.core.registry import load_target
from mlgate.core.rule import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkOrder:
    """What a child needs to run one check: plain strings only."""

    target: str
    config_json: str
    root: str
    gate: str
    today: str
    memory_mb: int | None


def _limit_memory(memory_mb: int | None) -> None:
    if memory_mb is None or sys.platform != "linux":
        return
    import resource

    limit = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _execute(order: WorkOrder) -> CheckResult:
    check_class: Any = load_target(order.target)
    config = check_class.Config.model_validate_json(order.config_json)
    context = CheckContext(
        root=Path(order.root), gate=order.gate, today=date.fromisoformat(order.today)
    )
    result = check_class().run(context, config)
    if not isinstance(result, CheckResult):
        raise TypeError(f"run() returned {type(result).__name__}, not CheckResult")
    return _with_rules(result, check_class.rules)


def _with_rules(result: CheckResult, static_rules: tuple[Rule, ...]) -> CheckResult:
    """Attach the metadata of every rule the findings name, each rule once."""
    fired = {finding.rule_id for finding in result.findings}
    known = {rule.id: rule for rule in (*static_rules, *result.rules)}
    return replace(result, rules=tuple(known[r] for r in sorted(fired) if r in known))


def run_order(order: WorkOrder, connection: Connection) -> None:
    """Child entry point: run the check and send ``{"result": ...}`` or ``{"error": ...}``."""
    try:
        _limit_memory(order.memory_mb)
        payload: dict[str, Any] = {"result": encode(_execute(order))}
    except MemoryError:
        payload = {"error": f"ran out of its memory budget ({order.memory_mb} MiB)"}
    except BaseException as error:
        frames = traceback.extract_tb(error.__traceback__)
        where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
        payload = {"error": f"crashed: {type(error).__name__}: {error}{where}"}
    connection.send_bytes(json.dumps(payload).encode())
    connection.close()


def read_reply(raw: bytes) -> CheckResult | str:
    """Parse a child's reply into a result, or an error message."""
    try:
        payload = json.loads(raw)
        if "error" in payload:
            return str(payload["error"])
        result: CheckResult = decode(payload["result"], CheckResult)
    except (ValueError, KeyError, TypeError) as error:
        return f"returned an unreadable result: {error}"
    return result
