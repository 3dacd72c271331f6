"""Rights tables as SQLAlchemy Core objects (their DDL is migrations 4 and 9 in
store/migrations.py)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, LargeBinary, Table, Text

from app.store.schema import SealedText, metadata

processing_register = Table(
    "processing_register", metadata,
    Column("category", Text, primary_key=True),
    Column("purposes_zh", Text, nullable=False),
    Column("purposes_en", Text, nullable=False),
    Column("legal_basis", Text, nullable=False),  # comma-separated LegalBasis values
    Column("recipients_zh", Text, nullable=False),
    Column("recipients_en", Text, nullable=False),
    Column("transfers_zh", Text, nullable=False),
    Column("transfers_en", Text, nullable=False),
    Column("retention_zh", Text, nullable=False),
    Column("retention_en", Text, nullable=False),
    Column("source", Text, nullable=False),  # collected | generated | both
    Column("automated_zh", Text, nullable=False),
    Column("automated_en", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("updated_by", Text, nullable=False),
)

rights_request = Table(
    "rights_request", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("request_no", Text, nullable=False, unique=True),
    Column("customer_id", BigInteger, ForeignKey("customer.id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("identity_check", Text, nullable=False),
    Column("notes", SealedText, nullable=False),
    Column("language", Text, nullable=False),
    Column("received_at", Text, nullable=False),
    Column("received_by", Text, nullable=False),
    Column("due_date", Text, nullable=False),
    Column("extended_to", Text),
    Column("extension_reason", Text),
    Column("extended_by", Text),
    Column("verified_by", Text),
    Column("verified_at", Text),
    Column("decided_by", Text),
    Column("decided_at", Text),
    Column("outcome", Text),
    Column("refusal_reason", Text),
    Column("late_reason", Text),
    Column("row_version", BigInteger, nullable=False, server_default="1"),
    Column("updated_at", Text),
    Column("updated_by", Text),
)

request_artefact = Table(
    "request_artefact", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("request_id", BigInteger, ForeignKey("rights_request.id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("language", Text, nullable=False),
    Column("protected", BigInteger, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("released_by", Text),
    Column("released_at", Text),
    Column("handed_over_by", Text),  # the last hand-over (each one is an audit event)
    Column("handed_over_at", Text),
)

# The bytes of a prepared copy, held until the request closes (app/rights/held.py).
artefact_content = Table(
    "artefact_content", metadata,
    Column("artefact_id", BigInteger, ForeignKey("request_artefact.id", ondelete="CASCADE"),
           primary_key=True),
    Column("request_id", BigInteger, ForeignKey("rights_request.id"), nullable=False),
    Column("sha256", Text, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("password", SealedText),
    Column("prepared_by", Text, nullable=False),
    Column("prepared_at", Text, nullable=False),
)

# Each time a manager was shown a held copy, with the checksum of what was shown.
artefact_view = Table(
    "artefact_view", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("artefact_id", BigInteger, ForeignKey("request_artefact.id", ondelete="CASCADE"),
           nullable=False),
    Column("sha256", Text, nullable=False),
    Column("viewed_by", Text, nullable=False),
    Column("viewed_at", Text, nullable=False),
)
