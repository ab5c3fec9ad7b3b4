"""More carriers for the secrets corpus: where real repositories put credentials.

Dockerfile ``ENV`` (both forms), Terraform ``variable`` defaults and ``locals``, ``.env``
files with ``export``, YAML anchors merged into another mapping, JSON whose strings
escape quotes and slashes (``\\/``, as PHP and some serialisers write them), notebook
outputs coloured with ANSI escapes, and Kubernetes ``Secret`` manifests whose values are
base64. Each builder returns the file and the 1-based line the finding must name.
"""

from __future__ import annotations

import base64
import json
import random

from builders import secrets_carriers as sc
from builders.secrets_carriers import Planted


def _lines(filename: str, lines: list[str], marker: str) -> Planted:
    line = next(i for i, text in enumerate(lines, 1) if marker in text)
    return Planted(filename, ("\n".join(lines) + "\n").encode(), line=line)


def dockerfile(name: str, value: str, rng: random.Random) -> Planted:
    env = f"ENV {name}={value}" if rng.random() < 0.5 else f'ENV {name}="{value}" PORT=8080'
    lines = ["FROM python:3.11-slim", "WORKDIR /app", "COPY . .", env, 'CMD ["serve"]']
    return _lines("Dockerfile", lines, value)


def terraform(name: str, value: str, rng: random.Random) -> Planted:
    if rng.random() < 0.5:
        lines = ["locals {", '  region = "eu-west-1"', f'  {name} = "{value}"', "}"]
    else:
        lines = [f'variable "{name}" {{', "  type      = string", "  sensitive = true",
                 f'  default   = "{value}"', "}"]  # fmt: skip
    return _lines("main.tf", lines, value)


def dotenv_export(name: str, value: str, rng: random.Random) -> Planted:
    quote = rng.choice(['"', "'", ""])
    lines = ["#!/usr/bin/env sh", "export LOG_LEVEL=info", f"export {name}={quote}{value}{quote}"]
    return _lines(".env.production", lines, value)


def yaml_anchor(name: str, value: str, rng: random.Random) -> Planted:
    lines = ["defaults: &defaults", "  replicas: 2", f'  {name}: "{value}"', "production:",
             "  <<: *defaults", "  replicas: 6"]  # fmt: skip
    return _lines("values.yaml", lines, value)


def json_escaped(name: str, value: str, rng: random.Random) -> Planted:
    command = f'export {name}="{value}" && python serve.py --port 8080'
    document = {"name": "serve", "env": [f"LOG_DIR=/var/log/{rng.randrange(9)}"],
                "command": command}  # fmt: skip
    text = json.dumps(document, indent=2).replace("/", "\\/")
    escaped = json.dumps(value)[1:-1].replace("/", "\\/")
    return _lines("task.json", text.splitlines(), escaped)


def notebook_ansi(name: str, value: str, rng: random.Random) -> Planted:
    colour = rng.choice(["32", "1;34", "0;31"])
    stream: dict[str, object] = {"output_type": "stream", "name": "stderr",
        "text": [f"\x1b[{colour}mINFO\x1b[0m loaded settings\n",
                 f"\x1b[{colour}m{name}={value}\x1b[0m\n"]}  # fmt: skip
    data = sc.notebook_document([sc.code_cell(["settings = load()"], [stream])])
    escaped = json.dumps(value, ensure_ascii=False)[1:-1]
    return _lines("run.ipynb", data.decode().splitlines(), escaped)


def k8s_secret(name: str, value: str, rng: random.Random) -> Planted:
    encoded = base64.b64encode(value.encode()).decode()
    lines = ["apiVersion: v1", "kind: Secret", "metadata:", "  name: serving", "type: Opaque",
             "data:", f"  {name}: {encoded}"]  # fmt: skip
    return _lines("secret.yaml", lines, encoded)


BUILDERS = {
    "dockerfile": dockerfile,
    "terraform": terraform,
    "dotenv-export": dotenv_export,
    "yaml-anchor": yaml_anchor,
    "json-escaped": json_escaped,
    "notebook-ansi": notebook_ansi,
    "k8s-base64": k8s_secret,
}
