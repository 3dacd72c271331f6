"""Bulk electronic exports of customer data go through an approved channel: the marketing
list always, any other list or log export beyond a size the manager sets (500 rows by
default). The person exporting asks first; a manager other than them approves (the same
manager only where the branch has no other); the approval lets exactly one file be written,
within a week. Without one the export is refused before any file is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select, update

from app import audit, clock
from app.compliance.partner_tables import export_approval
from app.compliance.partners import clean
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import N_, _
from app.security.guard import requires
from app.security.roles import Permission, Role
from app.security.session import Session
from app.store import dialect, schema

KINDS = {"marketing": N_("Marketing contact list"), "audit": N_("Access log"),
         "search": N_("Customer list")}
ALWAYS = frozenset({"marketing"})   # whatever its size
LIMIT_KEY = "export_approval_rows"
DEFAULT_LIMIT = 500
VALID_DAYS = 7
ea = export_approval.c


@dataclass(frozen=True)
class ApprovalView:
    number: int
    kind: str
    rows_expected: int
    reason: str
    requested_by: str
    requested_at: str
    state: str            # "waiting" | "approved" | "declined" | "used" | "lapsed"
    decided_by: str
    decided_at: str
    rows_written: int | None
    file_name: str


def export_limit(conn) -> int:
    raw = conn.execute(select(schema.setting.c.value)
                       .where(schema.setting.c.key == LIMIT_KEY)).scalar()
    return int(raw) if raw else DEFAULT_LIMIT


@requires(Permission.OVERSIGHT)
def current_export_limit(session: Session) -> int:
    with session.db.read() as conn:
        return export_limit(conn)


def needs_approval(conn, kind: str, rows: int) -> bool:
    return kind in ALWAYS or rows > export_limit(conn)


@requires(Permission.COMPLIANCE)
def set_export_limit(session: Session, rows: int) -> None:
    try:
        rows = int(rows)
    except (TypeError, ValueError):
        rows = 0
    if not 1 <= rows <= 1_000_000:
        raise ValidationError(_("The size is a number of rows from 1 to 1,000,000."),
                              field="rows")
    db = session.db
    with db.write() as conn:
        conn.execute(dialect.insert(conn, schema.setting).values(key=LIMIT_KEY, value=str(rows))
                     .on_conflict_do_update(index_elements=["key"], set_={"value": str(rows)}))
        audit.append(conn, db, actor=session.username, action="export.limit_changed",
                     detail={"limit": rows})


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError(_("Choose what is exported: {kinds}.").format(
            kinds=", ".join(KINDS)), field="kind")
    return kind


@requires(Permission.OWN_ACCOUNT)  # whoever exports asks; a manager decides
def request_export(session: Session, kind: str, reason: str, rows: int = 0) -> int:
    """Ask for a manager's approval of one export; its number."""
    kind, reason = _kind(kind), clean(reason, "reason", 300)
    try:
        rows = max(0, int(rows or 0))
    except (TypeError, ValueError):
        raise ValidationError(_("Give the number of rows as a number."), field="rows") from None
    db = session.db
    with db.write() as conn:
        number = conn.execute(export_approval.insert().values(
            kind=kind, rows_expected=rows, reason=reason, requested_by=session.username,
            requested_at=clock.stamp())).inserted_primary_key[0]
        audit.append(conn, db, actor=session.username, action="export.requested",
                     detail={"approval": number, "kind": kind, "rows": rows, "reason": reason})
    return number


def _other_managers(conn, username: str) -> int:
    u, r = schema.user.c, schema.user_role.c
    return conn.execute(select(func.count()).select_from(schema.user.join(
        schema.user_role, r.user_id == u.id)).where(
        r.role == Role.MANAGER.value, u.disabled == 0, u.username != username)).scalar()


def _decide(session: Session, number: int, approved: bool, note: str) -> None:
    db = session.db
    with db.write() as conn:
        row = conn.execute(select(export_approval).where(ea.id == int(number))).first()
        if row is None:
            raise NotFound(_("There is no export approval {number}.").format(number=number))
        if row.approved is not None:
            raise Conflict(_("Export approval {number} was already decided.").format(
                number=number))
        alone = _other_managers(conn, row.requested_by) == 0
        if approved and row.requested_by == session.username and not alone:
            raise Conflict(_("Another manager must approve an export you asked for."))
        done = conn.execute(update(export_approval).where(ea.id == row.id,
                                                          ea.approved.is_(None)).values(
            approved=int(approved), decided_by=session.username, decided_at=clock.stamp(),
            decision_note=note)).rowcount
        if done != 1:
            raise Conflict(_("Export approval {number} was already decided.").format(
                number=number))
        audit.append(conn, db, actor=session.username,
                     action="export.approved" if approved else "export.declined",
                     detail={"approval": row.id, "kind": row.kind, "note": note,
                             "own_request": row.requested_by == session.username})


