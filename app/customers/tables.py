"""Customer records as SQLAlchemy Core tables (their DDL is migration 2 in store/migrations.py)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, PrimaryKeyConstraint, Table, Text

from app.store.schema import SealedText, metadata

customer = Table(
    "customer", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("customer_no", Text, nullable=False, unique=True),
    Column("kind", Text, nullable=False),
    Column("name", SealedText, nullable=False),
    Column("name_pinyin", SealedText, nullable=False),
    Column("name_initials", Text, nullable=False),
    Column("id_type", Text, nullable=False),
    Column("id_number", SealedText, nullable=False),
    Column("id_rev", Text, nullable=False),  # reversed: "last N digits" becomes an index range
    Column("birth_date", SealedText),
    Column("gender", SealedText),
    Column("phone", SealedText, nullable=False),
    Column("email", SealedText),
    Column("province", SealedText, nullable=False),
    Column("city", SealedText, nullable=False),
    Column("district", SealedText, nullable=False),
    Column("street", SealedText, nullable=False),
    Column("verified_how", Text, nullable=False),
    Column("verified_by", Text, nullable=False),
    Column("verified_at", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("restricted_at", Text),
    Column("restricted_by", Text),
    Column("restriction_reason", SealedText),
    Column("created_at", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    # Added by migration 4 (rights and operations):
    Column("legal_hold_reason", Text),
    Column("legal_hold_until", Text),
    Column("legal_hold_by", Text),
    Column("legal_hold_at", Text),
    Column("erased_at", Text),
    # Migration 13: bumped by every edit; a save on a stale copy is refused (store/versions).
    Column("row_version", BigInteger, nullable=False, server_default="1"),
    Column("updated_by", Text),
)

plan = Table(
    "plan", metadata,
    Column("code", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("name_zh", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("monthly_fee_fen", BigInteger, nullable=False),
    Column("active", BigInteger, nullable=False),
)

service = Table(
    "service", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("customer_id", BigInteger, ForeignKey("customer.id"), nullable=False),
    Column("service_no", SealedText, nullable=False),
    Column("kind", Text, nullable=False),
    Column("plan_code", Text, ForeignKey("plan.code"), nullable=False),
    Column("account_no", SealedText, nullable=False),
    Column("agreement_no", SealedText, nullable=False),
    Column("start_date", Text, nullable=False),
    Column("end_date", Text),
    Column("status", Text, nullable=False),
    Column("created_at", Text, nullable=False),
)

consumption = Table(
    "consumption", metadata,
    Column("service_id", BigInteger, ForeignKey("service.id"), primary_key=True),
    Column("period", Text, primary_key=True),
    Column("voice_minutes", BigInteger, nullable=False),
    Column("sms_count", BigInteger, nullable=False),
    Column("data_mb", BigInteger, nullable=False),
    Column("billed_fen", BigInteger, nullable=False),
)

payment = Table(
    "payment", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("service_id", BigInteger, ForeignKey("service.id"), nullable=False),
    Column("paid_on", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("period", Text),
)

service_case = Table(
    "service_case", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("case_no", Text, nullable=False, unique=True),
    Column("customer_id", BigInteger, ForeignKey("customer.id"), nullable=False),
    Column("service_id", BigInteger, ForeignKey("service.id")),
    Column("kind", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("summary", SealedText, nullable=False),
    Column("details", SealedText, nullable=False),
    Column("status", Text, nullable=False),
    Column("assignee", Text),
    Column("due_date", Text, nullable=False),
    Column("resolution", SealedText),
    Column("satisfaction", BigInteger),
    Column("created_at", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("resolved_at", Text),
    Column("closed_at", Text),
    Column("row_version", BigInteger, nullable=False, server_default="1"),
    Column("updated_by", Text),
)

consent_event = Table(
    "consent_event", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("customer_id", BigInteger, ForeignKey("customer.id"), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("granted", BigInteger, nullable=False),
    Column("channel", Text, nullable=False),
    Column("at", Text, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("note", SealedText, nullable=False),
)

# Search tokens (blind indexes) of sealed customer fields: migration 12, customers/tokens.py.
customer_token = Table(
    "customer_token", metadata,
    Column("token", BigInteger, nullable=False),
    Column("customer_id", BigInteger, ForeignKey("customer.id"), nullable=False),
    PrimaryKeyConstraint("token", "customer_id"),
)
