"""Creating customers and correcting their identity (rectification), and restriction.

Validation runs on every field before anything is written; an invalid form raises one
ValidationError naming its field, and nothing is saved. A restricted customer cannot be
edited until a manager lifts the restriction. A correction made for a rectification request
names it, and only that makes it the request's answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, select

from app import audit, clock
from app.customers import idnumbers, lookup, phones
from app.customers.masking import mask_email, mask_id, mask_phone
from app.customers.model import Channel, ConsentPurpose, IdType
from app.customers.pinyin import pinyin_of
from app.customers.records import customer_row, purpose_for
from app.customers.tables import consent_event, customer
from app.customers.tokens import customer_tokens, replace_tokens
from app.errors import Conflict, ValidationError
from app.i18n import N_, _, translate
from app.rights.requests import rectification_request
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store import versions
from app.store.fields import NO_KEYS, FieldKeys, seal_note, sealed_values
from app.store.numbers import next_id
from app.text import printable

IDENTITY_FIELDS = ("name", "id_type", "id_number", "phone", "email", "province", "city",
                   "district", "street")


@dataclass(frozen=True)
class NewCustomer:
    name: str
    id_type: str
    id_number: str
    phone: str
    original_checked: bool
    consents: dict[str, bool] = field(default_factory=dict)
    consent_channel: str = Channel.COUNTER.value
    email: str = ""        # optional
    province: str = ""     # the address is optional as a whole (data minimisation)
    city: str = ""
    district: str = ""
    street: str = ""
    kind: str = "person"


def _clean_name(name: str) -> str:
    name = " ".join(printable(name, "name", multiline=True).split())
    if not name:
        raise ValidationError(_("Please enter the customer's name."), field="name")
    if len(name) > 100:
        raise ValidationError(_("The name is too long (at most 100 characters)."), field="name")
    return name


def _clean_email(email: str) -> str | None:
    email = printable(email, "email").strip()
    if not email:
        return None
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or " " in email or len(email) > 200:
        raise ValidationError(_("This is not an email address."), field="email")
    return email


def validated_identity(values: dict[str, str]) -> dict:
    """Every identity field checked and normalised; derived columns (pinyin, birth) added."""
    try:
        id_type = IdType(values.get("id_type", "")).value
    except ValueError:
        raise ValidationError(_("Please choose the type of identity document."),
                              field="id_type") from None
    name = _clean_name(values.get("name", ""))
    number = idnumbers.validate_document(id_type, values.get("id_number", ""))
    birth, gender = None, None
    if id_type == idnumbers.RESIDENT_ID:
        resident = idnumbers.validate_resident_id(number)
        birth, gender = resident.birth_date.isoformat(), resident.gender
    phone = phones.normalise_phone(values.get("phone", ""))
    full, initials = pinyin_of(name) if any("\u3400" <= ch <= "\u9fff" for ch in name) else (
        "".join(name.lower().split()), "".join(w[0] for w in name.lower().split()))
    address = {k: " ".join(printable(values.get(k, ""), k, multiline=True).split())
               for k in ("province", "city", "district", "street")}
    if address["street"] and not address["district"]:
        raise ValidationError(_("An address needs its district as well as the street."),
                              field="district")
    return {"name": name, "name_pinyin": full, "name_initials": initials, "id_type": id_type,
            "id_number": number, "id_rev": number[::-1], "birth_date": birth, "gender": gender,
            "phone": phone, "email": _clean_email(values.get("email", "")), **address}


def _duplicates(conn, id_number: str, phone: str, exclude_id: int | None,
                keys: FieldKeys = NO_KEYS) -> None:
    if keys.active:
        _sealed_duplicates(conn, keys, id_number, phone, exclude_id)
        return
    for column, value, sentence in (
        (customer.c.id_number, id_number,
         _("This ID number already belongs to active customer {number}.")),
        (customer.c.phone, phone,
         _("This phone number already belongs to active customer {number}.")),
    ):
        q = select(customer.c.customer_no).where(and_(column == value,
                                                      customer.c.status == "active"))
        if exclude_id is not None:
            q = q.where(customer.c.id != exclude_id)
        other = conn.execute(q.limit(1)).scalar()
        if other:
            field_name = "id_number" if column is customer.c.id_number else "phone"
            raise ValidationError(sentence.format(number=mask_customer_no(other)),
                                  field=field_name)


def _sealed_duplicates(conn, keys: FieldKeys, id_number: str, phone: str,
                       exclude_id: int | None) -> None:
    """`_duplicates` in a sealing database: the tokens find the candidates, opened here."""
    for kind, value, sentence in (
        ("id_number", id_number,
         _("This ID number already belongs to active customer {number}.")),
        ("phone", phone, _("This phone number already belongs to active customer {number}.")),
    ):
        found = [cid for cid in lookup.token_candidates(conn, keys, kind, value)
                 if cid != exclude_id]
        rows = lookup.opened_customers(conn, keys, found, kind)
        for cid in sorted(rows):
            row = rows[cid]
            if row["status"] == "active" and row[kind] == value:
                raise ValidationError(sentence.format(number=mask_customer_no(
                    row["customer_no"])), field=kind)


def mask_customer_no(number: str) -> str:
    return number[:4] + "***" + number[-2:] if len(number) > 6 else number


# The one note the program writes itself (stored in English, shown in the reader's language).
OPENING_NOTE = N_("at account opening")


def consent_note(note: str, language: str) -> str:
    return translate(OPENING_NOTE, language) if note == OPENING_NOTE else note


def append_consent(conn, customer_id: int, purpose: str, granted: bool, channel: str,
                   by: str, note: str = "", keys: FieldKeys | None = None) -> None:
    """One ledger entry. A note typed by staff is sealed (identity key) when `keys` are given;
    the program's own notes ("at account opening") are not secret."""
    values = dict(customer_id=customer_id, purpose=purpose, granted=int(granted),
                  channel=channel, at=clock.stamp(), recorded_by=by, note=note)
    if keys is not None and keys.active and note:
        values["id"] = next_id(conn, consent_event.c.id)
        values["note"] = keys.seal("consent_event", "note", values["id"], note)
    conn.execute(consent_event.insert().values(**values))


