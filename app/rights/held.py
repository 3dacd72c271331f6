"""Prepared copies held inside the database until a manager has looked at them and released them.

An access copy (PDF) or a portability file (ZIP) is the customer's whole record, unmasked. So
its bytes never go back to whoever prepared it: they are kept in `artefact_content` (inside
the SQLCipher-encrypted file) and leave it only
- to a manager reviewing it before release (`copies.review_copy`), which records the view
  with the checksum of the bytes shown, and
- after release, to whoever hands it over (`copies.handover_copy`): printed, saved or
  exported, one audit event each.
A release needs a view, by the releasing manager, of exactly the bytes held now.

When the bytes go: every copy of a request is removed in the transaction that completes or
refuses it (and with the customer's erasure). A request of the access or portability kind
can only be completed once a released copy was handed over, so nothing the customer is owed
is removed before it left; an unreleased copy of a closed request can never leave anyway.
The checksum, who prepared and released it and the last hand-over stay on the artefact row.

Plain helpers on a connection, for requests.py, answers.py and copies.py: the permission
checks are those services'.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import and_, delete, select

from app import clock
from app.errors import Conflict, NotFound
from app.i18n import _
from app.rights.tables import artefact_content, artefact_view, request_artefact
from app.store.fields import FieldKeys, is_sealed

HELD_KINDS = ("access_copy", "portability")


@dataclass(frozen=True)
class HeldCopy:
    """The bytes of one prepared copy, as read back from the database."""

    artefact_id: int
    kind: str
    sha256: str          # the checksum recorded when it was prepared
    data: bytes
    password: str | None


def store(conn, keys: FieldKeys, artefact_id: int, request_id: int, data: bytes,
          password: str | None, username: str) -> None:
    """Held sealed under the identity key (the whole record is in it): the database file
    alone, with an administrator's password, opens neither the copy nor its password."""
    sealed = keys.seal_bytes("artefact_content", "data", artefact_id, data) if keys.active \
        else data
    conn.execute(artefact_content.insert().values(
        artefact_id=artefact_id, request_id=request_id,
        sha256=hashlib.sha256(data).hexdigest(), data=sealed,
        password=keys.seal("artefact_content", "password", artefact_id, password),
        prepared_by=username, prepared_at=clock.stamp()))


def artefact_of(conn, row, sha256: str | None = None, released: bool | None = None):
    """The request's copy with this checksum, or its latest held copy that is (or is not)
    released; NotFound in one sentence otherwise."""
    q = select(request_artefact).where(and_(request_artefact.c.request_id == row.id,
                                            request_artefact.c.kind.in_(HELD_KINDS)))
    if sha256:
        q = q.where(request_artefact.c.sha256 == sha256.strip().lower())
    if released is not None:
        q = q.where(request_artefact.c.released_at.is_not(None) if released
                    else request_artefact.c.released_at.is_(None))
    art = conn.execute(q.order_by(request_artefact.c.id.desc())).first()
    if art is None:
        if released and conn.execute(select(request_artefact.c.id).where(and_(
                request_artefact.c.request_id == row.id,
                request_artefact.c.kind.in_(HELD_KINDS)))).first() is None:
            raise Conflict(_("No copy was prepared for request {number} yet; prepare it first.")
                           .format(number=row.request_no))
        if released:
            raise Conflict(_("The copy for request {number} has not been released by a manager "
                             "yet.").format(number=row.request_no))
        if released is False:
            raise Conflict(_("Request {number} has no prepared copy waiting for release.")
                           .format(number=row.request_no))
        raise NotFound(_("Request {number} has no such prepared copy.").format(
            number=row.request_no))
    return art


def load(conn, art, keys: FieldKeys) -> HeldCopy:
    """The held bytes of an artefact, checked against the checksum it was prepared with."""
    content = conn.execute(select(artefact_content).where(
        artefact_content.c.artefact_id == art.id)).first()
    if content is None:
        raise Conflict(_("This copy is no longer held (its request was closed, or it was "
                         "prepared before copies were kept); prepare it again."))
    data = bytes(content.data)
    if is_sealed(data):  # a copy held before sealing is read as it was stored
        data = keys.open_bytes("artefact_content", "data", art.id, data)
    password = keys.open("artefact_content", "password", art.id, content.password)
    if hashlib.sha256(data).hexdigest() != art.sha256 or content.sha256 != art.sha256:
        raise Conflict(_("This copy changed after it was prepared; prepare it again."))
    return HeldCopy(art.id, art.kind, art.sha256, data, password)


def record_view(conn, held: HeldCopy, username: str) -> None:
    conn.execute(artefact_view.insert().values(
        artefact_id=held.artefact_id, sha256=hashlib.sha256(held.data).hexdigest(),
        viewed_by=username, viewed_at=clock.stamp()))


def check_viewed(conn, art, username: str, keys: FieldKeys) -> None:
    """A release needs this manager to have been shown exactly the bytes held now."""
    held = load(conn, art, keys)
    seen = conn.execute(select(artefact_view.c.sha256).where(and_(
        artefact_view.c.artefact_id == art.id, artefact_view.c.viewed_by == username))).all()
    if not seen:
        raise Conflict(_("Look at the pages of this copy before you release it."))
    if hashlib.sha256(held.data).hexdigest() not in {s.sha256 for s in seen}:
        raise Conflict(_("This copy changed after you looked at it; look at its pages again "
                         "before you release it."))


def drop(conn, request_ids: list[int]) -> None:
    """The bytes of every copy of these requests go; their checksums stay on record."""
    if request_ids:
        conn.execute(delete(artefact_content).where(
            artefact_content.c.request_id.in_(request_ids)))
