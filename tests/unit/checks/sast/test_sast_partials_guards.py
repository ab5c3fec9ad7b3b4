"""functools.partial globals, guards through derived variables, callback dispatchers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mlgate.checks.sast.ir import ModuleIndex, PartialDef
from mlgate.checks.sast.serialise import decode_index, encode_index

Scan = Callable[[str], list[tuple[str, int]]]
ScanProject = Callable[[dict[str, str]], list[tuple[str, str, int]]]


def test_partial_of_a_shell_call_is_resolved_across_modules(scan_project: ScanProject) -> None:
    files = {
        "tools.py": """
            import functools, subprocess
            sh = functools.partial(subprocess.run, shell=True, check=True)
            run = functools.partial(subprocess.run, check=True)
        """,
        "views.py": """
            from flask import request
            from tools import run, sh
            import tools
            def view():
                name = request.args["n"]
                sh(f"convert {name} out.png")
                tools.sh("ls " + name)
                run(["convert", name, "out.png"])
                sh("ls", shell=False)
        """,
    }
    assert scan_project(files) == [("SAST078", "views.py", 6), ("SAST078", "views.py", 7)]


@pytest.mark.parametrize(
    ("partial", "expected"),
    [
        ("partial(subprocess.run, shell=True)", [("SAST078", 6)]),
        ("partial(subprocess.run, shell=SHELL)", [("SAST078", 6)]),
        # Without a shell the input still names the program to run.
        ("partial(subprocess.run, cwd='/tmp')", [("SAST078", 6)]),
        ("partial(os.system)", [("SAST078", 6)]),
        ("partial(shlex.quote)", []),
    ],
)
def test_partial_keywords_decide_like_a_direct_call(
    scan: Scan, partial: str, expected: list[tuple[str, int]]
) -> None:
    code = f"""
        import os, shlex, subprocess
        from functools import partial
        from flask import request
        go = {partial}
        def view():
            go(request.args["c"])
    """
    assert scan(code) == expected


def test_partial_sanitizer_and_project_function(scan: Scan) -> None:
    code = """
        import html
        from functools import partial
        from flask import request
        attr = partial(html.escape, quote=True)
        def tag(name, text):
            return f"<{name}>{text}</{name}>"
        heading = partial(tag, "h1")
        def safe():
            return "<p>" + attr(request.args["q"]) + "</p>"
        def unsafe():
            return heading(request.args["q"])
    """
    # Neither function is a view: the flows show in what they return, checked by callers.
    assert scan(code) == []
    code += """
        from flask import Flask
        app = Flask(__name__)
        @app.get("/a")
        def a():
            return safe()
        @app.get("/b")
        def b():
            return unsafe()
    """
    assert scan(code) == [("SAST079", 20)]


def test_a_local_name_shadows_a_partial_global(scan: Scan) -> None:
    code = """
        import subprocess
        from functools import partial
        from flask import request
        sh = partial(subprocess.run, shell=True)
        def view(sh):
            sh(request.args["c"])
    """
    assert scan(code) == []


def test_partials_survive_the_cache_encoding() -> None:
    index = ModuleIndex(
        name="tools",
        path="tools.py",
        imports={},
        classes={},
        functions=(),
        partials={"sh": PartialDef(target="subprocess.run", bound=1, keywords=(("shell", True),))},
    )
    assert decode_index(encode_index(index)) == index


GUARDED = (
    "from urllib.parse import urlparse, urlsplit\n"
    "import requests\n"
    "from flask import Flask, abort, redirect, request\n"
    "from config import ALLOWED\n"
    "app = Flask(__name__)\n"
    'HOSTS = {"api.example.com"}\n'
    '@app.post("/a")\n'
    "def a():\n"
    '    url = request.form["url"]\n'
    "    {body}\n"
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "host = urlparse(url).netloc\n    if host not in HOSTS:\n        abort(400)\n"
            "    requests.get(url)\n    return 'ok'",
            [],
        ),
        (
            "parts = urlsplit(url)\n    if parts.hostname.lower() not in HOSTS:\n"
            "        abort(400)\n    return redirect(url)",
            [],
        ),
        (
            "host = urlparse(url).hostname\n    if host not in ALLOWED:\n        abort(400)\n"
            "    return redirect(url)",
            [],
        ),
        (
            "host = urlparse(url).netloc\n    if host not in HOSTS:\n        print(host)\n"
            "    requests.get(url)\n    return 'ok'",
            [("SAST918", 13)],
        ),
        (
            "host = urlparse(url).netloc\n    url = request.form['other']\n"
            "    if host not in HOSTS:\n        abort(400)\n    return redirect(url)",
            [("SAST601", 14)],
        ),
        (
            "host = urlparse(url).netloc\n    if host in HOSTS:\n        abort(400)\n"
            "    return redirect(url)",
            [("SAST601", 13)],
        ),
        (
            "host = urlparse(url).netloc\n    if host not in request.form.getlist('ok'):\n"
            "        abort(400)\n    return redirect(url)",
            [("SAST601", 13)],
        ),
    ],
)
def test_host_guards_through_derived_variables(
    scan: Scan, body: str, expected: list[tuple[str, int]]
) -> None:
    assert scan(GUARDED.replace("{body}", body)) == expected


def test_membership_in_an_imported_allow_list_is_a_guard(scan: Scan) -> None:
    code = """
        import os
        from flask import abort, request
        from catalog import PRICES
        def view():
            sku = request.args["sku"]
            if sku not in PRICES:
                abort(404)
            os.system("echo " + sku)
            other = request.args["o"]
            if other not in request.args.getlist("known"):
                abort(404)
            os.system("echo " + other)
    """
    assert scan(code) == [("SAST078", 12)]


def test_background_tasks_and_threads_call_their_function(scan: Scan) -> None:
    code = """
        import asyncio, subprocess
        from fastapi import BackgroundTasks, FastAPI
        app = FastAPI()
        def dump(db: str, compress: bool):
            subprocess.run(f"pg_dump {db}", shell=True)
        @app.post("/backup")
        async def backup(db: str, tasks: BackgroundTasks):
            tasks.add_task(dump, db, True)
            await asyncio.to_thread(dump, db, compress=False)
            tasks.add_task(dump, "shop", True)
    """
    assert scan(code) == [("SAST078", 5)]


def test_asyncpg_queries_are_sql_sinks(scan: Scan) -> None:
    code = """
        import js
        from fastapi import FastAPI, Request
        app = FastAPI()
        @app.get("/p")
        async def products(q: str, request: Request):
            js.fetch(q)
            async with request.app.state.pool.acquire() as conn:
                await conn.fetch(f"SELECT * FROM p WHERE name = '{q}'")
                await conn.fetchrow("SELECT * FROM p WHERE name = $1", q)
                return await conn.fetchval(query="SELECT count(*) FROM p WHERE n = '" + q + "'")
    """
    # ``js.fetch`` is a module's function (the browser's fetch), not a connection method.
    assert scan(code) == [("SAST089", 8), ("SAST089", 10)]