@requires(Permission.CUSTOMER_EDIT)
def create_customer(session: Session, new: NewCustomer) -> str:
    """Returns the new customer number. The service-contract consent is required."""
    if not new.original_checked:
        raise ValidationError(_("Confirm that you checked the original ID document."),
                              field="original_checked")
    values = validated_identity(new.__dict__)
    consents = {ConsentPurpose(k): bool(v) for k, v in new.consents.items()}
    if not consents.get(ConsentPurpose.CONTRACT):
        raise ValidationError(_("The service contract consent is required to open a record."),
                              field="consents")
    channel = Channel(new.consent_channel).value
    now = clock.stamp()
    db = session.db
    keys = db.fields
    with db.write() as conn:
        _duplicates(conn, values["id_number"], values["phone"], None, keys)
        cid = next_id(conn, customer.c.id)
        number = f"C{cid:09d}"
        conn.execute(customer.insert().values(
            id=cid, customer_no=number, kind=new.kind, **sealed_values(keys, "customer", cid,
                                                                       values),
            verified_how="original_checked",
            verified_by=session.username, verified_at=now, status="active",
            created_at=now, created_by=session.username, updated_at=now))
        if keys.active:
            replace_tokens(conn, cid, customer_tokens(
                keys, name=values["name"], id_number=values["id_number"],
                phone=values["phone"]))
        for purpose in ConsentPurpose:
            append_consent(conn, cid, purpose.value, consents.get(purpose, False), channel,
                           session.username, OPENING_NOTE)
        audit.append(conn, db, actor=session.username, action="customer.created",
                     customer_ref=number, purpose="counter_service",
                     detail={"consents": {p.value: consents.get(p, False)
                                          for p in ConsentPurpose}})
    session.purposes[number] = "counter_service"
    return number


def _masked(field_name: str, row_values: dict) -> str:
    value = row_values.get(field_name) or ""
    if field_name == "id_number":
        return mask_id(value, row_values.get("id_type", ""))
    if field_name == "phone":
        return mask_phone(value) if value else ""
    if field_name == "email":
        return mask_email(value)
    if field_name in ("street", "district", "city", "province"):
        return "****" if value else ""  # sealed in the record: the log is no way around it
    if field_name == "name":
        return value[:1] + "*" * max(len(value) - 1, 1) if value else ""
    return value


def editable(conn, customer_no: str, keys: FieldKeys | None = None):
    """The customer's row (opened with `keys`), when it may be changed."""
    row = customer_row(conn, customer_no, keys)
    if row.erased_at is not None:
        raise Conflict(_("Customer {number} was erased; the record can no longer be changed.")
                       .format(number=row.customer_no))
    if row.restricted_at is not None:
        raise Conflict(_("Processing of customer {number} is restricted; a manager must lift "
                         "the restriction before any change.").format(number=row.customer_no))
    return row


