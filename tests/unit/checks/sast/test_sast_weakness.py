"""Configuration weaknesses (no data flow) and the newer taint sinks and propagators."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Scan = Callable[[str], list[tuple[str, int]]]

FLASK = "from flask import Flask, request, session, make_response\napp = Flask(__name__)\n"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("hashlib.md5(b'x')", ["SAST328"]),
        ("hashlib.md5(b'x', usedforsecurity=False)", []),
        ("hashlib.new('SHA1')", ["SAST328"]),
        ("hashlib.new('sha256')", []),
        ("hashlib.new(name)", []),
        ("random.normalvariate(0, 1)", ["SAST330"]),
        ("random.SystemRandom().random()", []),
        ("requests.get('https://x', verify=False)", ["SAST295"]),
        ("requests.get('https://x', verify='/ca.pem')", []),
        ("etree.XMLParser(resolve_entities=True)", ["SAST611"]),
        ("etree.XMLParser(resolve_entities=False)", []),
        ("app.run(debug=True)", ["SAST489"]),
        ("app.run(debug=flag)", []),
    ],
)
def test_call_patterns(scan: Scan, line: str, expected: list[str]) -> None:
    code = (
        "import hashlib, random, requests\nfrom lxml import etree\n"
        f"{FLASK}def f(name, flag):\n    {line}\n"
    )
    assert scan(code) == [(rule, 6) for rule in expected]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("", ["SAST1004", "SAST614"]),
        ("secure=True", ["SAST1004"]),
        ("secure=True, httponly=True", []),
        ("**options", []),
    ],
)
def test_cookie_flags(scan: Scan, arguments: str, expected: list[str]) -> None:
    code = f"{FLASK}def f(options):\n    make_response('x').set_cookie('k', 'v', {arguments})\n"
    assert scan(code) == [(rule, 4) for rule in expected]


def test_tls_attributes_and_django_settings_debug(scan_project: Callable[..., object]) -> None:
    files = {
        "proj/settings.py": "DEBUG = True\n",
        "proj/other.py": "DEBUG = True\nimport ssl\nctx = ssl.create_default_context()\n"
        "ctx.verify_mode = ssl.CERT_NONE\nctx.check_hostname = True\n",
    }
    assert scan_project(files) == [
        ("SAST295", "proj/other.py", 4),
        ("SAST489", "proj/settings.py", 1),
    ]


def test_session_writes_of_request_values(scan: Scan) -> None:
    code = f"""{FLASK}@app.route("/a")
def a():
    session["lang"] = request.args["lang"]
    session[request.args["k"]] = 1
    session["fixed"] = "en"
    session.update(role=request.args["role"])
    return "ok"
"""
    assert scan(code) == [("SAST501", 5), ("SAST501", 6), ("SAST501", 8)]


def test_xpath_and_ldap_sinks_with_their_safe_forms(scan: Scan) -> None:
    code = f"""import re
from ldap3.utils.conv import escape_filter_chars
{FLASK}@app.route("/a")
def a(conn, root):
    name = request.args["n"]
    root.xpath("//u[@n='" + name + "']")
    root.xpath("//u[@n=$n]", n=name)
    conn.search("dc=x", "(uid=" + name + ")")
    conn.search("dc=x", "(uid=" + escape_filter_chars(name) + ")")
    re.search("a", name)
    return "ok"
"""
    assert scan(code) == [("SAST090", 10), ("SAST643", 8)]


def test_configparser_by_key_and_decoding_round_trips(scan: Scan) -> None:
    code = f"""import configparser, os
from urllib.parse import quote, unquote
{FLASK}@app.route("/a")
def a():
    cfg = configparser.ConfigParser()
    cfg.set("s", "cmd", request.args["c"])
    cfg.set("s", "safe", "ls")
    os.system(cfg.get("s", "safe"))
    os.system(cfg.get("s", "cmd"))
    os.system(quote(request.args["d"]))
    os.system(unquote(quote(request.args["d"])))
    return "ok"
"""
    assert scan(code) == [("SAST078", 11), ("SAST078", 13)]


def test_library_client_objects_are_ssrf_sinks(scan: Scan) -> None:
    code = f"""import httpx, requests
{FLASK}@app.route("/a")
def a():
    url = request.args["u"]
    s = requests.Session()
    s.get(url)
    httpx.Client().post(url)
    with httpx.Client() as client:
        client.get(url)
    return "ok"
"""
    assert scan(code) == [("SAST918", 8), ("SAST918", 9), ("SAST918", 11)]
