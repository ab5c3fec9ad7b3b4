"""Dangerous calls, the arguments that must not be tainted, and a fix for each.

Every record names its vulnerability class; the class decides the rule, CWE and
severity (see :mod:`mlgate.checks.sast.rules.catalog`).
"""

from __future__ import annotations

from mlgate.checks.sast.rules.model import RECEIVER, Condition, SinkSpec, VulnClass

# The generic DB-API form; mlgate.checks.sast.hints names the driver a module imports.
DBAPI_SQL_HINT = (
    "Pass values as parameters: cursor.execute('SELECT ... WHERE id = ?', (value,)) "
    "(sqlite3 uses ?, psycopg/pymysql/MySQLdb use %s)."
)
_SHELL_HINT = (
    "Call subprocess.run([program, arg, ...], shell=False) with a fixed program; "
    "shlex.quote() only if a shell is unavoidable."
)
_PATH_HINT = (
    "Resolve the path (Path(base, name).resolve()) and refuse it unless "
    "it is_relative_to(base); or serve with send_from_directory()."
)
_XSS_HINT = "Render with an autoescaping template, or html.escape() the value first."


def _family(
    vuln: VulnClass,
    hint: str,
    callees: tuple[str, ...],
    *,
    args: tuple[int, ...] = (0,),
    kwargs: tuple[str, ...] = (),
    condition: Condition = Condition.ALWAYS,
) -> tuple[SinkSpec, ...]:
    return tuple(
        SinkSpec(callee=c, vuln=vuln, args=args, kwargs=kwargs, condition=condition, hint=hint)
        for c in callees
    )


_SUBPROCESS = (
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
)

SQL_SINKS = (
    *_family(
        VulnClass.SQL,
        DBAPI_SQL_HINT,
        (".execute", ".executemany", ".executescript", ".exec_driver_sql", ".mogrify"),
        kwargs=("sql", "query", "operation", "statement"),
    ),
    # asyncpg connections and pools, and the ``databases`` package: methods of a
    # connection object, never a module's function (``js.fetch`` is the browser's fetch),
    # so every resolvable qualified name is excluded.
    *(
        SinkSpec(
            callee=c,
            vuln=VulnClass.SQL,
            kwargs=("query",),
            hint="Pass values as parameters: await conn.fetch('SELECT ... WHERE id = $1', v).",
            excludes=("",),
        )
        for c in (".fetch", ".fetchrow", ".fetchval", ".fetch_all", ".fetch_one", ".fetch_val")
    ),
    *_family(
        VulnClass.SQL,
        "Use sqlalchemy.text('... WHERE id = :id') with .bindparams(id=value) or execute "
        "parameters.",
        ("sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"),
        kwargs=("text",),
    ),
    *_family(
        VulnClass.SQL,
        "Keep the SQL constant and pass pandas.read_sql(sql, con, params=(value,)) in the "
        "driver's placeholder style (? for sqlite3, %s for psycopg, :name with text()).",
        ("pandas.read_sql", "pandas.read_sql_query"),
        kwargs=("sql",),
    ),
    *_family(
        VulnClass.SQL,
        "Use the ORM's filter(), or Model.objects.raw('SELECT ... WHERE id = %s', [value]) "
        "with parameters (RawSQL(sql, [value]) likewise).",
        (".raw", "django.db.models.expressions.RawSQL", "django.db.models.RawSQL"),
        kwargs=("raw_query", "sql"),
    ),
    *_family(
        VulnClass.SQL,
        "Replace extra() with ORM expressions, or pass params= separately.",
        (".extra",),
        args=(),
        kwargs=("where", "select", "tables", "order_by"),
    ),
)

