"""The two ways the bytes of a prepared copy leave the database (see held.py for the rule).

- `review_copy`: a manager is shown the copy before releasing it; the view is recorded with
  the checksum of the bytes shown, and only such a view allows the release.
- `handover_copy`: once released, the copy is shown, printed, saved or exported, by counter
  staff or a manager; every call is an audit event saying how.
Before release there is no way to the bytes for anyone but a reviewing manager.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import clock
from app.errors import Conflict, ValidationError
from app.i18n import _
from app.rights import held
from app.rights.model import OPEN_STATES, RequestStatus
from app.rights.requests import _event, request_row
from app.rights.tables import request_artefact
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session

# How a released copy left: "shown" on screen only, or handed over.
HANDOVER_WAYS = ("shown", "printed", "saved", "exported")


@dataclass(frozen=True)
class CopyBytes:
    request_no: str
    kind: str
    sha256: str
    data: bytes
    password: str | None

    @property
    def file_name(self) -> str:
        return file_name(self.kind, self.request_no)


def file_name(kind: str, request_no: str) -> str:
    # ASCII only: the file travels by email and USB stick to any system.
    return (f"access-copy-{request_no}.pdf" if kind == "access_copy"
            else f"portable-data-{request_no}.zip")


@requires(Permission.REQUEST_DECIDE)
def review_copy(session: Session, request_no: str, sha256: str | None = None) -> CopyBytes:
    """The copy as a manager checks it before release (the latest one waiting, unless named);
    recorded as viewed by them, with the checksum of exactly these bytes."""
    with session.db.write() as conn:
        row = request_row(conn, request_no)
        if RequestStatus(row.status) not in OPEN_STATES:
            raise Conflict(_("Request {number} is closed.").format(number=row.request_no))
        art = held.artefact_of(conn, row, sha256, released=None if sha256 else False)
        copy = held.load(conn, art, session.db.fields)
        held.record_view(conn, copy, session.username)
        _event(conn, session, row, "request.copy_reviewed", kind=art.kind, sha256=art.sha256)
    return CopyBytes(row.request_no, copy.kind, copy.sha256, copy.data, copy.password)


@requires(Permission.REQUEST_TAKE)
def handover_copy(session: Session, request_no: str, sha256: str | None = None,
                  how: str = "printed") -> CopyBytes:
    """A released copy (the latest, unless named), for showing, printing, saving or export;
    refused in one sentence until a manager has released it."""
    if how not in HANDOVER_WAYS:
        raise ValidationError(_("Unknown way of handing over a copy."), field="how")
    with session.db.write() as conn:
        row = request_row(conn, request_no)
        art = held.artefact_of(conn, row, sha256, released=True)
        if not art.released_at:
            raise Conflict(_("The copy for request {number} has not been released by a manager "
                             "yet.").format(number=row.request_no))
        copy = held.load(conn, art, session.db.fields)
        if how == "shown":
            _event(conn, session, row, "request.copy_shown", kind=art.kind, sha256=art.sha256)
        else:
            conn.execute(request_artefact.update().where(request_artefact.c.id == art.id)
                         .values(handed_over_by=session.username,
                                 handed_over_at=clock.stamp()))
            _event(conn, session, row, "request.copy_handed_over", kind=art.kind,
                   sha256=art.sha256, how=how)
    return CopyBytes(row.request_no, copy.kind, copy.sha256, copy.data, copy.password)

