from __future__ import annotations

from collections.abc import Callable

Scan = Callable[[str], list[tuple[str, int]]]

FLASK = """
import os
import sqlite3
import subprocess
from flask import Flask, abort, request
app = Flask(__name__)
db = sqlite3.connect("x.db")
"""


def test_fstring_into_execute_is_sql_injection(scan: Scan) -> None:
    code = (
        FLASK
        + """
@app.route("/a")
def a():
    name = request.args.get("name")
    return {"r": db.execute(f"lookup n = '{name}'")}
"""
    )
    assert scan(code) == [("SAST089", 11)]


def test_parameterised_query_is_clean(scan: Scan) -> None:
    code = (
        FLASK
        + """
@app.route("/a")
def a():
    name = request.args.get("name")
    return {"r": db.execute(f"lookup {'t'} n = ?", (name,))}
"""
    )
    assert scan(code) == []


def test_string_building_operators_all_propagate(scan: Scan) -> None:
    code = (
        FLASK
        + """
@app.route("/a")
def a():
    v = request.form["v"]
    db.execute("A" + v)
    db.execute("A %s" % v)
    db.execute("A {}".format(v))
    db.execute(" ".join(["A", v]))
    db.execute(v.strip().lower()[2:])
    q = "A"
    q += v
    db.execute(q)
    return "ok"
"""
    )
    assert [line for _, line in scan(code)] == [11, 12, 13, 14, 15, 18]


def test_dict_by_key_and_list_by_index(scan: Scan) -> None:
    code = (
        FLASK
        + """
@app.route("/a")
def a():
    d = {"user": request.args["u"], "fixed": "x"}
    items = ["safe", request.args["u"]]
    db.execute(d["fixed"])
    db.execute(items[0])
    db.execute(d["user"])
    db.execute(items[-1])
    first, second = items
    db.execute(first)
    db.execute(second)
    return "ok"
"""
    )
    assert [line for _, line in scan(code)] == [14, 15, 18]


def test_constant_conditions_prune_dead_branches(scan: Scan) -> None:
    code = (
        FLASK
        + """
ENABLED = False
@app.route("/a")
def a():
    v = request.args["v"]
    if ENABLED:
        os.system(v)
    n = 3
    if n * 2 > 100:
        os.system(v)
    x = v if False else "safe"
    os.system(x)
    while 0:
        os.system(v)
    return "ok"
"""
    )
    assert scan(code) == []


def test_early_return_guards_clean_the_value(scan: Scan) -> None:
    code = (
        FLASK
        + """
ALLOWED = {"a", "b"}
@app.route("/a")
def a():
    v = request.args["v"]
    w = request.args["w"]
    if v not in ALLOWED:
        abort(400)
    if not w.isdigit():
        return "bad", 400
    os.system(v + w)
    return "ok"
"""
    )
    assert scan(code) == []


def test_guard_on_one_branch_only_keeps_taint(scan: Scan) -> None:
    code = (
        FLASK
        + """
@app.route("/a")
def a():
    v = request.args["v"]
    if request.args.get("strict"):
        if not v.isalnum():
            abort(400)
    os.system(v)
    return "ok"
"""
    )
    assert scan(code) == [("SAST078", 14)]


def test_sanitizers_clear_only_their_class(scan: Scan) -> None:
    code = (
        FLASK
        + """
import html, shlex
@app.route("/a")
def a():
    v = request.args["v"]
    os.system("echo " + shlex.quote(v))
    db.execute("SELECT " + shlex.quote(v))
    return "<p>" + html.escape(v) + "</p>"
"""
    )
    assert scan(code) == [("SAST089", 13)]


def test_loops_with_and_try_carry_taint(scan: Scan) -> None:
    code = (
        FLASK
        + """
@app.route("/a")
def a():
    parts = []
    for key in request.args:
        parts.append(key)
    try:
        with open("/tmp/x") as fh:
            cmd = fh.read() + " ".join(parts)
    except OSError:
        cmd = "true"
    finally:
        pass
    subprocess.run(cmd, shell=True)
    return "ok"
"""
    )
    assert scan(code) == [("SAST078", 20)]


