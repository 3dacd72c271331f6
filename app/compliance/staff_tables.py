"""The staff tables as SQLAlchemy Core objects (their DDL is V14_STAFF in
app/store/migrations.py): each account's signed confidentiality agreements, and the
training sessions with their attendees."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Table, Text

from app.store.schema import metadata

staff_agreement = Table(
    "staff_agreement", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("username", Text, nullable=False),
    Column("signed_on", Text, nullable=False),        # YYYY-MM-DD
    Column("file_name", Text, nullable=False),        # the signed file's name, not the file
    Column("sha256", Text, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", Text, nullable=False),
)

training_session = Table(
    "training_session", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("held_on", Text, nullable=False),          # YYYY-MM-DD
    Column("topic", Text, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", Text, nullable=False),
)

training_attendee = Table(
    "training_attendee", metadata,
    Column("session_id", BigInteger, ForeignKey("training_session.id"), primary_key=True),
    Column("username", Text, primary_key=True),
)
