"""Rights requests from intake to answer: states, deadlines, one extension, refusal on record.

received → identity verified → in progress → completed | refused. Each step is an audit
event. A request cannot be completed without its answer (the released copy, handed over;
the erasure, the restriction, the withdrawal...), nor closed after its deadline without a
reason. Closing a request removes the bytes of its held copies (held.py).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, func, select

from app import audit, clock
from app.customers.freetext import mask_numbers_in
from app.customers.records import customer_row
from app.customers.tables import consent_event, customer
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import LANGUAGES, _
from app.rights import held
from app.rights.model import (
    DEFAULT_DUE_DAYS,
    OPEN_STATES,
    Artefact,
    ArtefactKind,
    RequestKind,
    RequestStatus,
    RightsRequest,
)
from app.rights.tables import request_artefact, rights_request
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store import versions
from app.store.fields import FieldKeys
from app.store.numbers import next_id
from app.store.schema import audit_event

MAX_EXTENSION_DAYS = 60
CHANNELS = ("counter", "phone", "online", "letter")


def due_days(db) -> int:
    """Days a request may take (a setting; 30 unless a manager changed it)."""
    from app.settings import REQUEST_DUE_DAYS, read

    return int(read(db, REQUEST_DUE_DAYS) or DEFAULT_DUE_DAYS)


def _today(today: date | None) -> date:
    return today or date.today()


def request_row(conn, request_no: str):
    row = conn.execute(select(rights_request).where(
        rights_request.c.request_no == request_no.strip().upper())).first()
    if row is None:
        raise NotFound(_("There is no request {number}.").format(number=request_no))
    return row


def rectification_request(conn, request_no: str, customer_id: int):
    """The request a correction claims to answer: the customer's own, open, rectification."""
    row = request_row(conn, request_no)
    if row.customer_id != customer_id:
        raise ValidationError(_("Request {number} was made by another customer.").format(
            number=row.request_no), field="request")
    if row.kind != RequestKind.RECTIFICATION.value:
        raise ValidationError(_("Request {number} is not a rectification request.").format(
            number=row.request_no), field="request")
    if RequestStatus(row.status) not in OPEN_STATES:
        raise Conflict(_("Request {number} is closed.").format(number=row.request_no))
    if row.status == RequestStatus.RECEIVED.value:  # as for every other answer
        raise Conflict(_("Verify the customer's identity for request {number} first.").format(
            number=row.request_no))
    return row


@requires(Permission.CUSTOMER_EDIT)
def open_rectifications(session: Session, customer_no: str) -> list[tuple[str, str]]:
    """(number, received_at) of the customer's open rectification requests whose requester
    was identified, oldest first: what the identity dialog offers a correction to answer."""
    with session.db.read() as conn:
        c = customer_row(conn, customer_no)
        rows = conn.execute(select(rights_request.c.request_no, rights_request.c.received_at)
                            .where(and_(rights_request.c.customer_id == c.id,
                                        rights_request.c.kind == RequestKind.RECTIFICATION.value,
                                        rights_request.c.status.in_(
                                            [s.value for s in OPEN_STATES
                                             if s is not RequestStatus.RECEIVED])))
                            .order_by(rights_request.c.id)).all()
    return [(r.request_no, r.received_at) for r in rows]


def _artefacts(conn, request_id: int) -> tuple[Artefact, ...]:
    rows = conn.execute(select(request_artefact).where(request_artefact.c.request_id ==
                                                       request_id)
                        .order_by(request_artefact.c.id)).all()
    return tuple(Artefact(r.kind, r.sha256, r.size, r.language, bool(r.protected),
                          r.created_at, r.created_by, r.released_by, r.released_at,
                          r.handed_over_by, r.handed_over_at)
                 for r in rows)


def _view(conn, keys: FieldKeys, r, today: date) -> RightsRequest:
    c = conn.execute(select(customer.c.customer_no, customer.c.name)
                     .where(customer.c.id == r.customer_id)).first()
    due = r.extended_to or r.due_date
    return RightsRequest(
        request_no=r.request_no, customer_no=c.customer_no,
        customer_name=keys.open("customer", "name", r.customer_id, c.name), kind=r.kind,
        status=r.status, channel=r.channel, identity_check=r.identity_check,
        notes=keys.open("rights_request", "notes", r.id, r.notes),
        language=r.language, received_at=r.received_at, received_by=r.received_by,
        due_date=due, extended=r.extended_to is not None, extension_reason=r.extension_reason,
        decided_by=r.decided_by, decided_at=r.decided_at, outcome=r.outcome,
        refusal_reason=r.refusal_reason, late_reason=r.late_reason,
        overdue=r.status in OPEN_STATES and due < today.isoformat(),
        artefacts=_artefacts(conn, r.id), verified_by=r.verified_by, verified_at=r.verified_at,
        version=r.row_version)