def test_subprocess_argv_rules(scan: Scan) -> None:
    code = (
        FLASK
        + """
@app.route("/a")
def a():
    v = request.args["v"]
    subprocess.run(["ls", v])
    subprocess.run(["sh", "-c", "ls " + v])
    subprocess.run([v, "-l"])
    subprocess.run(v, shell=False)
    subprocess.run("ls " + v, shell=True)
    return "ok"
"""
    )
    assert scan(code) == [("SAST078", 12), ("SAST078", 13), ("SAST078", 14), ("SAST078", 15)]


def test_match_on_constant_runs_one_case(scan: Scan) -> None:
    code = (
        FLASK
        + """
MODE = "safe"
@app.route("/a")
def a():
    v = request.args["v"]
    match MODE:
        case "safe":
            cmd = "true"
        case _:
            cmd = v
    os.system(cmd)
    match v:
        case str(chosen):
            os.system(chosen)
    return "ok"
"""
    )
    assert scan(code) == [("SAST078", 20)]


def test_fastapi_typed_and_dependency_parameters(scan: Scan) -> None:
    code = """
import os
from fastapi import Depends, FastAPI
app = FastAPI()
@app.get("/a/{item_id}")
def a(item_id: int, name: str, db=Depends(get_db), flag: bool = False):
    os.system(f"x {item_id} {flag} {db}")
    os.system(f"x {name}")
"""
    assert scan(code) == [("SAST078", 7)]


def test_flask_route_converters(scan: Scan) -> None:
    code = """
import os
from flask import Flask
app = Flask(__name__)
@app.route("/a/<int:n>/<path:p>")
def a(n, p):
    os.system(f"x {n}")
    os.system(f"x {p}")
"""
    assert scan(code) == [("SAST078", 7)]


def test_django_view_request_and_url_kwargs(scan: Scan) -> None:
    code = """
import os
from django.http import HttpResponse
def view(request, slug):
    os.system(request.GET["q"])
    os.system(slug)
    os.system(request.method + str(request.user.id))
    return HttpResponse(request.POST.get("c"))
"""
    assert scan(code) == [("SAST078", 4), ("SAST078", 5), ("SAST079", 7)]


def test_functions_that_are_not_handlers_have_no_sources(scan: Scan) -> None:
    code = """
import os
def util(value):
    os.system(value)
"""
    assert scan(code) == []


def test_ssrf_host_prefix_and_redirect(scan: Scan) -> None:
    code = (
        FLASK
        + """
import requests
from flask import redirect
@app.route("/a")
def a():
    url = request.args["u"]
    requests.get(url)
    requests.get(f"https://api.example.com/items/{url}")
    requests.get("https://" + url)
    redirect(url)
    return redirect("/profile/" + url)
"""
    )
    assert scan(code) == [("SAST601", 16), ("SAST918", 13), ("SAST918", 15)]


def test_code_injection_and_deserialization(scan: Scan) -> None:
    code = (
        FLASK
        + """
import pickle, yaml
@app.post("/a")
def a():
    data = request.get_data()
    eval(data)
    pickle.loads(data)
    yaml.load(data, Loader=yaml.SafeLoader)
    yaml.load(data, Loader=yaml.Loader)
    return "ok"
"""
    )
    assert scan(code) == [("SAST094", 12), ("SAST502", 13), ("SAST502", 15)]


def test_xss_view_returns(scan: Scan) -> None:
    code = (
        FLASK
        + """
from flask import jsonify, render_template_string
@app.route("/a")
def a():
    v = request.args["v"]
    if v == "json":
        return jsonify(v=v)
    if request.args.get("d"):
        return {"v": v}
    render_template_string("<p>" + v)
    return "<p>" + v, 200
"""
    )
    assert scan(code) == [("SAST079", 17), ("SAST1336", 16)]
