"""`make demo`: run the gates on the bundled example project and explain the outcome.

The example project carries planted flaws: an SQL injection in its API (pre-merge), a
poisoned model pickle and a token in a notebook (pre-deploy, both generated here), and a
retrained churn model that is worse and biased against women (post-train, its holdout
generated here). Every gate is expected to block; the demo succeeds when mlgate reaches
exactly that verdict.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from demo_assets import write_assets, write_churn_data, write_supply_chain_assets

PROJECT = Path(__file__).resolve().parent / "demo-project"
MLGATE = Path(sys.executable).with_name("mlgate")
EXPECTED_EXIT = 1  # blocked: the planted flaw must not merge


def main() -> int:
    """Run `mlgate run` in the demo project; return 0 when the verdict is the expected one."""
    generated = write_assets(PROJECT) + write_churn_data(PROJECT)
    generated += write_supply_chain_assets(PROJECT)
    print("demo: generated " + ", ".join(p.relative_to(PROJECT).as_posix() for p in generated))
    print(
        f"$ cd {PROJECT.relative_to(Path.cwd()) if PROJECT.is_relative_to(Path.cwd()) else PROJECT}"
    )
    print("$ mlgate run --no-progress\n")
    completed = subprocess.run([str(MLGATE), "run", "--no-progress"], cwd=PROJECT, check=False)
    print()
    if completed.returncode == EXPECTED_EXIT:
        print(
            "demo: mlgate blocked (exit code 1), as it should: pre-merge because the example API "
            "builds SQL from a request parameter and pins a jinja2 release a (demo) advisory "
            "marks critical; pre-deploy because a model pickle would run "
            "a shell command when loaded, a notebook holds a GitHub token (shown redacted), "
            "the model server may run as root and no API has a rate limit; post-train because the "
            "new churn model's ROC AUC fell significantly beyond its 1-point tolerance and it "
            "selects men far more often than women, with unequal error rates, and its training "
            "run read a dataset nobody approved.\n"
            f"demo: the reports above are in {PROJECT / 'mlgate-reports'}; "
            "the HTML one reads best in a browser."
        )
        return 0
    print(f"demo: unexpected exit code {completed.returncode} (expected {EXPECTED_EXIT})")
    return 1


if __name__ == "__main__":
    sys.exit(main())
