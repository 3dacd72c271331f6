"""Producing the answers a request asks for: the access copy, the information notice,
the portable data; applying restriction and objections. Every artefact's checksum is kept on
the request; the bytes of an access copy or portable data are held in the database until a
manager has looked at them and released them (held.py), and are never returned here.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook

from app import audit, clock
from app.customers import editing
from app.customers.consents import record_consent
from app.errors import Conflict, ValidationError
from app.exports.cells import safe_row
from app.i18n import LANGUAGES, _
from app.rights import access_copy, aes_zip, held, notice
from app.rights.gather import SCHEMA_VERSION, gather
from app.rights.model import ArtefactKind, RequestKind, RequestStatus
from app.rights.register import load_register
from app.rights.requests import add_artefact, request_row
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.settings import branch_details


def _open_request(conn, request_no: str, kinds: tuple[RequestKind, ...]):
    row = request_row(conn, request_no)
    if RequestKind(row.kind) not in kinds:
        raise Conflict(_("Request {number} is not a request of this kind.").format(
            number=row.request_no))
    if row.status == RequestStatus.RECEIVED.value:
        raise Conflict(_("Verify the customer's identity for request {number} first.").format(
            number=row.request_no))
    if row.status in (RequestStatus.COMPLETED.value, RequestStatus.REFUSED.value):
        raise Conflict(_("Request {number} is closed.").format(number=row.request_no))
    return row


def _customer_of(conn, row):
    from app.customers.tables import customer

    c = conn.execute(customer.select().where(customer.c.id == row.customer_id)).first()
    if c.erased_at is not None:
        raise Conflict(_("Customer {number} was erased; nothing is held about them any "
                         "more.").format(number=c.customer_no))
    return c


@dataclass(frozen=True)
class PreparedCopy:
    """What preparing a copy tells the person who asked for it: never its bytes."""

    request_no: str
    kind: str
    sha256: str
    size: int
    password: str | None  # the PDF's password, shown to them this once


def _hold(conn, session: Session, row, kind: ArtefactKind, data: bytes, language: str,
          password: str | None) -> PreparedCopy:
    sha = hashlib.sha256(data).hexdigest()
    artefact_id = add_artefact(conn, session, row, kind, sha, len(data), language,
                               protected=password is not None)
    held.store(conn, session.db.fields, artefact_id, row.id, data, password,
               session.username)
    return PreparedCopy(row.request_no, kind.value, sha, len(data), password)


@requires(Permission.REQUEST_TAKE)
def prepare_access_copy(session: Session, request_no: str, language: str | None = None,
                        protect: bool = False) -> PreparedCopy:
    """Counter staff prepare it; it stays in the database until a manager has looked at its
    pages and released it (copies.review_copy, requests.release_artefact)."""
    db = session.db
    with db.write() as conn:
        row = _open_request(conn, request_no, (RequestKind.ACCESS,))
        c = _customer_of(conn, row)
        lang = language or row.language
        if lang not in LANGUAGES:
            raise ValidationError(_("Unknown language."), field="language")
        holdings = gather(conn, c.id, db.fields)
        password = access_copy.new_pdf_password() if protect else None
        doc = access_copy.render(holdings, lang, request_no=row.request_no,
                                 branch=branch_details(session),
                                 generated_by=session.display_name, password=password)
        return _hold(conn, session, row, ArtefactKind.ACCESS_COPY, doc.data, lang, password)


def registered_partners(conn) -> list[notice.Partner]:
    """The partners the notice names: those with an agreement in force today (the
    compliance file's register of partners)."""
    from app.compliance.partners import registered_recipients

    return registered_recipients(conn)


@requires(Permission.REQUEST_TAKE)
def information_notice(session: Session, language: str = "zh_CN",
                       request_no: str | None = None) -> bytes:
    """The information notice, from the register; on a request it is its answer."""
    if language not in LANGUAGES:
        raise ValidationError(_("Unknown language."), field="language")
    db = session.db
    with db.write() as conn:
        data = notice.render(load_register(conn), language, branch_details(session),
                             generated_by=session.display_name, request_no=request_no or "",
                             partners=registered_partners(conn))
        if request_no:
            row = _open_request(conn, request_no, (RequestKind.INFORMATION,))
            add_artefact(conn, session, row, ArtefactKind.NOTICE,
                         hashlib.sha256(data).hexdigest(), len(data), language)
        else:
            audit.append(conn, db, actor=session.username, action="notice.printed",
                         detail={"language": language})
    return data


PORTABILITY_README = """Custos portable data export, schema version {version}.
data.json: one object with keys schema, schema_version, generated_at, customer, services,
consumption, payments, cases, consents, paper_files, requests. Money is in fen (1/100 yuan),
months are YYYY-MM, times are ISO-8601 UTC. data.xlsx: the same, one sheet per category.
"""


@requires(Permission.REQUEST_TAKE)
def prepare_portability(session: Session, request_no: str, protect: bool = False
                        ) -> PreparedCopy:
    """A ZIP with JSON (documented schema, version field) and XLSX: the customer's own data,
    held like the access copy until a manager has looked at it and released it. `protect`:
    every member encrypted with AES-256 under a password shown this once (aes_zip.py)."""
    db = session.db
    with db.write() as conn:
        row = _open_request(conn, request_no, (RequestKind.PORTABILITY,))
        c = _customer_of(conn, row)
        h = gather(conn, c.id, db.fields)
        payload = {"schema": "custos.portable", "schema_version": SCHEMA_VERSION,
                   "generated_at": clock.stamp(), "customer": h.identity,
                   "services": h.services, "consumption": h.consumption,
                   "payments": h.payments, "cases": h.cases, "consents": h.consents,
                   "paper_files": h.paper_files, "requests": h.requests}
        password = access_copy.new_pdf_password() if protect else None
        return _hold(conn, session, row, ArtefactKind.PORTABILITY,
                     portable_zip(payload, password), row.language, password)


def _portable_members(payload: dict) -> list[tuple[str, bytes]]:
    book = Workbook(write_only=True)
    for key in ("customer", "services", "consumption", "payments", "cases", "consents",
                "paper_files", "requests"):
        rows = payload[key] if isinstance(payload[key], list) else [payload[key]]
        sheet = book.create_sheet(key)
        columns = list(rows[0]) if rows else []
        sheet.append(safe_row(columns))
        for r in rows:
            sheet.append(safe_row(r[col] if not isinstance(r[col], dict | list)
                                  else json.dumps(r[col], ensure_ascii=False)
                                  for col in columns))
    xlsx = io.BytesIO()
    book.save(xlsx)
    return [("README.txt", PORTABILITY_README.format(version=SCHEMA_VERSION).encode()),
            ("data.json", json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")),
            ("data.xlsx", xlsx.getvalue())]


def portable_zip(payload: dict, password: str | None = None) -> bytes:
    if password:
        return aes_zip.write(_portable_members(payload), password)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        # Fixed timestamps: the same data gives the same bytes, hence the same checksum.
        for name, content in _portable_members(payload):
            z.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), content)
    return out.getvalue()