COMMAND_SINKS = (
    *_family(
        VulnClass.COMMAND,
        _SHELL_HINT,
        (
            "os.system",
            "os.popen",
            "subprocess.getoutput",
            "subprocess.getstatusoutput",
            "asyncio.create_subprocess_shell",
            "commands.getoutput",
        ),
        kwargs=("command", "cmd"),
    ),
    *_family(
        VulnClass.COMMAND,
        _SHELL_HINT,
        _SUBPROCESS,
        kwargs=("args",),
        condition=Condition.SHELL_TRUE,
    ),
    *_family(
        VulnClass.COMMAND,
        "Choose the program from a fixed allow-list; never from user input.",
        _SUBPROCESS,
        kwargs=("args",),
        condition=Condition.NO_SHELL_PROGRAM,
    ),
    *_family(
        VulnClass.COMMAND,
        "Choose the program from a fixed allow-list; never from user input.",
        (
            "os.execl",
            "os.execle",
            "os.execlp",
            "os.execlpe",
            "os.execv",
            "os.execve",
            "os.execvp",
            "os.execvpe",
            "asyncio.create_subprocess_exec",
            "pty.spawn",
        ),
    ),
    *_family(
        VulnClass.COMMAND,
        "Choose the program from a fixed allow-list; never from user input.",
        (
            "os.spawnl",
            "os.spawnle",
            "os.spawnlp",
            "os.spawnlpe",
            "os.spawnv",
            "os.spawnve",
            "os.spawnvp",
            "os.spawnvpe",
        ),
        args=(1,),
    ),
)

PATH_SINKS = (
    *_family(
        VulnClass.PATH,
        _PATH_HINT,
        (
            "open",
            "io.open",
            "codecs.open",
            "os.open",
            "os.remove",
            "os.unlink",
            "os.rmdir",
            "os.removedirs",
            "os.mkdir",
            "os.makedirs",
            "os.listdir",
            "os.scandir",
            "os.chmod",
            "shutil.rmtree",
            "os.truncate",
            "tarfile.open",
            "zipfile.ZipFile",
            "flask.send_file",
            "werkzeug.utils.send_file",
            "fastapi.responses.FileResponse",
            "starlette.responses.FileResponse",
            "aiofiles.open",
        ),
        kwargs=("file", "filename", "path", "path_or_file", "name"),
    ),
    # send_from_directory safe-joins its second argument; only the directory is a sink.
    *_family(
        VulnClass.PATH,
        _PATH_HINT,
        ("flask.send_from_directory", "werkzeug.utils.send_from_directory"),
        kwargs=("directory",),
    ),
    *_family(
        VulnClass.PATH,
        _PATH_HINT,
        (
            "os.rename",
            "os.replace",
            "shutil.copy",
            "shutil.copyfile",
            "shutil.copy2",
            "shutil.copytree",
            "shutil.move",
            "os.symlink",
            "os.link",
        ),
        args=(0, 1),
        kwargs=("src", "dst"),
    ),
    *_family(
        VulnClass.PATH,
        _PATH_HINT,
        (
            ".read_text",
            ".read_bytes",
            ".write_text",
            ".write_bytes",
            ".unlink",
            ".rmdir",
            ".mkdir",
            ".touch",
            ".iterdir",
            ".open",
            ".rename",
            ".replace",
        ),
        args=(RECEIVER,),
    ),
)

XSS_SINKS = (
    *_family(
        VulnClass.XSS,
        _XSS_HINT,
        (
            "flask.make_response",
            "flask.Response",
            "werkzeug.wrappers.Response",
            "django.http.HttpResponse",
            "django.http.response.HttpResponse",
        ),
        kwargs=("response", "content"),
        condition=Condition.HTML_CONTENT,
    ),
    *_family(
        VulnClass.XSS,
        _XSS_HINT,
        (
            "markupsafe.Markup",
            "flask.Markup",
            "jinja2.Markup",
            "django.utils.safestring.mark_safe",
            "fastapi.responses.HTMLResponse",
            "starlette.responses.HTMLResponse",
        ),
        kwargs=("content",),
    ),
    # aiohttp answers text/plain unless told otherwise: only a declared HTML body is XSS.
    *_family(
        VulnClass.XSS,
        _XSS_HINT,
        ("aiohttp.web.Response", "aiohttp.web_response.Response"),
        kwargs=("text", "body"),
        condition=Condition.DECLARED_HTML,
    ),
)

SSTI_SINKS = _family(
    VulnClass.SSTI,
    "Keep the template text constant: render_template('page.html', name=value).",
    (
        "flask.render_template_string",
        "jinja2.Template",
        ".from_string",
        "django.template.Template",
        "mako.template.Template",
    ),
    kwargs=("source", "template_string", "text"),
)

CODE_SINKS = _family(
    VulnClass.CODE,
    "Never evaluate input; parse data with json.loads or ast.literal_eval.",
    ("eval", "exec", "compile", "builtins.eval", "builtins.exec", "builtins.compile"),
    kwargs=("source",),
)