def _event(conn, session: Session, row, action: str, **detail) -> None:
    c = conn.execute(select(customer.c.customer_no).where(customer.c.id == row.customer_id)
                     ).scalar_one()
    audit.append(conn, session.db, actor=session.username, action=action, customer_ref=c,
                 purpose="rights_request", detail={"request": row.request_no, **detail})


@requires(Permission.REQUEST_TAKE)
def take_request(session: Session, kind: str, customer_no: str, identity_check: str,
                 channel: str = "counter", notes: str = "", language: str = "zh_CN",
                 today: date | None = None, verified: bool = False) -> str:
    """Intake at the counter; returns the request number. Due in 30 days.

    `verified`: the person taking it checked the customer's identity there and then (at the
    counter), so the request starts verified, both steps on record in one transaction; the
    one confirmation of the intake form, never a second question afterwards."""
    try:
        kind = RequestKind(kind).value
    except ValueError:
        raise ValidationError(_("Unknown request kind."), field="kind") from None
    if channel not in CHANNELS:
        raise ValidationError(_("Unknown channel."), field="channel")
    if language not in LANGUAGES:
        raise ValidationError(_("Unknown language."), field="language")
    if len(identity_check.strip()) < 3:
        raise ValidationError(_("Note how the customer's identity was verified."),
                              field="identity_check")
    day = _today(today)
    db = session.db
    with db.write() as conn:
        c = customer_row(conn, customer_no)
        if c.erased_at is not None:
            raise Conflict(_("Customer {number} was erased; nothing is held about them any "
                             "more.").format(number=c.customer_no))
        seq = next_id(conn, rights_request.c.id)
        number = f"R{day.year}-{seq:05d}"
        notes_text = mask_numbers_in(notes.strip())[:2000]
        conn.execute(rights_request.insert().values(
            id=seq, request_no=number, customer_id=c.id, kind=kind,
            status=RequestStatus.RECEIVED.value, channel=channel,
            # How identity was checked, not the number itself: any number typed is masked.
            identity_check=mask_numbers_in(identity_check.strip())[:300],
            notes=db.fields.seal("rights_request", "notes", seq, notes_text),
            language=language, received_at=clock.stamp(), received_by=session.username,
            due_date=(day + timedelta(days=due_days(db))).isoformat()))
        row = request_row(conn, number)
        _event(conn, session, row, "request.received", kind=kind, channel=channel)
        if verified:
            conn.execute(rights_request.update().where(rights_request.c.id == seq).values(
                status=RequestStatus.VERIFIED.value, verified_by=session.username,
                verified_at=clock.stamp()))
            _event(conn, session, row, "request.identity_verified")
    session.purposes[c.customer_no] = "rights_request"
    return number


def _move(session: Session, request_no: str, allowed_from, to: RequestStatus, action: str,
          expected_version: int | None = None, **values) -> None:
    db = session.db
    with db.write() as conn:
        row = request_row(conn, request_no)
        versions.check(conn, rights_request, row.id, expected_version)
        if RequestStatus(row.status) not in allowed_from:
            raise Conflict(_("Request {number} is {state}; it cannot become {target}.").format(
                number=row.request_no, state=RequestStatus(row.status).label, target=to.label))
        conn.execute(rights_request.update().where(rights_request.c.id == row.id)
                     .values(status=to.value, **values,
                             **versions.edited(rights_request, session.username)))
        _event(conn, session, row, action, **{k: v for k, v in values.items()
                                              if k.endswith("reason") or k == "outcome"})


@requires(Permission.REQUEST_TAKE)
def verify_identity(session: Session, request_no: str, *,
                    expected_version: int | None = None) -> None:
    _move(session, request_no, (RequestStatus.RECEIVED,), RequestStatus.VERIFIED,
          "request.identity_verified", expected_version, verified_by=session.username,
          verified_at=clock.stamp())


@requires(Permission.REQUEST_TAKE)
def start_work(session: Session, request_no: str, *,
               expected_version: int | None = None) -> None:
    _move(session, request_no, (RequestStatus.VERIFIED,), RequestStatus.IN_PROGRESS,
          "request.started", expected_version)