@requires(Permission.COMPLIANCE)
def approve_export(session: Session, number: int, note: str = "") -> None:
    _decide(session, number, True, clean(note, "note", 300, required=False))


@requires(Permission.COMPLIANCE)
def decline_export(session: Session, number: int, note: str) -> None:
    _decide(session, number, False, clean(note, "note", 300))


def _state(row, now: str) -> str:
    if row.approved is None:
        return "waiting"
    if not row.approved:
        return "declined"
    if row.used_at:
        return "used"
    return "approved" if row.decided_at >= now else "lapsed"


def _lapse_mark() -> str:
    return clock.stamp(clock.now_utc() - timedelta(days=VALID_DAYS))


@requires(Permission.OVERSIGHT)
def list_approvals(session: Session, limit: int = 200) -> list[ApprovalView]:
    mark = _lapse_mark()
    with session.db.read() as conn:
        rows = conn.execute(select(export_approval).order_by(ea.id.desc()).limit(limit)).all()
    return [ApprovalView(r.id, r.kind, r.rows_expected, r.reason, r.requested_by,
                         r.requested_at, _state(r, mark), r.decided_by or "",
                         r.decided_at or "", r.rows_written, r.file_name or "") for r in rows]


def _claim(conn, username: str, kind: str, rows: int, file_name: str) -> bool:
    """Uses an approval of `kind` for this person's export of `rows` rows: one given for
    as many rows or more (or for an export whose size was not said), never a small
    approval stretched to a large file."""
    found = conn.execute(select(ea.id).where(
        ea.requested_by == username, ea.kind == kind, ea.approved == 1, ea.used_at.is_(None),
        ea.decided_at >= _lapse_mark(), or_(ea.rows_expected == 0, ea.rows_expected >= rows))
        .order_by(ea.id).limit(1)).scalar()
    if found is None:
        return False
    return conn.execute(update(export_approval).where(ea.id == found, ea.used_at.is_(None))
                        .values(used_at=clock.stamp(), rows_written=rows,
                                file_name=file_name)).rowcount == 1


@contextmanager
def approved_write(session: Session, kind: str, rows: int, file_name: str) -> Iterator[None]:
    """Around the writing of an export file: takes this person's approval for `kind` when
    the export needs one (used once: the file is written inside the same transaction, so a
    failed write leaves the approval unused), else refuses before anything is written."""
    db = session.db
    with db.write() as conn:
        if not needs_approval(conn, kind, rows) or _claim(conn, session.username, kind, rows,
                                                           file_name):
            yield
            return
        limit = export_limit(conn)
    audit.record(db, actor=session.username, action="export.blocked", outcome="refused",
                 detail={"kind": kind, "rows": rows})
    raise Conflict(_("This export of {rows} rows needs a manager's approval before the file "
                     "is written (the marketing list always, other lists beyond {limit} "
                     "rows). Ask for it under Compliance file › Partners and exports, or "
                     "with `custos bulk-export request`.").format(rows=rows, limit=limit))


def require_approval(session: Session, kind: str, rows: int, file_name: str) -> None:
    """For an export whose bytes the caller saves (a PDF shown, then saved): the approval,
    where one is needed, is used now, before the bytes are handed over."""
    with approved_write(session, kind, rows, file_name):
        pass


def approval_rows(conn, start: str, end: str) -> list[dict]:
    """The period's export approvals for the monthly report (period_summary's shape)."""
    upto = f"{end}T99"
    rows = conn.execute(select(export_approval).where(
        ea.requested_at >= start, ea.requested_at < upto).order_by(ea.id)).all()
    mark = _lapse_mark()
    return [{"kind": "export", "date": r.requested_at[:10], "partner": "",
             "what": r.kind, "by": r.requested_by, "approved_by": r.decided_by or "",
             "state": _state(r, mark), "rows_written": r.rows_written} for r in rows]
