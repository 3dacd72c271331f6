"""Archive tables as SQLAlchemy Core objects (their DDL is migration 3 in store/migrations.py)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Table, Text

from app.store.schema import metadata

paper_file = Table(
    "paper_file", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("file_no", Text, nullable=False, unique=True),
    Column("kind", Text, nullable=False),
    Column("customer_id", BigInteger, ForeignKey("customer.id")),
    Column("description", Text, nullable=False),
    Column("room", Text, nullable=False),
    Column("cabinet", Text, nullable=False),
    Column("shelf", Text, nullable=False),
    Column("box", Text, nullable=False),
    Column("received_on", Text, nullable=False),
    Column("retain_until", Text, nullable=False),
    Column("retain_override_reason", Text),
    Column("status", Text, nullable=False),
    Column("sensitive", BigInteger, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
)

loan = Table(
    "loan", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("file_id", BigInteger, ForeignKey("paper_file.id"), nullable=False),
    Column("borrower_kind", Text, nullable=False),  # staff | external
    Column("borrower", Text, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("requested_at", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("due_date", Text, nullable=False),
    Column("needs_approval", BigInteger, nullable=False),
    Column("decided_by", Text),
    Column("decided_at", Text),
    Column("decision_note", Text),
    Column("lent_at", Text),
    Column("lent_by", Text),
    Column("renewals", BigInteger, nullable=False),
    Column("returned_at", Text),
    Column("received_by", Text),
    Column("condition", Text),
    Column("condition_note", Text),
    Column("closed_note", Text),
    Column("escalation", BigInteger, nullable=False),
    Column("anonymised_at", Text),
)

file_transfer = Table(
    "file_transfer", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("file_id", BigInteger, ForeignKey("paper_file.id"), nullable=False),
    Column("to_unit", Text, nullable=False),
    Column("receiver", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("requested_at", Text, nullable=False),
    Column("decided_by", Text),
    Column("decided_at", Text),
    Column("transferred_on", Text),
)

destruction_batch = Table(
    "destruction_batch", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("batch_no", Text, nullable=False, unique=True),
    Column("status", Text, nullable=False),
    Column("proposed_by", Text, nullable=False),
    Column("proposed_at", Text, nullable=False),
    Column("decided_by", Text),
    Column("decided_at", Text),
    Column("decision_note", Text),
    Column("method", Text),
    Column("certificate_no", Text),
    Column("destroyed_on", Text),
    Column("witness_1", Text),
    Column("witness_2", Text),
    Column("recorded_by", Text),
    Column("recorded_at", Text),
)

destruction_item = Table(
    "destruction_item", metadata,
    Column("batch_id", BigInteger, ForeignKey("destruction_batch.id"), primary_key=True),
    Column("file_id", BigInteger, ForeignKey("paper_file.id"), primary_key=True),
)

notification = Table(
    "notification", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("audience", Text, nullable=False),  # a role: who must see it
    Column("kind", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("acknowledged_by", Text),
    Column("acknowledged_at", Text),
    Column("acknowledge_note", Text),
)
