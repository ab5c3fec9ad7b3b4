"""``mlgate init`` and ``mlgate schema``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from mlgate.cli.exit import ExitCode
from mlgate.core.errors import UsageError
from mlgate.core.plugins import check_registry
from mlgate.core.policy.jsonschema import policy_json_schema
from mlgate.core.policy.starter import profile_project, render_starter_policy


def command_init(args: argparse.Namespace) -> ExitCode:
    """Write a commented starter ``mlgate.yaml`` for the project in ``args.directory``."""
    root = Path(args.directory)
    if not root.is_dir():
        raise UsageError(f"{args.directory!r} is not a directory")
    destination = root / "mlgate.yaml"
    if destination.exists() and not args.force:
        raise UsageError(f"{destination} already exists (use --force to overwrite it)")
    text = render_starter_policy(profile_project(root), set(check_registry().names()))
    destination.write_text(text, encoding="utf-8")
    print(f"mlgate: wrote {destination}; review it, then run `mlgate run`")
    return ExitCode.PASS


def command_schema(args: argparse.Namespace) -> ExitCode:
    """Print the policy file's JSON Schema (for editor completion and validation)."""
    print(json.dumps(policy_json_schema(check_registry()), indent=2))
    return ExitCode.PASS
