"""Notifying a personal-data breach: the letters written to a folder and recorded as sent
(who, when, to whom, the file's checksum), each an audit event, in one transaction.

Customer letters address each customer by name, opened with the manager's own keys; a
customer already sent a letter is not written to again. The regulator may be written to
again (a follow-up with what has been learnt since): each letter is recorded. The letters
are laid out before the write transaction (about 90 ms each), so the other PCs' writers do
not wait for them; the transaction checks that nothing changed meanwhile.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
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
from app.store import schema
from app.store.atomic import write_atomic

RECIPIENTS = ("regulator", "customers")


@dataclass(frozen=True)
class Letter:
    path: Path
    data: bytes
    customer: tuple[int, str] | None  # (id, customer number); None: the regulator


def _folder(out_dir) -> Path:
    folder = Path(out_dir)
    if not folder.is_dir():
        raise ValidationError(_("There is no folder {folder}.").format(folder=folder),
                              field="out")
    return folder


def _branch(session: Session) -> dict[str, str]:
    return {**branch_details(session), "branch_name": branch_name(session.db)}


def _open_breach(conn, number: int) -> Breach:
    b = load(conn, number)
    if b.state != "open":
        raise Conflict(_("Breach {number} is closed.").format(number=b.number))
    return b


@requires(Permission.COMPLIANCE)
def notify(session: Session, number: int, to: str, out_dir) -> list[Path]:
    """Writes the letters for `to` ('regulator' or 'customers') into `out_dir`; returns
    their paths."""
    if to not in RECIPIENTS:
        raise ValidationError(_("Notify the regulator or the customers."), field="to")
    folder, branch = _folder(out_dir), _branch(session)
    with session.db.read() as conn:
        b = _open_breach(conn, number)
        handler = _handler_name(conn, b.handler or b.reported_by)
        people = _people(session, conn, b.number) if to == "customers" else []
    letters = (_to_regulator(session, b, branch, folder, handler) if to == "regulator"
               else _to_customers(session, b, branch, folder, people))
    written: list[Path] = []  # removed again if the transaction does not commit
    try:
        with session.db.write() as conn:
            now = _open_breach(conn, number)
            if now.row_version != b.row_version or (
                    to == "customers" and set(_waiting(conn, b.number)) !=
                    {letter.customer[0] for letter in letters if letter.customer}):
                raise Conflict(_("Breach {number} was changed or closed by someone else "
                                 "meanwhile; open it again.").format(number=b.number))
            for letter in letters:
                _record(session, conn, b, letter, written)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def _record(session: Session, conn, b: Breach, letter: Letter, written: list[Path]) -> None:
    digest = hashlib.sha256(letter.data).hexdigest()
    write_atomic(letter.path, letter.data, mode=0o600)
    written.append(letter.path)
    customer = letter.customer
    conn.execute(breach_notice.insert().values(
        breach_id=b.number, recipient="customer" if customer else "regulator",
        customer_id=customer[0] if customer else None, file_name=letter.path.name,
        sha256=digest, sent_by=session.username, sent_at=clock.stamp()))
    audit.append(conn, session.db, actor=session.username,
                 action="breach.customer_notified" if customer else "breach.regulator_notified",
                 customer_ref=customer[1] if customer else None,
                 detail={"number": b.number, "sha256": digest, "file": letter.path.name})


def _handler_name(conn, username: str | None) -> str:
    if not username:
        return ""
    found = conn.execute(select(schema.user.c.display_name)
                         .where(schema.user.c.username == username)).scalar()
    return found or username


def _to_regulator(session: Session, b: Breach, branch: dict, folder: Path,
                  handler: str) -> list[Letter]:
    data = regulator_letter(b, branch, handler, session.display_name)
    when = clock.now_utc().astimezone().strftime("%Y%m%d-%H%M")
    return [Letter(folder / f"breach-{b.number}-regulator-{when}.pdf", data, None)]


def _waiting(conn, number: int) -> list[int]:
    """The linked customers not yet sent a letter."""
    told = select(breach_notice.c.customer_id).where(and_(
        breach_notice.c.breach_id == number, breach_notice.c.recipient == "customer"))
    return list(conn.execute(select(breach_customer.c.customer_id).where(and_(
        breach_customer.c.breach_id == number,
        breach_customer.c.customer_id.not_in(told)))).scalars())


def _people(session: Session, conn, number: int) -> list[tuple[int, str, str]]:
    """(id, customer number, name) of the customers to write to, names opened with the
    manager's own keys."""
    ids = _waiting(conn, number)
    if not ids:
        raise Conflict(_("Breach {number} has no customer left to notify.").format(
            number=number))
    opened = opened_customers(conn, session.db.fields, ids, "name")
    return sorted(((i, opened[i]["customer_no"], opened[i]["name"]) for i in ids),
                  key=lambda p: p[1])


def _to_customers(session: Session, b: Breach, branch: dict, folder: Path,
                  people: list[tuple[int, str, str]]) -> list[Letter]:
    return [Letter(folder / f"breach-{b.number}-customer-{number}.pdf",
                   customer_letter(b, name, number, branch, session.display_name),
                   (cid, number)) for cid, number, name in people]
