"""Fix hints that name the form of the database driver a module actually imports.

A DB-API ``cursor.execute`` looks the same for every driver, but the placeholder of
its parameterised form does not (``?`` for sqlite3, ``%s`` for psycopg), so the hint
for that sink is chosen from the imports of the module holding the call.
"""

from __future__ import annotations

from collections.abc import Iterable

from mlgate.checks.sast.rules.sinks import DBAPI_SQL_HINT

# First match wins: an ORM's own form beats the bare driver it runs on.
_DRIVER_HINTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("sqlalchemy",),
        "Keep the SQL constant and bind values: conn.execute(sqlalchemy.text("
        "'SELECT ... WHERE id = :id'), {'id': value}).",
    ),
    (
        ("django",),
        "Pass values as parameters: cursor.execute('SELECT ... WHERE id = %s', [value]) "
        "(Django always uses %s), or use the ORM's filter().",
    ),
    (
        ("sqlite3", "aiosqlite"),
        "Pass values as parameters: cursor.execute('SELECT ... WHERE id = ?', (value,)) "
        "(sqlite3 placeholders are ? or :name).",
    ),
    (
        ("psycopg", "psycopg2", "pymysql", "MySQLdb", "mysql.connector", "aiomysql"),
        "Pass values as parameters: cursor.execute('SELECT ... WHERE id = %s', (value,)) "
        "(this driver uses %s, never Python % formatting); psycopg.sql.Identifier for names.",
    ),
)


def sink_hint(hint: str, imported: Iterable[str]) -> str:
    """``hint``, or the driver-specific form when it is the generic DB-API SQL hint."""
    if hint != DBAPI_SQL_HINT:
        return hint
    names = tuple(imported)
    for roots, specific in _DRIVER_HINTS:
        if any(_under(name, root) for name in names for root in roots):
            return specific
    return hint


def _under(name: str, root: str) -> bool:
    return name == root or name.startswith(root + ".")
