"""Settings stored in the database, with their defaults, limits and who may change them."""

from __future__ import annotations

from sqlalchemy import select

from app import audit
from app.errors import ValidationError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store import dialect, schema
from app.store.database import Database
from app.text import printable

IDLE_LOCK_MINUTES = "idle_lock_minutes"
BRANCH_NAME = "branch_name"
BRANCH_ADDRESS = "branch_address"
PRIVACY_CONTACT = "privacy_contact"
BRANCH_KEYS = (BRANCH_NAME, BRANCH_ADDRESS, PRIVACY_CONTACT)
LAST_BACKUP = "last_backup"        # "stamp|file", written by app.backup
LAST_VERIFIED = "last_verified"    # "stamp|file"
REQUEST_DUE_DAYS = "request_due_days"
TRAINING_MONTHS = "training_every_months"  # staff training falls due this long after the last
DEFAULTS = {IDLE_LOCK_MINUTES: "5", BRANCH_NAME: "", BRANCH_ADDRESS: "", PRIVACY_CONTACT: "",
            LAST_BACKUP: "", LAST_VERIFIED: "", REQUEST_DUE_DAYS: "30", TRAINING_MONTHS: "12"}


def read(db: Database, key: str) -> str:
    with db.read() as conn:
        value = conn.execute(select(schema.setting.c.value)
                             .where(schema.setting.c.key == key)).scalar()
    return value if value is not None else DEFAULTS[key]


def _write(session: Session, values: dict[str, str]) -> None:
    """Change settings in one transaction, each change an audit event with before/after."""
    db = session.db
    with db.write() as conn:
        for key, value in values.items():
            before = conn.execute(select(schema.setting.c.value)
                                  .where(schema.setting.c.key == key)).scalar()
            if before == value:
                continue
            conn.execute(dialect.insert(conn, schema.setting).values(key=key, value=value)
                         .on_conflict_do_update(index_elements=["key"], set_={"value": value}))
            audit.append(conn, db, actor=session.username, action="setting.changed",
                         detail={"key": key, "before": before if before is not None
                                 else DEFAULTS[key], "after": value})


def record_value(conn, key: str, value: str) -> None:
    """A value the program itself keeps (not a person's setting): no audit of its own."""
    conn.execute(dialect.insert(conn, schema.setting).values(key=key, value=value)
                 .on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def idle_lock_minutes(session: Session) -> int:
    """Every role needs this to run its own lock timer, so it is not guarded."""
    return int(read(session.db, IDLE_LOCK_MINUTES))


@requires(Permission.SECURITY_SETTINGS)
def set_idle_lock_minutes(session: Session, minutes: int) -> None:
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    if not 1 <= minutes <= 60:
        raise ValidationError(_("The idle lock must be between 1 and 60 minutes."),
                              field="minutes")
    _write(session, {IDLE_LOCK_MINUTES: str(minutes)})


def branch_details(session: Session) -> dict[str, str]:
    """Name, address and data-protection contact: printed on every PDF, so not guarded."""
    return {key: read(session.db, key) for key in BRANCH_KEYS}


def branch_name(db: Database) -> str:
    return read(db, BRANCH_NAME) or _("Custos branch")


@requires(Permission.BRANCH_SETTINGS)
def set_branch_details(session: Session, name: str, address: str, privacy_contact: str) -> None:
    values = {key: " ".join(printable(text, field, multiline=True).split()) for key, text, field in (
        (BRANCH_NAME, name, "name"), (BRANCH_ADDRESS, address, "address"),
        (PRIVACY_CONTACT, privacy_contact, "privacy_contact"))}
    if not values[BRANCH_NAME]:
        raise ValidationError(_("Please enter the branch's name."), field="name")
    if any(len(v) > 300 for v in values.values()):
        raise ValidationError(_("At most 300 characters per field."), field="name")
    _write(session, values)


@requires(Permission.REQUEST_DECIDE)
def set_request_due_days(session: Session, days: int) -> None:
    """How many days a rights request may take before it is late (GDPR: a month)."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 90:
        raise ValidationError(_("A request's deadline is 1 to 90 days."), field="days")
    _write(session, {REQUEST_DUE_DAYS: str(days)})


@requires(Permission.STAFF_RECORDS)
def set_training_months(session: Session, months: int) -> None:
    """How long a person's last training counts before the next is due (12 months)."""
    try:
        months = int(months)
    except (TypeError, ValueError):
        months = 0
    if not 1 <= months <= 36:
        raise ValidationError(_("Training falls due every 1 to 36 months."), field="months")
    _write(session, {TRAINING_MONTHS: str(months)})
