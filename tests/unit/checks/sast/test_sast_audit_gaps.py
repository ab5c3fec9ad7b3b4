"""Sinks an independent audit found missed: FastAPI dependencies, lambdas, ``**kwargs``
by key, and Werkzeug's ``type=`` converter (a number is not injectable text)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from mlgate.checks.sast.cache import MemoryCache
from mlgate.checks.sast.engine import SourceFile, scan_sources
from mlgate.core.finding import location_line

Scan = Callable[[str], list[tuple[str, int]]]
ScanProject = Callable[[dict[str, str]], list[tuple[str, str, int]]]

DEPS = """
from fastapi import Cookie, Header, Query

def search_term(q: str = Query("")) -> str:
    return q.strip()

def page_size(size: int = Query(20)) -> int:
    return size

def plain(sort: str = "id") -> str:
    return sort

def fixed() -> str:
    return "public"

def session_user(sid: str | None = Cookie(None), agent: str = Header("")) -> str:
    return "user:" + (sid or "")
"""

ROUTES = """
from typing import Annotated
from fastapi import Depends, FastAPI, Security
from app.deps import fixed, page_size, plain, search_term, session_user
app = FastAPI()
DB = Depends(get_conn)

@app.get("/a")
def a(term: str = Depends(search_term), conn=Depends(get_conn)):
    conn.execute(f"SELECT * FROM t WHERE n = '{term}'")

@app.get("/b")
def b(limit: Annotated[int, Depends(page_size)], schema: Annotated[str, Depends(fixed)], conn=DB):
    conn.execute(f"SELECT * FROM {schema}.t LIMIT {limit}")

@app.get("/c")
def c(sort: str = Depends(dependency=plain), conn=Depends(get_conn)):
    conn.execute("SELECT * FROM t ORDER BY " + sort)

@app.get("/d")
def d(user: str = Security(session_user, scopes=["me"]), conn=Depends(get_conn)):
    conn.execute("SELECT * FROM t WHERE owner = '%s'" % user)
"""


def test_fastapi_dependencies_return_request_values(scan_project: ScanProject) -> None:
    found = scan_project({"app/deps.py": DEPS, "app/routes.py": ROUTES})
    assert found == [
        ("SAST089", "app/routes.py", 9),
        ("SAST089", "app/routes.py", 17),
        ("SAST089", "app/routes.py", 21),
    ]


def test_sub_dependency_and_class_dependency(scan: Scan) -> None:
    code = """
    from fastapi import Depends, FastAPI, Query
    app = FastAPI()
    def raw_filter(f: str = Query("")) -> str:
        return f
    def wrapped(inner: str = Depends(raw_filter)) -> str:
        return f"({inner})"
    class Paging:
        def __init__(self, sort: str = Query("id"), page: int = Query(1)):
            self.sort = sort
    class Fixed:
        def __init__(self, page: int = Query(1)):
            self.page = page
    @app.get("/a")
    def a(where: str = Depends(wrapped), paging: Paging = Depends(), fixed: Fixed = Depends(Fixed)):
        conn = get_conn()
        conn.execute("SELECT * FROM t WHERE " + where)
        conn.execute(f"SELECT * FROM t ORDER BY {paging.sort}")
        conn.execute(f"SELECT * FROM t OFFSET {fixed.page}")
    """
    assert scan(code) == [("SAST089", 16), ("SAST089", 17)]


def test_security_scheme_gives_client_credentials(scan: Scan) -> None:
    code = """
    import subprocess
    from fastapi import Depends, FastAPI, Security
    from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
    app = FastAPI()
    api_key = APIKeyHeader(name="X-API-Key")
    oauth2 = OAuth2PasswordBearer(tokenUrl="token")
    def client(key: str = Security(api_key)) -> str:
        return key
    def known_client(token: str = Depends(oauth2)) -> str:
        return "client-" + str(len(token))
    @app.get("/a")
    def a(name: str = Depends(client), other: str = Depends(known_client)):
        subprocess.run("grep " + name + " clients.txt", shell=True)
        subprocess.run("grep " + other + " clients.txt", shell=True)
    """
    assert scan(code) == [("SAST078", 13)]


def test_dependency_in_a_flask_module_is_not_a_source(scan: Scan) -> None:
    code = """
    import os
    def helper(name):
        return name
    def run(value=Depends(helper)):
        os.system(value)
    """
    assert scan(code) == []


def test_lambda_sinks_at_module_and_function_level(scan: Scan) -> None:
    code = """
    import subprocess
    from flask import Flask, request
    app = Flask(__name__)
    run = lambda cmd: subprocess.run(cmd, shell=True)
    argv_run = lambda argv: subprocess.run(argv)
    @app.route("/a")
    def a(cur):
        q = request.args["q"]
        run("ping " + q)
        argv_run(["ping", "-c", "1", q])
        handlers = {"x": lambda sql: cur.execute(sql), "y": lambda v: cur.execute("SELECT ?", (v,))}
        handlers["x"]("SELECT " + q)
        handlers.get("y", handlers["x"])(q)
        twice = lambda s: s + s
        cur.execute(twice(q))
        return "ok"
    """
    assert scan(code) == [("SAST078", 4), ("SAST089", 11), ("SAST089", 15)]


def test_recursive_lambda_terminates(scan: Scan) -> None:
    code = """
    import os
    from flask import request
    def view():
        loop = lambda v: loop(v) if v else os.system(v)
        loop(request.args["c"])
    """
    assert scan(code) == [("SAST078", 4)]


def test_kwargs_by_key_across_calls(scan_project: ScanProject) -> None:
    files = {
        "app/store.py": """
