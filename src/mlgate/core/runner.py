"""Runs gates: every check in its own process, in parallel, each under a timeout.

Whatever goes wrong inside a check (an exception, a hang, a crash of the process,
an exhausted memory budget, an unreadable reply) becomes an error of that check,
so its gate is ``error`` while the other checks still run and report.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from mlgate.core.check import CheckResult
from mlgate.core.decision import CheckRun, DecisionInputs, decide
from mlgate.core.fingerprint import disambiguate
from mlgate.core.gate import GatePlan, PlannedCheck
from mlgate.core.progress import NullProgress, ProgressSink
from mlgate.core.verdict import GateVerdict
from mlgate.core.worker import WorkOrder, read_reply, run_order

_KILL_GRACE_SECONDS = 2.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Task:
    """One check of one gate to run."""

    gate: str
    check: PlannedCheck


@dataclass(slots=True)
class _Active:
    index: int
    task: Task
    process: BaseProcess
    connection: Connection
    started: float
    deadline: float


@dataclass(kw_only=True)
class ExecutionOptions:
    """How to run: where, on which day, how many processes, who hears progress."""

    root: str
    today: str
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    progress: ProgressSink = field(default_factory=NullProgress)


def _context() -> Any:
    # forkserver children start from a clean, single-threaded server process (a
    # plain fork would copy the parent's progress-bar thread and its locks).
    method = "forkserver" if sys.platform == "linux" else "spawn"
    return multiprocessing.get_context(method)


def _start(index: int, task: Task, options: ExecutionOptions, mp: Any) -> _Active:
    order = WorkOrder(
        target=task.check.target,
        config_json=task.check.config.model_dump_json(),
        root=options.root,
        gate=task.gate,
        today=options.today,
        memory_mb=task.check.config.memory_mb,
    )
    receiver, sender = mp.Pipe(duplex=False)
    process = mp.Process(
        target=run_order, args=(order, sender), name=f"mlgate-{task.gate}-{task.check.check_id}"
    )
    process.start()
    sender.close()
    now = time.monotonic()
    options.progress.started(task.gate, task.check.check_id)
    return _Active(index, task, process, receiver, now, now + task.check.config.timeout)


def _stop(process: BaseProcess) -> None:
    process.terminate()
    process.join(_KILL_GRACE_SECONDS)
    if process.is_alive():
        process.kill()
        process.join()


def _collect(active: _Active, now: float) -> CheckResult | str | None:
    """The finished result or error of ``active``, or ``None`` while it still runs."""
    if active.connection.poll():
        try:
            reply: CheckResult | str = read_reply(active.connection.recv_bytes())
        except (EOFError, OSError):
            # The pipe closed without a message: the process died on its own.
            active.process.join(_KILL_GRACE_SECONDS)
            return _silent_exit(active.process)
        active.process.join(_KILL_GRACE_SECONDS)
        if active.process.is_alive():
            _stop(active.process)
        return reply
    if not active.process.is_alive():
        return _silent_exit(active.process)
    if now >= active.deadline:
        _stop(active.process)
        return f"timed out after {active.task.check.config.timeout:g} s and was stopped"
    return None


def _silent_exit(process: BaseProcess) -> str:
    return f"its process exited with code {process.exitcode} and no result"


def _as_result(reply: CheckResult | str) -> CheckResult:
    if isinstance(reply, str):
        return CheckResult(errors=(reply,))
    return replace(reply, findings=disambiguate(reply.findings))


def _unloadable(task: Task, options: ExecutionOptions) -> CheckRun:
    options.progress.started(task.gate, task.check.check_id)
    options.progress.finished(task.gate, task.check.check_id, "error", 0.0)
    message = f"could not be loaded: {task.check.load_error}"
    return CheckRun(check_id=task.check.check_id, result=CheckResult(errors=(message,)))


def execute(tasks: Sequence[Task], options: ExecutionOptions) -> list[CheckRun]:
    """Run every task, at most ``options.jobs`` at once; results come in task order."""
    mp = _context()
    pending = deque(enumerate(tasks))
    active: list[_Active] = []
    runs: dict[int, CheckRun] = {}
    options.progress.planned(len(tasks))
    try:
        while pending or active:
            while pending and len(active) < max(1, options.jobs):
                index, task = pending.popleft()
                if task.check.load_error is not None:
                    runs[index] = _unloadable(task, options)
                    continue
                active.append(_start(index, task, options, mp))
            if not active:
                continue
            timeout = max(0.0, min(a.deadline for a in active) - time.monotonic())
            wait([a.connection for a in active] + [a.process.sentinel for a in active], timeout)
            now = time.monotonic()
            for item in list(active):
                reply = _collect(item, now)
                if reply is None:
                    continue
                active.remove(item)
                item.connection.close()
                seconds = now - item.started
                check = item.task.check
                status = "error" if isinstance(reply, str) else "ok"
                options.progress.finished(item.task.gate, check.check_id, status, seconds)
                runs[item.index] = CheckRun(
                    check_id=check.check_id,
                    result=_as_result(reply),
                    duration_seconds=round(seconds, 3),
                    fail_on=check.fail_on,
                )
    finally:
        for item in active:
            _stop(item.process)
    return [runs[index] for index in range(len(tasks))]


def run_gates(
    plans: Sequence[GatePlan], inputs: DecisionInputs, options: ExecutionOptions
) -> list[GateVerdict]:
    """Run the checks of every gate in one pool, then decide each gate."""
    tasks = [Task(gate=plan.name, check=check) for plan in plans for check in plan.checks]
    runs = iter(execute(tasks, options))
    return [decide(plan, [next(runs) for _ in plan.checks], inputs) for plan in plans]
