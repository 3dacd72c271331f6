"""Retention tables as SQLAlchemy Core objects (their DDL is migration 5)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Table, Text

from app.store.schema import metadata

retention_rule = Table(
    "retention_rule", metadata,
    Column("category", Text, primary_key=True),
    Column("keep", BigInteger, nullable=False),
    Column("unit", Text, nullable=False),  # months | years
    Column("updated_at", Text, nullable=False),
    Column("updated_by", Text, nullable=False),
    Column("reason", Text, nullable=False),
)

retention_run = Table(
    "retention_run", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("started_at", Text, nullable=False),
    Column("finished_at", Text),
    Column("run_by", Text, nullable=False),
    Column("applied", BigInteger, nullable=False),
    Column("result", Text, nullable=False),
)

audit_purge_gate = Table(
    "audit_purge_gate", metadata,
    Column("upto", BigInteger, nullable=False, primary_key=True),
)
