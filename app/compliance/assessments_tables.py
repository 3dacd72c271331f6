"""The impact-assessment table as a SQLAlchemy Core object (its DDL: V14_ASSESSMENTS in
store/migrations.py)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Table, Text, UniqueConstraint

from app.store.schema import metadata

impact_assessment = Table(
    "impact_assessment", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("activity", Text, nullable=False),     # a register category, or a new activity
    Column("version", BigInteger, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("necessity", Text, nullable=False),
    Column("data_items", Text, nullable=False),   # JSON list of the data items
    Column("risks", Text, nullable=False),        # JSON list of {risk, likelihood, severity}
    Column("measures", Text, nullable=False),
    Column("conclusion", Text, nullable=False),
    Column("assessed_by", Text, nullable=False),
    Column("assessed_on", Text, nullable=False),  # YYYY-MM-DD
    Column("review_by", Text, nullable=False),    # YYYY-MM-DD
    Column("recorded_at", Text, nullable=False),
    Column("approved_by", Text),
    Column("approved_at", Text),
    Column("sole_manager", BigInteger, nullable=False, server_default="0"),
    Column("superseded_by", BigInteger),
    Column("superseded_at", Text),
    UniqueConstraint("activity", "version"),
)