@requires(Permission.CUSTOMER_EDIT)
def update_identity(session: Session, customer_no: str, changes: dict[str, str],
                    evidence: str, *, request_no: str | None = None,
                    expected_version: int | None = None) -> None:
    """Rectification: before/after (masked) go into the log with the evidence seen, and the
    number of the customer's open rectification request it answers, if any."""
    if len(evidence.strip()) < 3:
        raise ValidationError(_("Note the evidence you saw for this correction."),
                              field="evidence")
    unknown = set(changes) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: {fields}.")
                              .format(fields=", ".join(sorted(unknown))), field=sorted(unknown)[0])
    registered = purpose_for(session, customer_no, None)
    db = session.db
    keys = db.fields
    with db.write() as conn:
        row = editable(conn, customer_no, keys)
        versions.check(conn, customer, row.id, expected_version)
        answers = (rectification_request(conn, request_no, row.id).request_no
                   if request_no and request_no.strip() else None)
        current = {k: getattr(row, k) or "" for k in IDENTITY_FIELDS}
        values = validated_identity({**current, **changes})
        changed = [k for k in IDENTITY_FIELDS if (values[k] or "") != current[k]]
        if not changed:
            raise ValidationError(_("Nothing was changed."), field=None)
        _duplicates(conn, values["id_number"], values["phone"], row.id, keys)
        conn.execute(customer.update().where(customer.c.id == row.id)
                     .values(**sealed_values(keys, "customer", row.id, values),
                             **versions.edited(customer, session.username)))
        lookup.rebuild_tokens(conn, keys, row.id)
        before = {**current}
        audit.append(conn, db, actor=session.username, action="customer.rectified",
                     customer_ref=row.customer_no, purpose=registered,
                     detail={"fields": changed,
                             "evidence": seal_note(keys, "evidence", evidence.strip()[:200]),
                             "before": {k: _masked(k, before) for k in changed},
                             "after": {k: _masked(k, values) for k in changed},
                             **({"request": answers} if answers else {})})


@requires(Permission.REQUEST_DECIDE)
def restrict(session: Session, customer_no: str, reason: str, *,
             expected_version: int | None = None) -> None:
    """Processing restricted: read-only and out of every marketing and analytics use."""
    if len(printable(reason, "reason", multiline=True).strip()) < 3:
        raise ValidationError(_("Give the reason for the restriction."), field="reason")
    db = session.db
    with db.write() as conn:
        row = customer_row(conn, customer_no)
        versions.check(conn, customer, row.id, expected_version)
        if row.restricted_at is not None:
            raise Conflict(_("Customer {number} is already restricted.")
                           .format(number=row.customer_no))
        conn.execute(customer.update().where(customer.c.id == row.id).values(
            restricted_at=clock.stamp(), restricted_by=session.username,
            restriction_reason=db.fields.seal("customer", "restriction_reason", row.id,
                                              reason.strip()[:500]),
            **versions.edited(customer, session.username)))
        audit.append(conn, db, actor=session.username, action="customer.restricted",
                     customer_ref=row.customer_no,
                     # Sealed in the log as in the record: a reason may name people.
                     detail={"reason": seal_note(db.fields, "reason", reason.strip()[:200])})


@requires(Permission.REQUEST_DECIDE)
def lift_restriction(session: Session, customer_no: str, note: str, *,
                     expected_version: int | None = None) -> None:
    db = session.db
    with db.write() as conn:
        row = customer_row(conn, customer_no)
        versions.check(conn, customer, row.id, expected_version)
        if row.restricted_at is None:
            raise Conflict(_("Customer {number} is not restricted.").format(number=row.customer_no))
        conn.execute(customer.update().where(customer.c.id == row.id).values(
            restricted_at=None, restricted_by=None, restriction_reason=None,
            **versions.edited(customer, session.username)))
        audit.append(conn, db, actor=session.username, action="customer.restriction_lifted",
                     customer_ref=row.customer_no, detail={"note": seal_note(session.db.fields, "note",
                                                                note.strip()[:200]),
                                                           "since": row.restricted_at})


__all__ = ["NewCustomer", "append_consent", "create_customer", "editable", "lift_restriction",
           "restrict", "update_identity", "validated_identity"]
