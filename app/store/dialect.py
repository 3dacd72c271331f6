"""The few places where SQLite (the file) and PostgreSQL (the branch server) are spelled
differently, each said once: upserts, hand-written SQL's parameter marks, bulk inserts, a
text's last characters, a pattern of digits. Services use these and never ask which store they are on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import literal_column
from sqlalchemy.dialects import postgresql as _pg
from sqlalchemy.dialects import sqlite as _sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.types import Text


def is_server(conn) -> bool:
    return conn.dialect.name == "postgresql"


def insert(conn, table):
    """An INSERT that may take `.on_conflict_do_update/do_nothing` (same spelling on both)."""
    return (_pg.insert if is_server(conn) else _sqlite.insert)(table)


def raw(conn, statement: str, params=()):
    """Hand-written SQL with `?` marks (kept for the hottest paths), run on either store."""
    if is_server(conn):
        statement = statement.replace("%", "%%").replace("?", "%s")
    # A list is many rows (executemany); anything else is one row's values.
    return conn.exec_driver_sql(statement, params if isinstance(params, list) else tuple(params))


def bulk_insert(conn, table, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Many rows into `table` at once: COPY on the server (one statement however many the
    rows, where an INSERT per row costs a round trip and its statement triggers each), an
    executemany on the file. Values pass their columns' bind processing, as in any insert."""
    procs = [table.c[c].type.bind_processor(conn.dialect) for c in columns]
    if any(procs):
        rows = [tuple(v if p is None else p(v) for p, v in zip(procs, row, strict=True))
                for row in rows]
    names = ", ".join(f'"{c}"' for c in columns)
    if is_server(conn):
        with conn.connection.dbapi_connection.cursor() as cursor, \
                cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    rows = list(rows)
    if rows:
        conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES '
                             f'({marks(len(columns))})', rows)


def is_binary(conn, column: str) -> str:
    """SQL that is true when a sealed column holds sealed bytes, not text."""
    if is_server(conn):  # BYTEA throughout (schema.SealedText): sealed values open with 1|2
        return f"(length({column}) > 0 AND get_byte({column}, 0) IN (1, 2))"
    return f"typeof({column}) = 'blob'"


def marks(count: int) -> str:
    """`count` parameter marks for `raw`."""
    return ",".join("?" * count)


class tail(GenericFunction):  # an SQL function: lower case, as SQL spells it
    """The last `n` characters of a text: substr(x, -n) on SQLite, right(x, n) on the server
    (where substr with a negative start means something else)."""

    type = Text()
    inherit_cache = True


@compiles(tail)
def _tail_sqlite(element, compiler, **kw):
    column, count = list(element.clauses)
    return f"substr({compiler.process(column, **kw)}, -{compiler.process(count, **kw)})"


@compiles(tail, "postgresql")
def _tail_pg(element, compiler, **kw):
    column, count = list(element.clauses)
    return f"right({compiler.process(column, **kw)}, {compiler.process(count, **kw)})"


def month(column):
    """YYYY-MM of a stored stamp, spelled with literals so that a GROUP BY on the server
    sees the same expression as the SELECT (bound parameters would differ)."""
    from sqlalchemy import func

    return func.substr(column, literal_column("1"), literal_column("7"))


def digits_after(conn, column, prefix: str, digits: int):
    """`column` is `prefix` followed by exactly `digits` digits."""
    if is_server(conn):
        return column.op("~")(literal_column(f"'^{_re_escape(prefix)}[0-9]{{{digits}}}$'"))
    return column.op("GLOB")(prefix + "[0-9]" * digits)


def _re_escape(text: str) -> str:
    if not text.isalnum():
        raise ValueError("a number prefix is letters and digits")
    return text
