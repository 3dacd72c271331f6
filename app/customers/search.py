"""Finding customers from one box: number, phone (whole or its last 4 digits), ID (full or
last 4-6), service number, Chinese name, full pinyin or pinyin initials.

Phone and service numbers match whole numbers only, never a prefix: a prefix reading would
let anyone read a masked number back one digit at a time (the mask shows the first three
and last four of a mobile, and a mobile's service number is the phone number). The one
exception is the last four digits ("the last four digits of your number?" at the counter):
the mask shows them already, so that reading tells nothing new.

Every path is an index range scan (no LIKE '%…%', no full-text scan), so the answer comes
in milliseconds at a million customers. A search returns ids; the rows for the visible part
of a list are fetched by `summaries`, already masked for the viewer.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import and_, func, literal_column, select, union

from app import audit
from app.customers import guesses, lookup, phones
from app.customers.idnumbers import normalise
from app.customers.masking import mask_id, mask_phone, mask_query, names_only
from app.customers.model import CustomerSummary
from app.customers.pinyin import pinyin_of
from app.customers.tables import customer, service
from app.customers.tokens import INITIALS_PREFIX_MAX, NAME_PREFIX_MAX, PINYIN_PREFIX_MAX
from app.security.guard import requires
from app.security.roles import Permission
from app.security.session import Session
from app.store import dialect
from app.store.fields import open_row

LIMIT = 500
_TOP = "\U0010ffff"  # sorts after every character: the upper end of a prefix range
_CJK = re.compile(r"[\u3400-\u9fff]")
_LETTERS = re.compile(r"[a-z]+")
_DIGITS_X = re.compile(r"[0-9]+X?")
PHONE_TAIL = 4  # digits of a phone's end the mask shows, and a tail search may ask for
# Service kinds whose number is a phone number (a broadband account number is not).
_PHONE_SERVICES = ("mobile", "fixed_line")


@dataclass(frozen=True)
class SearchResult:
    ids: array  # customer ids in display order
    more: bool  # there were more than the limit
    kinds: tuple[str, ...]  # what the query was read as (phone, id_tail, pinyin, ...)


def classify(query: str, names_only_view: bool = False) -> list[tuple[str, str]]:
    """How a query may be meant, most specific first."""
    q = normalise(query)
    if not q:
        return []
    if _CJK.search(q):
        return [("name", q)]
    lowered = q.lower()
    if _LETTERS.fullmatch(lowered):
        return [("initials", lowered), ("pinyin", lowered)]
    if q[0] == "C" and q[1:].isdigit() and len(q) > 1:
        return [("customer_no", q)]
    if names_only_view:
        return []
    readings: list[tuple[str, str]] = []
    if _DIGITS_X.fullmatch(q):
        if len(q) in (15, 18):
            readings.append(("id_number", q))
        if 4 <= len(q) <= 6:
            readings.append(("id_tail", q))
        if len(q) == PHONE_TAIL and q.isdigit():
            readings.append(("phone_tail", q))
        if q.isdigit():
            try:
                readings.append(("phone", phones.normalise_phone(q)))
            except phones.InvalidPhone:
                pass
            if len(q) >= 5:
                readings.append(("service_no", q))  # the whole number, exactly
    elif q.startswith("+") or "-" in q:
        try:
            readings.append(("phone", phones.normalise_phone(q)))
        except phones.InvalidPhone:
            pass
    # A phone typed any way is also a service number as stored ("010-62345678").
    for kind, value in list(readings):
        if kind == "phone" and ("service_no", value) not in readings:
            readings.append(("service_no", value))
    return readings


def _prefix(column, value: str):
    return and_(column >= value, column < value + _TOP)


def _tail(column):
    """The last digits of a number column, spelled exactly as migration 11's index
    expressions (a bound -4 would not match them, and the search would scan the table);
    `tail` says it as each store spells it."""
    return dialect.tail(column, literal_column(str(PHONE_TAIL)))


def _condition(kind: str, value: str):
    c = customer.c
    if kind == "name":
        return _prefix(c.name, value)
    if kind == "initials":
        return _prefix(c.name_initials, value)
    if kind == "pinyin":
        return _prefix(c.name_pinyin, value)
    if kind == "customer_no":
        return _prefix(c.customer_no, value)
    if kind == "id_number":
        return c.id_number == value
    if kind == "id_tail":
        return _prefix(c.id_rev, value[::-1])
    if kind == "phone":
        return c.phone == value
    if kind == "phone_tail":  # the customer's phone, or a phone-like service number
        return c.id.in_(union(
            select(c.id).where(_tail(c.phone) == value),
            select(service.c.customer_id).where(_tail(service.c.service_no) == value,
                                                service.c.kind.in_(_PHONE_SERVICES))))
    if kind == "service_no":
        return c.id.in_(select(service.c.customer_id).where(service.c.service_no == value))
    raise ValueError(kind)


@requires(Permission.CUSTOMER_FIND)
def find_customers(session: Session, query: str, limit: int = LIMIT) -> SearchResult:
    readings = classify(query, names_only(session))
    kinds = tuple(k for k, _v in readings)
    full_number = guesses.is_full_number(readings)
    narrowing = guesses.is_narrowing(readings)  # counted matched or not
    ids: list[int] = []
    seen: set[int] = set()
    more = False
    wait = 0.0
    # The lookup and its audit event: one transaction on the server (audit.registered_read).
    with audit.registered_read(session.db) as (conn, log):
        if full_number or narrowing:
            wait = guesses.wait_left(conn, session.username)
        sealed = session.db.fields.active
        for kind, value in ([] if wait else readings):
            if sealed:
                rows = _sealed_matches(conn, session.db.fields, kind, value, limit)
            else:
                order = customer.c.name if kind == "name" else (
                    customer.c.name_initials if kind == "initials" else customer.c.id)
                rows = conn.execute(select(customer.c.id).where(_condition(kind, value))
                                    .order_by(order).limit(limit + 1)).scalars()
            for cid in rows:
                if cid not in seen:
                    if len(ids) == limit:
                        more = True
                        break
                    seen.add(cid)
                    ids.append(cid)
        guesses.refuse(session, wait)  # refused before anything was looked up
        missed = full_number and not ids
        action = guesses.MISSED if missed else (guesses.NARROWED if narrowing
                                                else "customer.searched")
        log(actor=session.username, action=action,
            detail={"query": mask_query(normalise(query)), "as": list(kinds),
                    "results": len(ids), "full_number": full_number,
                    "narrowing": narrowing, "matched": bool(ids),
                    **guesses.narrowing_marks(session.db, readings)})
    if missed or narrowing:
        guesses.slow_down_after_miss(session)
    return SearchResult(array("q", ids), more, kinds)


# Candidates read per search: a token matches exactly up to the stored prefix length, so
# only a longer name or pinyin query can bring candidates that are then dropped.
_SPARE = 4


# Readings whose token is of the whole value looked up (not a prefix cut to a stored length).
_WHOLE_VALUE = frozenset({"id_number", "id_tail", "phone", "phone_tail", "service_no"})


def _sealed_matches(conn, keys, kind: str, value: str, limit: int) -> list[int]:
    """One reading in a sealing database: tokens find the candidates; name readings are
    opened, checked (a query longer than the stored prefixes) and sorted in pinyin order,
    number readings kept in id order. At most limit + 1."""
    if kind == "customer_no":  # never sealed: the plaintext index, as before
        return list(conn.execute(select(customer.c.id).where(_condition(kind, value))
                                 .order_by(customer.c.id).limit(limit + 1)).scalars())
    longest = {"name": NAME_PREFIX_MAX, "pinyin": PINYIN_PREFIX_MAX,
               "initials": INITIALS_PREFIX_MAX}.get(kind)
    cap = limit * _SPARE + 1 if longest and len(value) > longest else limit + 1
    found = lookup.token_candidates(conn, keys, kind, value, cap)
    if not found:
        return []
    if kind in _WHOLE_VALUE:
        # A number reading's token stands for exactly the value looked up (a 64-bit keyed
        # hash: a wrong match once in ~10^13 lookups), and these readings are shown in id
        # order: nothing to open here; the visible page is opened by `summaries`.
        return found[:limit + 1]
    rows = lookup.opened_customers(conn, keys, found, "name")
    keep: list[tuple] = []
    for cid, row in rows.items():  # a name reading: opened, checked, sorted in pinyin order
        name = row["name"] or ""
        full, initials = pinyin_of(name)
        ok = name.startswith(value) if kind == "name" else (
            full.startswith(value) if kind == "pinyin" else initials.startswith(value))
        if ok:
            keep.append((full, name, cid))
    keep.sort()
    return [k[-1] for k in keep[:limit + 1]]


@requires(Permission.CUSTOMER_FIND)
def all_customer_ids(session: Session) -> array:
    """Every customer id in customer-number order, for the browsable list (8 bytes a row)."""
    with session.db.read() as conn:
        ids = array("q", conn.execute(select(customer.c.id).order_by(customer.c.customer_no))
                    .scalars())
    audit.record(session.db, actor=session.username, action="customer.listed",
                 detail={"rows": len(ids)})
    return ids


@requires(Permission.CUSTOMER_FIND)
def first_customer_ids(session: Session, count: int) -> array:
    """The first `count` ids of `all_customer_ids`: the list's first screen, drawn at once
    while the whole list loads (at a million customers that takes most of a second).
    Not an audit event of its own: it is always followed by the full listing, which is."""
    with session.db.read() as conn:
        return array("q", conn.execute(select(customer.c.id).order_by(customer.c.customer_no)
                                       .limit(count)).scalars())


def _opened(keys, row, bare: bool) -> dict:
    """A summary row opened for the viewer: a names-only viewer holds no identity key, and
    its summary shows no ID or phone, so those stay closed."""
    if bare:
        return {**row._mapping, "name": keys.open("customer", "name", row.id, row.name)}
    return open_row(keys, "customer", row)


@requires(Permission.CUSTOMER_FIND)
def summaries(session: Session, ids: Sequence[int]) -> list[CustomerSummary]:
    """The masked rows for these ids, in the same order (a page of a list)."""
    if not len(ids):
        return []
    c = customer.c
    with session.db.read() as conn:
        rows = conn.execute(select(c.id, c.customer_no, c.name, c.id_type, c.id_number, c.phone,
                                   c.status, c.restricted_at)
                            .where(c.id.in_(list(ids)))).all()
    bare = names_only(session)
    keys = session.db.fields
    by_id = {r.id: SimpleNamespace(**_opened(keys, r, bare)) for r in rows}
    out = []
    for cid in ids:
        r = by_id.get(cid)
        if r is None:
            continue
        out.append(CustomerSummary(
            customer_no=r.customer_no, name=r.name,
            id_masked="" if bare else mask_id(r.id_number, r.id_type),
            phone_masked="" if bare else mask_phone(r.phone),
            status=r.status, restricted=r.restricted_at is not None))
    return out


@requires(Permission.CUSTOMER_FIND)
def customer_count(session: Session) -> int:
    with session.db.read() as conn:
        return conn.execute(select(func.count()).select_from(customer)).scalar_one()
