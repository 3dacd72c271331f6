"""The paper-file registry: registering files (one or a box at a time), finding them by
barcode, customer, box or name, moving them, and overriding their retention."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection, Row

from app import audit, clock
from app.archive.model import (
    SENSITIVE_KINDS,
    FileKind,
    FileStatus,
    PaperFile,
    retain_until_for,
)
from app.archive.queries import (
    clean,
    customer_name_of,
    customer_ref,
    file_from_row,
    file_row,
    file_select,
    normalise_file_no,
    open_batch_of,
    parse_day,
    refuse_if_destroyed,
    today_or,
)
from app.archive.tables import paper_file
from app.customers.tables import customer, customer_token
from app.customers.tokens import query_tokens
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import _
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store.fields import FieldKeys
from app.store.numbers import next_serial

FILE_NO_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,31}$")  # Code 128 friendly, scanner-safe
SEARCH_LIMIT = 500
_ITEM_KEYS = {"kind", "customer_no", "description", "room", "cabinet", "shelf", "box",
              "received_on", "retain_until", "override_reason", "file_no"}


def _validated(item: dict, today: date) -> dict:
    """One file's fields checked and normalised, before any database work."""
    try:
        kind = FileKind(str(item.get("kind", "")))
    except ValueError:
        raise ValidationError(_("Choose the kind of paper file."), field="kind") from None
    received = parse_day(item.get("received_on") or today, "received_on")
    if received > today:
        raise ValidationError(_("The date received cannot be in the future."),
                              field="received_on")
    derived = retain_until_for(kind, received)
    reason = clean(item.get("override_reason", ""), "override_reason", 500)
    retain = derived
    if item.get("retain_until"):
        retain = parse_day(item["retain_until"], "retain_until")
        if retain != derived and len(reason) < 3:
            raise ValidationError(_("Give the reason for changing the retention date."),
                                  field="override_reason")
        if retain < received:
            raise ValidationError(_("A file cannot be kept until before the day it was "
                                    "received."), field="retain_until")
    number = normalise_file_no(item.get("file_no")) if item.get("file_no") else None
    if number is not None and not FILE_NO_PATTERN.match(number):
        raise ValidationError(_("A file number is 4 to 32 letters, digits or dashes."),
                              field="file_no")
    customer_no = str(item.get("customer_no") or "").strip().upper() or None
    return {
        "kind": kind.value, "customer_no": customer_no, "file_no": number,
        "description": clean(item.get("description", ""), "description", 500),
        "room": clean(item.get("room", ""), "room", 40),
        "cabinet": clean(item.get("cabinet", ""), "cabinet", 40),
        "shelf": clean(item.get("shelf", ""), "shelf", 40),
        "box": clean(item.get("box", ""), "box", 40).upper(),
        "received_on": received.isoformat(), "retain_until": retain.isoformat(),
        "retain_override_reason": reason if retain != derived else None,
        "sensitive": int(kind in SENSITIVE_KINDS),
    }


def _next_file_no(conn: Connection, year: int) -> str:
    return next_serial(conn, paper_file.c.file_no, f"PF{year:04d}", 6)


def _insert(conn: Connection, values: dict, session: Session, today: date) -> str:
    values = dict(values)
    customer_no = values.pop("customer_no")
    customer_id = customer_ref(conn, customer_no).id if customer_no else None
    number = values.pop("file_no") or _next_file_no(conn, today.year)
    exists = conn.execute(select(paper_file.c.id).where(paper_file.c.file_no == number)).first()
    if exists is not None:
        raise Conflict(_("File number {number} is already registered.").format(number=number))
    now = clock.stamp()
    conn.execute(paper_file.insert().values(
        file_no=number, customer_id=customer_id, status=FileStatus.IN_ARCHIVE.value,
        created_at=now, created_by=session.username, updated_at=now, **values))
    return number


