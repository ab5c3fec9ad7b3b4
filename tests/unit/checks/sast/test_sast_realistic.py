"""How real projects write code: service objects, getattr, ConfigParser, aiohttp, settings."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Hit = tuple[str, int]
Scan = Callable[[str], list[Hit]]
ScanProject = Callable[[dict[str, str]], list[tuple[str, str, int]]]


def test_getattr_with_a_constant_name_is_the_attribute(scan: Scan) -> None:
    code = """
        import os
        from flask import request
        def view():
            os.system(getattr(request, "args")["cmd"])
            os.system(getattr(request, "method"))
    """
    assert scan(code) == [("SAST078", 4)]


def test_method_of_a_module_global_service_uses_its_summary(scan: Scan) -> None:
    code = """
        import os
        from flask import request
        class Runner:
            def run(self, command):
                os.system(command)
            def safe(self, command):
                os.system("true")
        runner = Runner()
        def view():
            runner.run(request.args["c"])
            runner.safe(request.args["c"])
    """
    assert scan(code) == [("SAST078", 5)]


def test_a_local_shadowing_a_global_service_is_not_it(scan: Scan) -> None:
    code = """
        import os
        from flask import request
        class Runner:
            def run(self, command):
                os.system(command)
        runner = Runner()
        def view(runner):
            runner.run(request.args["c"])
    """
    assert scan(code) == []


def test_field_bound_in_init_resolves_the_method(scan_project: ScanProject) -> None:
    files = {
        "svc.py": """
            from repo import Repo
            class Service:
                def __init__(self, db):
                    self.repo = Repo(db)
                def find(self, term):
                    return self.repo.lookup(term.strip())
        """,
        "repo.py": """
            class Repo:
                def __init__(self, db):
                    self.db = db
                def lookup(self, name):
                    return self.db.execute("SELECT * FROM t WHERE n = '" + name + "'")
        """,
        "views.py": """
            from flask import request
            from svc import Service
            def view():
                return {"r": Service(None).find(request.args["q"])}
        """,
    }
    assert scan_project(files) == [("SAST089", "repo.py", 5)]


def test_parameter_annotated_with_a_project_class(scan: Scan) -> None:
    code = """
        from typing import Annotated
        from fastapi import Depends, FastAPI
        app = FastAPI()
        class Repo:
            def search(self, name: str):
                return self.session.execute(f"SELECT * FROM t WHERE n = '{name}'")
        def get_repo() -> Repo:
            return Repo()
        @app.get("/items")
        def items(q: str, repo: Annotated[Repo, Depends(get_repo)]):
            return repo.search(q)
    """
    assert scan(code) == [("SAST089", 6)]


def test_project_method_named_like_a_sink_is_not_that_sink(scan: Scan) -> None:
    code = """
        from flask import request
        class Catalog:
            def search(self, term):
                return [term]
        def view():
            return {"r": Catalog().search(request.args["q"])}
    """
    assert scan(code) == []


CONFIG = """
    import configparser
    import sqlite3
    from flask import request
    def view():
        cfg = configparser.ConfigParser()
        cfg["report"]["table"] = request.args["t"]
        cfg["report"]["order"] = "id"
        db = sqlite3.connect("x")
        db.execute("SELECT * FROM t ORDER BY " + cfg["report"]["order"])
        db.execute("SELECT * FROM " + cfg["report"]["table"])
        section = cfg["report"]
        db.execute("SELECT * FROM " + section["order"])
        db.execute("SELECT * FROM " + cfg.get("report", "table"))
"""


def test_config_parser_subscripts_are_tracked_by_section_and_option(scan: Scan) -> None:
    # A section proxy joins its options (line 12), precise reads stay per option.
    assert scan(CONFIG) == [("SAST089", 10), ("SAST089", 12), ("SAST089", 13)]


AIOHTTP = """
    import os
    import aiohttp
    from aiohttp import web
    routes = web.RouteTableDef()
    @routes.post("/x/{name}")
    async def handler(request):
        os.system(request.match_info["name"])
        os.system(request.query["q"])
        form = await request.post()
        os.system(form["f"])
        body = await request.json()
        async with aiohttp.ClientSession() as session:
            await session.get(body["url"])
        web.Response(text=request.query["q"])
        web.Response(text=request.query["q"], content_type="text/html")
        raise web.HTTPFound(request.query["next"])
"""


def test_aiohttp_sources_and_sinks(scan: Scan) -> None:
    # Line 14 answers text/plain (aiohttp's default): not XSS.
    assert scan(AIOHTTP) == [
        ("SAST078", 7),
        ("SAST078", 8),
        ("SAST078", 10),
        ("SAST079", 15),
        ("SAST601", 16),
        ("SAST918", 13),
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("mysite/settings.py", [("SAST1004", 3), ("SAST614", 1), ("SAST614", 2)]),
        ("config/settings/production.py", [("SAST1004", 3), ("SAST614", 1), ("SAST614", 2)]),
        ("shop/tests/test_login.py", []),
    ],
)
def test_django_cookie_settings_turned_off(
    scan_project: ScanProject, path: str, expected: list[Hit]
) -> None:
    code = """
        SESSION_COOKIE_SECURE = False
        CSRF_COOKIE_SECURE = False
        SESSION_COOKIE_HTTPONLY = False
        CSRF_COOKIE_HTTPONLY = False
        SESSION_COOKIE_SAMESITE = "Lax"
    """
    found = scan_project({path: code})
    assert sorted((rule, line) for rule, _, line in found) == expected


def test_django_cookie_settings_left_on_or_unknown(scan_project: ScanProject) -> None:
    code = """
        import os
        DEBUG = os.environ.get("DEBUG") == "1"
        SESSION_COOKIE_SECURE = True
        CSRF_COOKIE_SECURE = not DEBUG
    """
    assert scan_project({"mysite/settings.py": code}) == []