import os
def save(data, **options):
    with open(os.path.join("/srv", options["name"]), "w") as f:
        f.write(data)
    if options.get("verbose"):
        print(options["label"])
def run(**opts):
    os.system(opts.get("cmd", "true"))
def forward(**opts):
    return opts
""",
        "app/views.py": """
import os
from flask import Flask, request
from app.store import forward, run, save
app = Flask(__name__)
@app.route("/a")
def a():
    save("x", name="daily.csv", label=request.args["l"], verbose=True)
    save("x", name=request.args["n"])
    run(cmd=request.args["c"])
    os.system(str(forward(x=request.args["c"])))
    return "ok"
@app.route("/b")
def b():
    run(**request.get_json())
    return "ok"
""",
    }
    assert scan_project(files) == [
        ("SAST022", "app/store.py", 3),
        ("SAST078", "app/store.py", 8),
        ("SAST078", "app/views.py", 10),
    ]


def test_args_get_type_converter(scan: Scan) -> None:
    code = """
    from flask import Flask, request
    app = Flask(__name__)
    def positive(value):
        return abs(int(value))
    @app.route("/a")
    def a(cur):
        n = request.args.get("n", 10, type=int)
        m = request.args.get("m", default=0.5, type=float)
        p = request.args.get("p", 1, positive)
        cur.execute(f"SELECT * FROM t LIMIT {n} OFFSET {p} WHERE x > {m}")
        s = request.args.get("s", "", type=str)
        cur.execute(f"SELECT * FROM t WHERE s = '{s}'")
        d = request.args.get("d", request.args["fallback"], type=int)
        cur.execute(f"SELECT * FROM t WHERE d = '{d}'")
        return "ok"
    """
    assert scan(code) == [("SAST089", 12), ("SAST089", 14)]


def _files(files: dict[str, str]) -> list[SourceFile]:
    return [
        SourceFile(path=p, data=textwrap.dedent(c).lstrip("\n").encode()) for p, c in files.items()
    ]


def test_dependency_and_keyword_facts_survive_the_result_cache() -> None:
    store = """
import os
def run(**opts):
    os.system(opts["cmd"])
"""
    views = """
from flask import request
from app.store import run
def v():
    run(cmd=request.args["c"], safe="x")
"""
    files = {
        "app/deps.py": DEPS,
        "app/routes.py": ROUTES,
        "app/store.py": store,
        "app/views.py": views,
    }
    cache = MemoryCache()
    cold = scan_sources(_files(files), cache=cache)
    edited = {
        **files,
        "app/views.py": views + "\n# edited\n",
        "app/routes.py": ROUTES + "\n# edited\n",
    }
    warm = scan_sources(_files(edited), cache=cache)

    def hits(found: tuple[object, ...]) -> list[tuple[str, str, int]]:
        return [(f.rule_id, f.location.path or "", location_line(f.location) or 0) for f in found]  # type: ignore[attr-defined]

    assert hits(cold) == hits(warm)
    assert ("SAST078", "app/store.py", 3) in hits(warm)
    assert [h for h in hits(warm) if h[1] == "app/routes.py"] == [
        ("SAST089", "app/routes.py", 9),
        ("SAST089", "app/routes.py", 17),
        ("SAST089", "app/routes.py", 21),
    ]