@requires(Permission.FILE_MANAGE)
def register_file(session: Session, kind: str, customer_no: str | None = None,
                  description: str = "", room: str = "", cabinet: str = "", shelf: str = "",
                  box: str = "", received_on: date | str | None = None,
                  retain_until: date | str | None = None, override_reason: str = "",
                  file_no: str | None = None, today: date | None = None) -> str:
    """Returns the file number (given, or "PF" + year + a 6-digit sequence)."""
    day = today_or(today)
    values = _validated({"kind": kind, "customer_no": customer_no, "description": description,
                         "room": room, "cabinet": cabinet, "shelf": shelf, "box": box,
                         "received_on": received_on, "retain_until": retain_until,
                         "override_reason": override_reason, "file_no": file_no}, day)
    db = session.db
    with db.write() as conn:
        number = _insert(conn, values, session, day)
        audit.append(conn, db, actor=session.username, action="file.registered",
                     customer_ref=values["customer_no"],
                     detail={"file_no": number, "kind": values["kind"], "box": values["box"],
                             "retain_until": values["retain_until"],
                             "override": values["retain_override_reason"] is not None})
    return number


@requires(Permission.FILE_MANAGE)
def register_batch(session: Session, items: list[dict], today: date | None = None) -> list[str]:
    """A box of new files: all validated first, then one transaction and one audit event."""
    day = today_or(today)
    if not isinstance(items, list | tuple) or not items:
        raise ValidationError(_("There are no files to register."), field="items")
    checked = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or set(item) - _ITEM_KEYS:
            raise ValidationError(_("Item {item} is not a paper-file entry.").format(item=index),
                                  field="items")
        try:
            checked.append(_validated(item, day))
        except ValidationError as error:
            raise ValidationError(_("Item {item}: {problem}").format(
                item=index, problem=error.sentence), field=error.field) from None
    given = [v["file_no"] for v in checked if v["file_no"]]
    if len(given) != len(set(given)):
        raise ValidationError(_("The same file number appears twice in this batch."),
                              field="file_no")
    db = session.db
    numbers: list[str] = []
    with db.write() as conn:
        for index, values in enumerate(checked, start=1):
            try:
                numbers.append(_insert(conn, values, session, day))
            except (Conflict, NotFound, ValidationError) as error:
                raise type(error)(_("Item {item}: {problem}").format(
                    item=index, problem=error.sentence)) from None
        audit.append(conn, db, actor=session.username, action="file.batch_registered",
                     detail={"count": len(numbers), "file_nos": numbers,
                             "customers": sorted({v["customer_no"] for v in checked
                                                  if v["customer_no"]})})
    return numbers


def _archive_side(session: Session) -> bool:
    """Archive clerks and managers search the whole registry; counter staff do not."""
    return session.can(Permission.FILE_MANAGE) or session.can(Permission.FILE_APPROVE)


def _box_or_name(conn: Connection, keys: FieldKeys, text: str, key: str, active) -> list[Row]:
    """Active files in box `key` or of a customer whose name starts with `text`, by box and
    file number. Sealed names are found through their name tokens (a prefix of up to
    NAME_PREFIX_MAX characters), then opened and checked: a token never decides alone."""
    order = (paper_file.c.box, paper_file.c.file_no)
    if not keys.active:
        like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return conn.execute(file_select().where(
            active, or_(paper_file.c.box == key, customer.c.name.like(like, escape="\\")))
            .order_by(*order).limit(SEARCH_LIMIT)).all()
    where = paper_file.c.box == key
    tokens = query_tokens(keys, "name", text)
    if tokens:
        named = select(customer_token.c.customer_id).where(customer_token.c.token.in_(tokens))
        where = or_(where, paper_file.c.customer_id.in_(named))
    found: list[Row] = []
    offset = 0
    while len(found) < SEARCH_LIMIT:
        page = conn.execute(file_select().where(active, where).order_by(*order)
                            .limit(SEARCH_LIMIT).offset(offset)).all()
        found += [r for r in page if r.box == key
                  or (customer_name_of(r, keys) or "").startswith(text)]
        if len(page) < SEARCH_LIMIT:
            break
        offset += SEARCH_LIMIT
    return found[:SEARCH_LIMIT]


