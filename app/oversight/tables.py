"""Oversight tables as SQLAlchemy Core objects (their DDL is migration 6)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Table, Text

from app.store.schema import metadata

alert = Table(
    "alert", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("rule", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("window_key", Text, nullable=False),  # one alert per rule, user and window
    Column("evidence", Text, nullable=False),    # JSON list of audit sequence numbers
    Column("summary", Text, nullable=False),
    Column("acknowledged_by", Text),
    Column("acknowledged_at", Text),
    Column("note", Text),
)

import_mapping = Table(
    "import_mapping", metadata,
    Column("kind", Text, primary_key=True),
    Column("mapping", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("updated_by", Text, nullable=False),
)
