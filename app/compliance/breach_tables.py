"""Personal-data breach tables as SQLAlchemy Core objects (their DDL is migration 14a)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, Table, Text

from app.store.schema import metadata

breach = Table(
    "breach", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("detected_at", Text, nullable=False),         # UTC stamp
    Column("summary", Text, nullable=False),
    Column("what_happened", Text, nullable=False, server_default=""),
    Column("categories", Text, nullable=False, server_default=""),  # codes, comma-separated
    Column("consequences", Text, nullable=False, server_default=""),
    Column("measures", Text, nullable=False, server_default=""),
    Column("handler", Text),                               # a manager's username
    Column("state", Text, nullable=False, server_default="open"),  # open | closed
    Column("regulator_due", Text, nullable=False),         # deadlines fixed when recorded
    Column("customers_due", Text, nullable=False),
    Column("reported_by", Text, nullable=False),
    Column("reported_at", Text, nullable=False),
    Column("closed_by", Text),
    Column("closed_at", Text),
    Column("close_reason", Text),
    Column("row_version", Integer, nullable=False, server_default="1"),
    Column("updated_by", Text),
)

# The customers an incident touched: ids only (never names), counted for the regulator.
breach_customer = Table(
    "breach_customer", metadata,
    Column("breach_id", BigInteger, ForeignKey("breach.id"), primary_key=True),
    Column("customer_id", BigInteger, ForeignKey("customer.id"), primary_key=True),
)

# Every letter sent: to whom, by whom, when, and the checksum of the file (append-only).
breach_notice = Table(
    "breach_notice", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("breach_id", BigInteger, ForeignKey("breach.id"), nullable=False),
    Column("recipient", Text, nullable=False),             # regulator | customer
    Column("customer_id", BigInteger, ForeignKey("customer.id")),
    Column("file_name", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("sent_by", Text, nullable=False),
    Column("sent_at", Text, nullable=False),
)