@requires(Permission.REQUEST_DECIDE)
def extend(session: Session, request_no: str, days: int, reason: str,
           customer_told: bool, *, expected_version: int | None = None) -> None:
    """Once only, with a reason, and the customer told of it."""
    if not 1 <= int(days) <= MAX_EXTENSION_DAYS:
        raise ValidationError(_("An extension is 1 to {days} days.").format(
            days=MAX_EXTENSION_DAYS), field="days")
    if len(reason.strip()) < 5:
        raise ValidationError(_("Give the reason for the extension."), field="reason")
    if not customer_told:
        raise ValidationError(_("The customer must be told of the extension."),
                              field="customer_told")
    db = session.db
    with db.write() as conn:
        row = request_row(conn, request_no)
        versions.check(conn, rights_request, row.id, expected_version)
        if row.extended_to is not None:
            raise Conflict(_("Request {number} was already extended once.").format(
                number=row.request_no))
        if RequestStatus(row.status) not in OPEN_STATES:
            raise Conflict(_("Request {number} is closed.").format(number=row.request_no))
        new_due = (date.fromisoformat(row.due_date) + timedelta(days=int(days))).isoformat()
        conn.execute(rights_request.update().where(rights_request.c.id == row.id).values(
            extended_to=new_due, extension_reason=mask_numbers_in(reason.strip())[:500],
            extended_by=session.username, **versions.edited(rights_request, session.username)))
        _event(conn, session, row, "request.extended", to=new_due, reason=reason.strip()[:200])


def late_check(row, late_reason: str, today: date) -> str | None:
    due = row.extended_to or row.due_date
    if due < today.isoformat():
        if len(late_reason.strip()) < 5:
            raise ValidationError(_("Request {number} is past its due date; give the reason "
                                    "for the delay.").format(number=row.request_no),
                                  field="late_reason")
        return mask_numbers_in(late_reason.strip())[:500]
    return None


def _answer_given(conn, row) -> bool:
    """Whether what the request asked for has been done (see module docstring)."""
    kind = RequestKind(row.kind)
    arts = _artefacts(conn, row.id)
    c = conn.execute(select(customer).where(customer.c.id == row.customer_id)).first()
    if kind is RequestKind.INFORMATION:
        return any(a.kind == ArtefactKind.NOTICE for a in arts)
    if kind in (RequestKind.ACCESS, RequestKind.PORTABILITY):
        # Released is not enough: the copy must have left (held.py removes it at closing).
        wanted = ArtefactKind.ACCESS_COPY if kind is RequestKind.ACCESS \
            else ArtefactKind.PORTABILITY
        return any(a.kind == wanted and a.released_at and a.handed_over_at for a in arts)
    if kind is RequestKind.ERASURE:
        return c.erased_at is not None
    if kind is RequestKind.RESTRICTION:
        return c.restricted_at is not None
    if kind is RequestKind.RECTIFICATION:
        # Only a correction that names this request answers it, not any later correction.
        named = f'%"request":"{row.request_no}"%'  # detail is compact, sorted JSON
        return conn.execute(select(func.count()).select_from(audit_event).where(and_(
            audit_event.c.customer_ref == c.customer_no,
            audit_event.c.action == "customer.rectified",
            audit_event.c.detail.like(named)))).scalar_one() > 0
    purposes = {RequestKind.OBJECT_MARKETING: ("marketing",),
                RequestKind.OBJECT_PROFILING: ("analytics",),
                RequestKind.WITHDRAW_CONSENT: ("marketing", "partner_sharing", "analytics")}[kind]
    withdrawn = withdrawn_since(conn, c.id, purposes, row.received_at)
    if kind is RequestKind.OBJECT_PROFILING:  # and a person reviewed it (profiling.py)
        from app.rights.profiling import reviewed

        return withdrawn and reviewed(conn, row.request_no)
    return withdrawn


def withdrawn_since(conn, customer_id: int, purposes: tuple[str, ...], since: str) -> bool:
    """Whether a consent for one of `purposes` was withdrawn at or after `since`."""
    return conn.execute(select(func.count()).select_from(consent_event).where(and_(
        consent_event.c.customer_id == customer_id, consent_event.c.purpose.in_(purposes),
        consent_event.c.granted == 0, consent_event.c.at >= since))).scalar_one() > 0


def _released_not_handed_over(conn, row) -> bool:
    return any(a.released_at and not a.handed_over_at for a in _artefacts(conn, row.id))