@requires(Permission.REQUEST_DECIDE)
def apply_restriction(session: Session, request_no: str, reason: str) -> None:
    with session.db.read() as conn:
        row = _open_request(conn, request_no, (RequestKind.RESTRICTION,))
        c = _customer_of(conn, row)
    editing.restrict(session, c.customer_no, f"{row.request_no}: {reason}")


_OBJECTION_PURPOSES = {
    RequestKind.OBJECT_MARKETING: ("marketing",),
    RequestKind.OBJECT_PROFILING: ("analytics",),
    RequestKind.WITHDRAW_CONSENT: ("marketing", "partner_sharing", "analytics"),
}


@requires(Permission.REQUEST_TAKE)
def apply_objection(session: Session, request_no: str, purposes: tuple[str, ...] = ()) -> None:
    """Consents set to withdrawn, effective at once, appended to the ledger."""
    with session.db.read() as conn:
        row = _open_request(conn, request_no, tuple(_OBJECTION_PURPOSES))
        kind = RequestKind(row.kind)
        if kind not in _OBJECTION_PURPOSES:
            raise Conflict(_("Request {number} is not an objection or a withdrawal.").format(
                number=row.request_no))
        c = _customer_of(conn, row)
    chosen = purposes or _OBJECTION_PURPOSES[kind]
    if not set(chosen) <= set(_OBJECTION_PURPOSES[RequestKind.WITHDRAW_CONSENT]):
        raise ValidationError(_("Only marketing, partner sharing and analytics consents can "
                                "be withdrawn this way."), field="purposes")
    for purpose in chosen:
        record_consent(session, c.customer_no, purpose, False, row.channel,
                       note=f"{row.request_no}")


__all__ = ["PreparedCopy", "apply_objection", "apply_restriction", "information_notice",
           "portable_zip", "prepare_access_copy", "prepare_portability"]
