from __future__ import annotations

from collections.abc import Callable

Scan = Callable[[str], list[tuple[str, int]]]
ScanProject = Callable[[dict[str, str]], list[tuple[str, str, int]]]

VIEWS = """
from flask import Flask, request
from app.db import lookup
app = Flask(__name__)
@app.route("/a")
def a():
    return {"r": lookup(request.args["q"])}
"""


def test_param_to_sink_across_modules(scan_project: ScanProject) -> None:
    db = """
import sqlite3
def lookup(name):
    return sqlite3.connect("x").execute("SELECT " + name)
"""
    assert scan_project({"app/views.py": VIEWS, "app/db.py": db}) == [("SAST089", "app/db.py", 3)]


def test_re_export_through_package_init(scan_project: ScanProject) -> None:
    files = {
        "app/views.py": VIEWS.replace("from app.db import lookup", "from app import lookup"),
        "app/__init__.py": "from .db import lookup\n",
        "app/db.py": "import os\ndef lookup(name):\n    return os.popen(name)\n",
    }
    assert scan_project(files) == [("SAST078", "app/db.py", 3)]


def test_sanitizing_helper_in_another_module(scan_project: ScanProject) -> None:
    views = """
from flask import Flask, request
from app.db import run
from app.text import clean
app = Flask(__name__)
@app.route("/a")
def a():
    return {"r": run(clean(request.args["q"]))}
"""
    files = {
        "app/views.py": views,
        "app/text.py": "def clean(v):\n    return str(int(v))\n",
        "app/db.py": "import os\ndef run(cmd):\n    os.system(cmd)\n",
    }
    assert scan_project(files) == []


def test_source_returning_helper_and_constant_helper(scan: Scan) -> None:
    code = """
import os
from flask import request
def user_value():
    return request.cookies.get("v")
def fixed_value(ignored):
    return "uptime"
def handler():
    os.system(fixed_value(user_value()))
    os.system(user_value())
"""
    assert scan(code) == [("SAST078", 9)]


def test_transitive_summaries_and_keyword_arguments(scan: Scan) -> None:
    code = """
import os
from flask import Flask, request
app = Flask(__name__)
def inner(cmd):
    os.system(cmd)
def middle(prefix, *, tail):
    inner(prefix + tail)
@app.route("/a")
def a():
    middle("echo ", tail=request.args["t"])
    middle("echo ", tail="safe")
    return "ok"
"""
    assert scan(code) == [("SAST078", 5)]


def test_recursion_terminates(scan: Scan) -> None:
    code = """
import os
from flask import Flask, request
app = Flask(__name__)
def walk(value, depth):
    if depth > 3:
        return value
    return walk(value + "/x", depth + 1)
def ping(value):
    return pong(value)
def pong(value):
    os.system(value)
    return ping(value)
@app.route("/a")
def a():
    os.system(walk(request.args["p"], 0))
    ping(request.args["p"])
    return "ok"
"""
    assert scan(code) == [("SAST078", 11), ("SAST078", 15)]


def test_methods_through_self_and_instances(scan: Scan) -> None:
    code = """
import os
from flask import Flask, request
app = Flask(__name__)
class Runner:
    def run(self, cmd):
        os.system(cmd)
    def greet(self, who):
        self.run("echo " + who)
@app.route("/a")
def a():
    Runner().run("uptime")
    runner = Runner()
    runner.greet(request.args["who"])
    return "ok"
"""
    assert scan(code) == [("SAST078", 6)]
