"""Names resolved across the scanned Python files, and Flask settings read from config classes."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

from builders.manifests import marked_lines, write_tree
from mlgate.checks.deploy import DeployCheck, DeployConfig
from mlgate.checks.deploy.ratelimit.project import Project, Symbol
from mlgate.checks.deploy.ratelimit.pysyntax import Module, parse_module
from mlgate.core.check import CheckContext
from mlgate.core.finding import location_line


def project(files: dict[str, str]) -> tuple[Project, dict[str, Module]]:
    modules = {path: parse_module(path, text) for path, text in files.items()}
    parsed = {path: m for path, m in modules.items() if m is not None}
    return Project(list(parsed.values())), parsed


def name(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


def test_symbols_follow_relative_imports_and_reexports() -> None:
    files = {
        "src/app/extensions.py": "limiter = make()\n",
        "src/app/__init__.py": "from .extensions import limiter\n",
        "src/app/api/routes.py": "from .. import limiter\nfrom app.api import views\n",
        "src/app/api/views.py": "bp = Blueprint()\n",
    }
    resolved, modules = project(files)
    routes = modules["src/app/api/routes.py"]
    assert resolved.symbol(routes, name("limiter")) == Symbol("src/app/extensions.py", "limiter")
    assert resolved.symbol(routes, name("views.bp")) == Symbol("src/app/api/views.py", "bp")
    assert resolved.symbol(routes, name("views")) is None  # a module is not a binding
    assert resolved.symbol(routes, name("local_name")) == Symbol(routes.path, "local_name")


def test_ambiguous_third_party_and_cyclic_names_stay_unresolved() -> None:
    files = {
        "a/utils.py": "x = 1\n",
        "b/utils.py": "x = 2\n",
        "main.py": "from utils import x\nfrom flask import Flask\nfrom loop import y\n",
        "loop.py": "from main import y\n",
    }
    resolved, modules = project(files)
    main = modules["main.py"]
    assert resolved.symbol(main, name("x")) is None
    assert resolved.symbol(main, name("Flask")) is None
    assert resolved.symbol(main, name("y")) is None


CONFIG = """\
class Base:
    RATELIMIT_DEFAULT = "100 per hour"


class Prod(Base):
    DEBUG = False
"""
APP = """\
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

import settings
from settings import Prod

app = Flask(__name__)
app.config.from_object({source})
limiter = Limiter(get_remote_address, app=app)


@app.post("/predict"){mark}
def predict():
    return {{}}
"""


def findings(root: Path, files: dict[str, str]) -> set[tuple[str, int]]:
    write_tree(root, files)
    context = CheckContext(root=root, gate="pre-deploy", today=date(2026, 1, 1))
    result = DeployCheck().run(context, DeployConfig())
    return {
        (f.location.path or "", location_line(f.location) or 0)
        for f in result.findings
        if f.rule_id == "RL001"
    }


def test_settings_are_inherited_from_base_classes(tmp_path: Path) -> None:
    files = {"settings.py": CONFIG, "app.py": APP.format(source="Prod", mark="")}
    assert findings(tmp_path, files) == set()


def test_settings_of_a_module_and_a_missing_object(tmp_path: Path) -> None:
    module_level = {"settings.py": 'RATELIMIT_DEFAULT = "5/second"\n',
                    "app.py": APP.format(source="settings", mark="")}  # fmt: skip
    assert findings(tmp_path / "module", module_level) == set()
    missing = {"app.py": APP.format(source='"nowhere.Config"', mark="  # <- RL001")}
    assert findings(tmp_path / "missing", missing) == marked_lines(missing, "RL001")