@requires(Permission.FILE_VIEW)
def find_files(session: Session, query: str) -> list[PaperFile]:
    """By exact file number (a barcode scan), customer number, box, or customer-name prefix.

    Counter staff see files only through a customer number. Box and name searches show the
    active registry (not transferred or destroyed files); numbers find every record.
    """
    text = " ".join(str(query or "").split())
    if not text:
        return []
    key = text.upper()
    active = paper_file.c.status.notin_([FileStatus.TRANSFERRED.value,
                                         FileStatus.DESTROYED.value])
    how = "customer_no"
    with session.db.read() as conn:
        rows = []
        if _archive_side(session):
            how = "file_no"
            rows = conn.execute(file_select().where(paper_file.c.file_no == key)).all()
        if not rows:
            how = "customer_no"
            rows = conn.execute(file_select().where(customer.c.customer_no == key)
                                .order_by(paper_file.c.received_on.desc(),
                                          paper_file.c.file_no)).all()
        if not rows and _archive_side(session):
            how = "box_or_name"
            rows = _box_or_name(conn, session.db.fields, text, key, active)
    found = [file_from_row(r, session.db.fields) for r in rows]
    with session.db.write() as conn:
        refs = sorted({f.customer_no for f in found if f.customer_no})
        audit.append(conn, session.db, actor=session.username, action="file.searched",
                     customer_ref=refs[0] if len(refs) == 1 else None,
                     detail={"by": how, "results": len(found), "customers": len(refs)})
    return found


@requires(Permission.FILE_VIEW)
def files_of_customer(session: Session, customer_no: str) -> list[PaperFile]:
    """Every paper file of one customer, whatever its status (the customer page)."""
    with session.db.read() as conn:
        ref = customer_ref(conn, customer_no)
        rows = conn.execute(file_select().where(paper_file.c.customer_id == ref.id)
                            .order_by(paper_file.c.received_on.desc(),
                                      paper_file.c.file_no)).all()
    with session.db.write() as conn:
        audit.append(conn, session.db, actor=session.username, action="file.listed",
                     customer_ref=ref.customer_no, detail={"results": len(rows)})
    return [file_from_row(r, session.db.fields) for r in rows]


@requires(Permission.FILE_VIEW)
def get_file(session: Session, file_no: str) -> PaperFile:
    with session.db.read() as conn:
        found = file_from_row(file_row(conn, file_no), session.db.fields)
    with session.db.write() as conn:
        audit.append(conn, session.db, actor=session.username, action="file.viewed",
                     customer_ref=found.customer_no, detail={"file_no": found.file_no})
    return found


@requires(Permission.FILE_MANAGE)
def move_file(session: Session, file_no: str, room: str, cabinet: str, shelf: str,
              box: str) -> None:
    """A new home in the archive room (also while the file is out on loan)."""
    new = {"room": clean(room, "room", 40), "cabinet": clean(cabinet, "cabinet", 40),
           "shelf": clean(shelf, "shelf", 40), "box": clean(box, "box", 40).upper()}
    db = session.db
    with db.write() as conn:
        row = file_row(conn, file_no)
        refuse_if_destroyed(row)
        if row.status == FileStatus.TRANSFERRED:
            raise Conflict(_("File {number} has been transferred to another unit.")
                           .format(number=row.file_no))
        before = {k: getattr(row, k) for k in new}
        if before == new:
            raise ValidationError(_("Nothing was changed."), field=None)
        conn.execute(paper_file.update().where(paper_file.c.id == row.id)
                     .values(**new, updated_at=clock.stamp()))
        audit.append(conn, db, actor=session.username, action="file.moved",
                     customer_ref=row.customer_no,
                     detail={"file_no": row.file_no, "before": before, "after": new})


@requires(Permission.FILE_MANAGE)
def override_retention(session: Session, file_no: str, retain_until: date | str,
                       reason: str) -> None:
    new = parse_day(retain_until, "retain_until")
    why = clean(reason, "reason", 500)
    if len(why) < 3:
        raise ValidationError(_("Give the reason for changing the retention date."),
                              field="reason")
    db = session.db
    with db.write() as conn:
        row = file_row(conn, file_no)
        refuse_if_destroyed(row)
        if new < date.fromisoformat(row.received_on):
            raise ValidationError(_("A file cannot be kept until before the day it was "
                                    "received."), field="retain_until")
        batch = open_batch_of(conn, row.id)
        if batch is not None:
            raise Conflict(_("File {number} is in destruction batch {batch}; that batch must "
                             "be rejected first.").format(number=row.file_no, batch=batch))
        conn.execute(paper_file.update().where(paper_file.c.id == row.id).values(
            retain_until=new.isoformat(), retain_override_reason=why,
            updated_at=clock.stamp()))
        audit.append(conn, db, actor=session.username, action="file.retention_changed",
                     customer_ref=row.customer_no,
                     detail={"file_no": row.file_no, "before": row.retain_until,
                             "after": new.isoformat(), "reason": why[:200]})


__all__ = ["files_of_customer", "find_files", "get_file", "move_file", "override_retention",
           "register_batch", "register_file"]
