"""Settings stored in the database, with their defaults and limits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as upsert

from app import audit
from app.errors import ValidationError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store import schema
from app.store.database import Database

IDLE_LOCK_MINUTES = "idle_lock_minutes"
DEFAULTS = {IDLE_LOCK_MINUTES: "5"}


def _get(db: Database, key: str) -> str:
    with db.read() as conn:
        value = conn.execute(select(schema.setting.c.value)
                             .where(schema.setting.c.key == key)).scalar()
    return value if value is not None else DEFAULTS[key]


def idle_lock_minutes(session: Session) -> int:
    """Every role needs this to run its own lock timer, so it is not guarded."""
    return int(_get(session.db, IDLE_LOCK_MINUTES))


@requires(Permission.SECURITY_SETTINGS)
def set_idle_lock_minutes(session: Session, minutes: int) -> None:
    if not 1 <= int(minutes) <= 60:
        raise ValidationError(_("The idle lock must be between 1 and 60 minutes."),
                              field="minutes")
    db = session.db
    with db.write() as conn:
        before = conn.execute(select(schema.setting.c.value)
                              .where(schema.setting.c.key == IDLE_LOCK_MINUTES)).scalar()
        conn.execute(upsert(schema.setting).values(key=IDLE_LOCK_MINUTES, value=str(int(minutes)))
                     .on_conflict_do_update(index_elements=["key"],
                                            set_={"value": str(int(minutes))}))
        audit.append(conn, db, actor=session.username, action="setting.changed",
                     detail={"key": IDLE_LOCK_MINUTES,
                             "before": before or DEFAULTS[IDLE_LOCK_MINUTES],
                             "after": str(int(minutes))})
