"""The partners' tables as SQLAlchemy Core objects (their DDL is migration 14, V14_PARTNERS):
external recipients, their agreements and supervision checks, disclosures of customers'
data to them, and managers' approvals of bulk exports."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Table, Text

from app.store.schema import metadata

partner = Table(
    "partner", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("purpose", Text, nullable=False),          # in Chinese, as the notice prints it
    Column("purpose_en", Text, nullable=False, server_default=""),
    Column("data_items", Text, nullable=False),            # data items it receives: "name,phone"
    Column("added_by", Text, nullable=False),
    Column("added_at", Text, nullable=False),
)

partner_agreement = Table(
    "partner_agreement", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("partner_id", BigInteger, ForeignKey("partner.id"), nullable=False),
    Column("valid_from", Text, nullable=False),       # YYYY-MM-DD, both days included
    Column("valid_until", Text, nullable=False),
    Column("scope", Text, nullable=False, server_default=""),  # the confidentiality clause
    Column("file_name", Text, nullable=False),        # the signed file's name, not the file
    Column("sha256", Text, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", Text, nullable=False),
)

partner_check = Table(
    "partner_check", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("partner_id", BigInteger, ForeignKey("partner.id"), nullable=False),
    Column("checked_on", Text, nullable=False),
    Column("finding", Text, nullable=False),
    Column("checked_by", Text, nullable=False),
    Column("recorded_at", Text, nullable=False),
)

disclosure = Table(
    "disclosure", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("customer_id", BigInteger, ForeignKey("customer.id"), nullable=False),
    Column("partner_id", BigInteger, ForeignKey("partner.id"), nullable=False),
    Column("data_items", Text, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("legal_basis", Text, nullable=False, server_default=""),  # a manager's, or ""
    Column("consent_event_id", BigInteger, ForeignKey("consent_event.id")),
    Column("disclosed_by", Text, nullable=False),
    Column("disclosed_at", Text, nullable=False),
)

export_approval = Table(
    "export_approval", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("kind", Text, nullable=False),             # "marketing", "audit", ...
    Column("rows_expected", BigInteger, nullable=False, server_default="0"),
    Column("reason", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("requested_at", Text, nullable=False),
    Column("decided_by", Text),
    Column("decided_at", Text),
    Column("approved", BigInteger),                   # 1 approved, 0 refused, NULL waiting
    Column("decision_note", Text, nullable=False, server_default=""),
    Column("used_at", Text),                          # the one file written under it
    Column("rows_written", BigInteger),
    Column("file_name", Text),
)
