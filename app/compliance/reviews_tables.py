"""Permission-review tables as SQLAlchemy Core objects (their DDL is V14_REVIEWS in
app/store/migrations.py)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Table, Text

from app.store.schema import metadata

permission_review = Table(
    "permission_review", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("started_at", Text, nullable=False),
    Column("started_by", Text, nullable=False),
    Column("signed_at", Text),
    Column("signed_by", Text),
    Column("signature_seq", BigInteger),  # the audit event of the sign-off (signed by key)
)

review_decision = Table(
    "review_decision", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("review_id", BigInteger, ForeignKey("permission_review.id"), nullable=False),
    Column("username", Text, nullable=False),
    Column("roles_before", Text, nullable=False),  # JSON list of role codes
    Column("decision", Text, nullable=False),      # keep | roles | disable
    Column("roles_after", Text),                   # JSON list, for "roles"
    Column("note", Text, nullable=False),
    Column("own_account", BigInteger, nullable=False),  # the reviewer's own: flagged
    Column("decided_by", Text, nullable=False),
    Column("decided_at", Text, nullable=False),
    Column("done_by", Text),                       # the administrator who carried it out
    Column("done_at", Text),
)
