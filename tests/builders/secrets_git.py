"""Git repositories built in ``tmp_path`` for the history scan: commits with fixed dates.

Every git call runs with the user's global and system configuration switched off, a
fixed identity and fixed author/committer dates, so commit ids are reproducible and a
developer's ``~/.gitconfig`` cannot change what the tests see.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

JAN, FEB, MAR = (f"2024-0{m}-01T00:00:00+00:00" for m in (1, 2, 3))


def git_env(home: Path) -> dict[str, str]:
    """An environment isolated from the machine's git configuration."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Trainer",
        "GIT_AUTHOR_EMAIL": "trainer@example.org",
        "GIT_COMMITTER_NAME": "Trainer",
        "GIT_COMMITTER_EMAIL": "trainer@example.org",
    }


class Repo:
    """A repository in a directory, committed to with explicit dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.env = git_env(root.parent)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, date: str = "2024-01-01T00:00:00+00:00") -> str:
        """Run git in the repository; its standard output."""
        env = {**self.env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        done = subprocess.run(
            ["git", *args], cwd=self.root, env=env, capture_output=True, check=True
        )
        return done.stdout.decode()

    def write(self, name: str, data: bytes | str) -> None:
        """Write a file of the working tree."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)

    def commit(self, message: str, date: str) -> str:
        """Stage everything and commit at ``date``; the new commit id."""
        self.git("add", "-A", date=date)
        self.git("commit", "-q", "--allow-empty", "-m", message, date=date)
        return self.git("rev-parse", "HEAD").strip()


def feature_branch_repo(
    root: Path, name: str, text: str, *, delete: bool = False
) -> tuple[Repo, str]:
    """A repository whose ``main`` holds only a README and whose ``feature`` branch adds ``name``.

    ``main`` is committed in January, ``name`` (holding ``text``) on ``feature`` in February
    and, with ``delete``, removed there again in March; ``main`` is checked out at the end, so
    only a history scan reaching ``feature`` sees ``name``. Returns the repository and the id
    of the commit that added ``name``.
    """
    repo = Repo(root)
    repo.write("README.md", "# churn\n")
    repo.commit("start", JAN)
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(name, text)
    added = repo.commit(f"add {name}", FEB)
    if delete:
        (repo.root / name).unlink()
        repo.commit(f"remove {name}", MAR)
    repo.git("checkout", "-q", "main")
    return repo, added
