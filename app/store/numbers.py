"""Handing out numbers (customer, service, case, request, file, destruction batch): one rule.

A number is "the highest so far, plus one", so it must be read and used in the same
`BEGIN IMMEDIATE` transaction (Database.write): the write lock is taken before the read,
and no other writer — another window, another process — can read the same highest number
meanwhile. Asking outside a write transaction is a defect, refused at once rather than left
to fail later as a duplicate key.
"""

from __future__ import annotations

from sqlalchemy import Column, func, select
from sqlalchemy.engine import Connection

from app.store import dialect


def require_write(conn: Connection) -> None:
    if not conn.in_transaction() or conn.get_execution_options().get("custos_begin") \
            != "IMMEDIATE":
        raise RuntimeError("numbers are handed out only inside Database.write()")


def next_id(conn: Connection, column: Column) -> int:
    """The next integer after the highest in `column` (1 for an empty table)."""
    require_write(conn)
    return (conn.execute(select(func.max(column))).scalar() or 0) + 1


def next_serial(conn: Connection, column: Column, prefix: str, digits: int) -> str:
    """The next `prefix` + `digits` digits after the highest such value in `column`."""
    require_write(conn)
    top = conn.execute(select(func.max(column)).where(
        dialect.digits_after(conn, column, prefix, digits))).scalar()
    return f"{prefix}{(int(top[-digits:]) if top else 0) + 1:0{digits}d}"