@requires(Permission.REQUEST_DECIDE)
def complete(session: Session, request_no: str, outcome: str = "", late_reason: str = "",
             today: date | None = None, *, expected_version: int | None = None) -> None:
    db = session.db
    with db.write() as conn:
        row = request_row(conn, request_no)
        versions.check(conn, rights_request, row.id, expected_version)
        if RequestStatus(row.status) not in OPEN_STATES:
            raise Conflict(_("Request {number} is closed.").format(number=row.request_no))
        if not _answer_given(conn, row):
            if _released_not_handed_over(conn, row):
                raise Conflict(_("The copy for request {number} was released but not handed "
                                 "over yet: print, save or export it first.").format(
                    number=row.request_no))
            raise Conflict(_("Request {number} has no answer yet: {kind} must be carried out "
                             "(or the request refused) before it is completed.").format(
                number=row.request_no, kind=RequestKind(row.kind).label))
        late = late_check(row, late_reason, _today(today))
        conn.execute(rights_request.update().where(rights_request.c.id == row.id).values(
            status=RequestStatus.COMPLETED.value, decided_by=session.username,
            decided_at=clock.stamp(), outcome=mask_numbers_in(outcome.strip())[:2000] or None,
            late_reason=late, **versions.edited(rights_request, session.username)))
        held.drop(conn, [row.id])
        _event(conn, session, row, "request.completed", late=late is not None)


@requires(Permission.REQUEST_DECIDE)
def refuse(session: Session, request_no: str, reason: str, late_reason: str = "",
           today: date | None = None, *, expected_version: int | None = None) -> None:
    """A refusal states its reason; the customer's letter names the right to complain."""
    if len(reason.strip()) < 10:
        raise ValidationError(_("A refusal needs its reason, in a full sentence."),
                              field="reason")
    db = session.db
    with db.write() as conn:
        row = request_row(conn, request_no)
        versions.check(conn, rights_request, row.id, expected_version)
        if RequestStatus(row.status) not in OPEN_STATES:
            raise Conflict(_("Request {number} is closed.").format(number=row.request_no))
        late = late_check(row, late_reason, _today(today))
        conn.execute(rights_request.update().where(rights_request.c.id == row.id).values(
            status=RequestStatus.REFUSED.value, decided_by=session.username,
            decided_at=clock.stamp(), refusal_reason=mask_numbers_in(reason.strip())[:2000],
            late_reason=late, **versions.edited(rights_request, session.username)))
        held.drop(conn, [row.id])
        _event(conn, session, row, "request.refused", reason=reason.strip()[:200])


def add_artefact(conn, session: Session, row, kind: ArtefactKind, sha256: str, size: int,
                 language: str, protected: bool = False) -> int:
    """The artefact's record (checksum, who, when); its bytes, if held, are held.store's."""
    artefact_id = conn.execute(request_artefact.insert().values(
        request_id=row.id, kind=kind.value, sha256=sha256, size=size, language=language,
        protected=int(protected), created_at=clock.stamp(), created_by=session.username)
    ).inserted_primary_key[0]
    if row.status in (RequestStatus.RECEIVED.value, RequestStatus.VERIFIED.value):
        conn.execute(rights_request.update().where(rights_request.c.id == row.id)
                     .values(status=RequestStatus.IN_PROGRESS.value))
    _event(conn, session, row, "request.artefact_prepared", kind=kind.value, sha256=sha256)
    return artefact_id


@requires(Permission.REQUEST_DECIDE)
def release_artefact(session: Session, request_no: str, sha256: str) -> None:
    """A manager releases a prepared copy to the customer, having looked at exactly it."""
    db = session.db
    with db.write() as conn:
        row = request_row(conn, request_no)
        if RequestStatus(row.status) not in OPEN_STATES:
            raise Conflict(_("Request {number} is closed.").format(number=row.request_no))
        art = held.artefact_of(conn, row, sha256)
        if art.released_at:
            raise Conflict(_("This copy was already released."))
        held.check_viewed(conn, art, session.username, session.db.fields)
        conn.execute(request_artefact.update().where(request_artefact.c.id == art.id).values(
            released_by=session.username, released_at=clock.stamp()))
        _event(conn, session, row, "request.artefact_released", kind=art.kind,
               sha256=art.sha256)


@requires(Permission.REQUEST_TAKE)
def get_request(session: Session, request_no: str, today: date | None = None) -> RightsRequest:
    with session.db.read() as conn:
        return _view(conn, session.db.fields, request_row(conn, request_no), _today(today))


@requires(Permission.REQUEST_TAKE)
def list_requests(session: Session, open_only: bool = True, overdue_only: bool = False,
                  customer_no: str | None = None, today: date | None = None
                  ) -> list[RightsRequest]:
    """Sorted by the deadline in force, soonest first."""
    day = _today(today)
    q = select(rights_request)
    if open_only or overdue_only:
        q = q.where(rights_request.c.status.in_([s.value for s in OPEN_STATES]))
    with session.db.read() as conn:
        if customer_no:
            q = q.where(rights_request.c.customer_id == customer_row(conn, customer_no).id)
        keys = session.db.fields
        views = [_view(conn, keys, r, day) for r in conn.execute(q).all()]
    if overdue_only:
        views = [v for v in views if v.overdue]
    return sorted(views, key=lambda v: (v.due_date, v.request_no))
