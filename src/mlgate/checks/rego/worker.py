"""The Rego worker: a child process with an empty environment and a deadline.

regopy's ``opa.runtime()`` hands a policy the process environment, where CI keeps its
secrets; the worker clears its own environment before regopy is imported, so a policy
sees ``{}``. The parent waits at most ``timeout`` seconds and then kills the worker:
a policy that loops cannot hold the gate. Job and reply cross the pipe as JSON bytes
(nothing is unpickled). rego-cpp prints compile diagnostics on the process's own
stdout; the worker points file descriptors 1 and 2 at a temporary file, so the
diagnostics end up in the error message instead of in mlgate's reports.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import tempfile
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

_KILL_GRACE_SECONDS = 2.0


@dataclass(frozen=True, slots=True, kw_only=True)
class RegoJob:
    """What the worker compiles and evaluates: module (name, source) pairs, data, inputs."""

    modules: list[tuple[str, str]]
    data: list[Any]
    namespaces: list[str]
    inputs: list[Any]


class WorkerError(RuntimeError):
    """The worker failed: policies did not compile, it crashed, or it ran out of time."""


_BRACKET_HINT = (
    " (regopy cannot iterate a reference inside a function argument, like "
    "`contains(v, names[_])`: bind the element first, `some name in names` then "
    "`contains(v, name)`)"
)


def _diagnostics(captured: Any) -> str:
    """The first lines rego-cpp printed after ``Errors:``, on one line, with a hint."""
    captured.seek(0)
    text = captured.read().decode("utf-8", "replace")
    _, _, errors = text.partition("Errors:")
    lines = [line.strip() for line in errors.splitlines() if line.strip()]
    hint = _BRACKET_HINT if "Invalid bracket argument" in errors else ""
    return " ".join(lines[:4]) + hint


def _lift_address_space_limit() -> None:
    # regopy's allocator (snmalloc) reserves a large address range when it loads and
    # aborts under the check's RLIMIT_AS budget ("Failed to initialise snmalloc"); the
    # worker is bounded by its timeout instead. Raising soft up to hard needs no privilege.
    if sys.platform != "linux":
        return
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _serve(connection: Connection) -> None:
    """Child entry point: empty the environment, then compile and evaluate one job."""
    os.environ.clear()  # before regopy loads: opa.runtime().env must be empty
    _lift_address_space_limit()
    captured = tempfile.TemporaryFile()  # noqa: SIM115  # lives as long as the worker
    os.dup2(captured.fileno(), 1)
    os.dup2(captured.fileno(), 2)
    from mlgate.checks.rego.engine import CompileError, compile_policies, evaluate_all

    job = json.loads(connection.recv_bytes())
    try:
        compiled = compile_policies(job["modules"], job["data"], job["namespaces"])
        reply: dict[str, Any] = {"results": evaluate_all(compiled, job["inputs"])}
    except CompileError as error:
        reply = {"error": f"policies do not compile: {error}: {_diagnostics(captured)}"}
    except ImportError as error:
        reply = {"error": f"regopy is not installed: pip install 'mlgate[policy]' ({error})"}
    connection.send_bytes(json.dumps(reply).encode())
    connection.close()


def _context() -> Any:
    # Fresh single-threaded children, as the runner's own check processes.
    return multiprocessing.get_context("forkserver" if sys.platform == "linux" else "spawn")


def _stop(process: Any) -> None:
    process.terminate()
    process.join(_KILL_GRACE_SECONDS)
    if process.is_alive():
        process.kill()
        process.join()


def run_job(job: RegoJob, timeout: float) -> list[dict[str, Any]]:
    """Evaluate ``job`` in a worker; one result per input.

    Raises:
        WorkerError: compile failure, crash or timeout (the check reports it as an error).
    """
    mp = _context()
    parent, child = mp.Pipe(duplex=True)
    process = mp.Process(target=_serve, args=(child,), name="mlgate-rego")
    process.start()
    child.close()
    try:
        parent.send_bytes(json.dumps(_payload(job)).encode())
        if not parent.poll(timeout):
            raise WorkerError(f"Rego evaluation exceeded its {timeout:g} s timeout and was stopped")
        reply = json.loads(parent.recv_bytes())
    except (EOFError, OSError) as error:
        raise WorkerError(f"the Rego worker stopped unexpectedly ({error})") from None
    finally:
        _stop(process)
        parent.close()
    if "error" in reply:
        raise WorkerError(str(reply["error"]))
    results: list[dict[str, Any]] = reply["results"]
    return results


def _payload(job: RegoJob) -> dict[str, Any]:
    return {"modules": job.modules, "data": job.data, "namespaces": job.namespaces,
            "inputs": job.inputs}  # fmt: skip