DESERIALIZATION_SINKS = (
    *_family(
        VulnClass.DESERIALIZATION,
        "Accept JSON (json.loads) instead of pickled data.",
        (
            "pickle.loads",
            "pickle.load",
            "_pickle.loads",
            "cPickle.loads",
            "dill.loads",
            "dill.load",
            "jsonpickle.decode",
            "marshal.loads",
            "shelve.open",
            "joblib.load",
            "torch.load",
            "pandas.read_pickle",
            "yaml.unsafe_load",
            "yaml.unsafe_load_all",
        ),
        kwargs=("data", "file", "string", "f"),
    ),
    *_family(
        VulnClass.DESERIALIZATION,
        "Use yaml.safe_load(data).",
        ("yaml.load", "yaml.load_all"),
        kwargs=("stream",),
        condition=Condition.UNSAFE_YAML_LOADER,
    ),
    *_family(
        VulnClass.DESERIALIZATION,
        "Load with allow_pickle=False.",
        ("numpy.load",),
        kwargs=("file",),
        condition=Condition.ALLOW_PICKLE,
    ),
)

REDIRECT_SINKS = _family(
    VulnClass.REDIRECT,
    "Redirect to url_for(...) targets, or check urlparse(url).netloc against an allow-list.",
    (
        "flask.redirect",
        "werkzeug.utils.redirect",
        "django.shortcuts.redirect",
        "django.http.HttpResponseRedirect",
        "django.http.HttpResponsePermanentRedirect",
        "fastapi.responses.RedirectResponse",
        "starlette.responses.RedirectResponse",
        # aiohttp redirects are raised (or returned) exceptions taking the location.
        "aiohttp.web.HTTPFound",
        "aiohttp.web.HTTPSeeOther",
        "aiohttp.web.HTTPMovedPermanently",
        "aiohttp.web.HTTPTemporaryRedirect",
        "aiohttp.web.HTTPPermanentRedirect",
    ),
    kwargs=("location", "to", "redirect_to", "url"),
)

# Module-level helpers and client objects (``requests.Session().get``, ``httpx.Client``).
_HTTP_CLIENTS = (
    "requests",
    "requests.Session",
    "httpx",
    "httpx.Client",
    "httpx.AsyncClient",
    "aiohttp.ClientSession",
)
_HTTP_VERBS = ("get", "post", "put", "delete", "patch", "head", "options", "stream")

SSRF_SINKS = (
    *_family(
        VulnClass.SSRF,
        "Keep scheme and host constant (f'https://api.example.com/{quote(x)}') or check "
        "the host against an allow-list.",
        (
            *(f"{client}.{verb}" for client in _HTTP_CLIENTS for verb in _HTTP_VERBS),
            "urllib.request.urlopen",
            "urllib.request.Request",
            "urllib.urlopen",
            "urllib2.urlopen",
        ),
        kwargs=("url",),
    ),
    *_family(
        VulnClass.SSRF,
        "Keep scheme and host constant, or check the host against an allow-list.",
        tuple(f"{client}.request" for client in _HTTP_CLIENTS),
        args=(1,),
        kwargs=("url",),
    ),
)

SINKS: tuple[SinkSpec, ...] = (
    *SQL_SINKS,
    *COMMAND_SINKS,
    *PATH_SINKS,
    *XSS_SINKS,
    *SSTI_SINKS,
    *CODE_SINKS,
    *DESERIALIZATION_SINKS,
    *REDIRECT_SINKS,
    *SSRF_SINKS,
)

# Calls that run a function they are given with the arguments that follow it: the
# argument position of the function. ``tasks.add_task(f, x)`` flows like ``f(x)``.
DISPATCHERS: dict[str, int] = {
    ".add_task": 0,
    ".submit": 0,
    ".run_in_executor": 1,
    "asyncio.to_thread": 0,
    "anyio.to_thread.run_sync": 0,
    "starlette.concurrency.run_in_threadpool": 0,
    "fastapi.concurrency.run_in_threadpool": 0,
}

# The pseudo-callee of "a view returned this value as an HTML body".
VIEW_RETURN = SinkSpec(
    callee="<view return>",
    vuln=VulnClass.XSS,
    hint="Return render_template(...) or jsonify(...), or html.escape() the value.",
)
