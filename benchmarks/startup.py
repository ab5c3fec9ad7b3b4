"""Start-up cost of the CLI: `mlgate --version` and `mlgate --help` against bare Python.

Goal: each under 150 ms above `python -c pass`. Prints medians over repeated runs;
nothing is stored.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 21
GOAL_MS = 150.0


def median_ms(command: list[str]) -> float:
    """Median wall time of ``command`` over RUNS runs, after one warm-up run."""
    subprocess.run(command, check=True, capture_output=True)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    """Print the medians and the overhead above bare Python; 1 if over the goal."""
    mlgate = str(Path(sys.executable).with_name("mlgate"))
    bare = median_ms([sys.executable, "-c", "pass"])
    print(f"python -c pass     median {bare:7.1f} ms  ({RUNS} runs)")
    worst = 0.0
    for arguments in (["--version"], ["--help"]):
        measured = median_ms([mlgate, *arguments])
        overhead = measured - bare
        worst = max(worst, overhead)
        label = "mlgate " + " ".join(arguments)
        print(
            f"{label:<18} median {measured:7.1f} ms  overhead {overhead:6.1f} ms  "
            f"ratio {measured / bare:4.2f}x"
        )
    verdict = "meets" if worst <= GOAL_MS else "MISSES"
    print(f"goal: overhead <= {GOAL_MS:.0f} ms: {verdict} (worst {worst:.1f} ms)")
    return 0 if worst <= GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
