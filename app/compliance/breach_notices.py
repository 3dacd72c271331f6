"""Notifying a personal-data breach: the letters written to a folder and recorded as sent
(who, when, to whom, the file's checksum), each an audit event, in one transaction.

Customer letters address each customer by name, opened with the manager's own keys; a
customer already sent a letter is not written to again. The regulator may be written to
again (a follow-up with what has been learnt since): each letter is recorded.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import and_, select

from app import audit, clock
from app.compliance.breach_letters import customer_letter, regulator_letter
from app.compliance.breach_tables import breach_customer, breach_notice
from app.compliance.breaches import Breach, load
from app.customers.lookup import opened_customers
from app.errors import Conflict, ValidationError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.settings import branch_details, branch_name
from app.store.atomic import write_atomic

RECIPIENTS = ("regulator", "customers")


def _folder(out_dir) -> Path:
    folder = Path(out_dir)
    if not folder.is_dir():
        raise ValidationError(_("There is no folder {folder}.").format(folder=folder),
                              field="out")
    return folder


def _branch(session: Session) -> dict[str, str]:
    return {**branch_details(session), "branch_name": branch_name(session.db)}


@requires(Permission.COMPLIANCE)
def notify(session: Session, number: int, to: str, out_dir) -> list[Path]:
    """Writes the letters for `to` ('regulator' or 'customers') into `out_dir`; returns
    their paths."""
    if to not in RECIPIENTS:
        raise ValidationError(_("Notify the regulator or the customers."), field="to")
    folder, branch = _folder(out_dir), _branch(session)
    written: list[Path] = []  # removed again if the transaction does not commit
    try:
        with session.db.write() as conn:
            b = load(conn, number)
            if b.state != "open":
                raise Conflict(_("Breach {number} is closed.").format(number=b.number))
            if to == "regulator":
                _to_regulator(session, conn, b, branch, folder, written)
            else:
                _to_customers(session, conn, b, branch, folder, written)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def _record(session: Session, conn, b: Breach, path: Path, data: bytes,
            customer: tuple[int, str] | None, written: list[Path]) -> None:
    digest = hashlib.sha256(data).hexdigest()
    write_atomic(path, data, mode=0o600)
    written.append(path)
    conn.execute(breach_notice.insert().values(
        breach_id=b.number, recipient="customer" if customer else "regulator",
        customer_id=customer[0] if customer else None, file_name=path.name, sha256=digest,
        sent_by=session.username, sent_at=clock.stamp()))
    audit.append(conn, session.db, actor=session.username,
                 action="breach.customer_notified" if customer else "breach.regulator_notified",
                 customer_ref=customer[1] if customer else None,
                 detail={"number": b.number, "sha256": digest, "file": path.name})


def _handler_name(conn, username: str | None) -> str:
    from app.store import schema

    if not username:
        return ""
    found = conn.execute(select(schema.user.c.display_name)
                         .where(schema.user.c.username == username)).scalar()
    return found or username


def _to_regulator(session: Session, conn, b: Breach, branch: dict, folder: Path,
                  written: list[Path]) -> None:
    data = regulator_letter(b, branch, _handler_name(conn, b.handler or b.reported_by),
                            session.display_name)
    when = clock.now_utc().astimezone().strftime("%Y%m%d-%H%M")
    _record(session, conn, b, folder / f"breach-{b.number}-regulator-{when}.pdf", data, None,
            written)


def _to_customers(session: Session, conn, b: Breach, branch: dict, folder: Path,
                  written: list[Path]) -> None:
    told = select(breach_notice.c.customer_id).where(and_(
        breach_notice.c.breach_id == b.number, breach_notice.c.recipient == "customer"))
    ids = list(conn.execute(select(breach_customer.c.customer_id).where(and_(
        breach_customer.c.breach_id == b.number,
        breach_customer.c.customer_id.not_in(told)))).scalars())
    if not ids:
        raise Conflict(_("Breach {number} has no customer left to notify.").format(
            number=b.number))
    people = opened_customers(conn, session.db.fields, ids, "name")
    for cid in sorted(ids, key=lambda i: people[i]["customer_no"]):
        person = people[cid]
        data = customer_letter(b, person["name"], person["customer_no"], branch,
                               session.display_name)
        path = folder / f"breach-{b.number}-customer-{person['customer_no']}.pdf"
        _record(session, conn, b, path, data, (cid, person["customer_no"]), written)
