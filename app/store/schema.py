"""The foundation's tables as SQLAlchemy Core objects (their DDL is in migrations.py)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    TypeDecorator,
)

metadata = MetaData()


class SealedText(TypeDecorator):
    """A column sealed under a role key (store/fields.py SEALED): text on the file, where
    SQLite keeps sealed bytes and legacy text side by side; bytes (BYTEA) on the server,
    whose text columns cannot hold bytes. Text written into one on the server (an erased
    record's placeholder) goes in as UTF-8 and reads back through FieldKeys.open as text."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(LargeBinary())
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value, dialect):
        if dialect.name == "postgresql" and isinstance(value, str):
            return value.encode("utf-8")
        return value

    def process_result_value(self, value, dialect):
        return bytes(value) if isinstance(value, memoryview) else value

meta = Table(
    "meta", metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

setting = Table(
    "setting", metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

user = Table(
    "user", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("username", Text, nullable=False, unique=True),
    Column("display_name", Text, nullable=False, default=""),
    Column("disabled", BigInteger, nullable=False, default=0),
    Column("must_change_password", BigInteger, nullable=False, default=0),
    Column("created_at", Text, nullable=False),
    Column("last_login_at", Text),
    Column("password_changed_at", Text),
)

user_role = Table(
    "user_role", metadata,
    Column("user_id", BigInteger, ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
    Column("role", Text, nullable=False),
    PrimaryKeyConstraint("user_id", "role"),
)

audit_event = Table(
    "audit_event", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("outcome", Text, nullable=False, default="ok"),
    Column("customer_ref", Text),
    Column("purpose", Text),
    Column("detail", Text, nullable=False, default="{}"),
    Column("prev_hash", Text, nullable=False),
    Column("hash", Text, nullable=False),
    Column("signer", Text),      # the account whose key signed it (NULL: before signing)
    Column("signature", Text),   # Ed25519, hex
)
Index("audit_by_time", audit_event.c.at)
Index("audit_by_actor", audit_event.c.actor, audit_event.c.at)
Index("audit_by_customer", audit_event.c.customer_ref, audit_event.c.at)
Index("audit_by_action", audit_event.c.action, audit_event.c.at)
