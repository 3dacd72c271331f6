"""Guessing a masked number by searching for it fails.

A masked ID leaves a few thousand candidates; searching them one by one for the one that
matches would unmask it. So a search for a whole ID or phone number that matches nobody is
a miss, and misses count: every search event records whether it was for a whole number and
whether it matched (a miss is logged as `customer.search_missed`), and the count is read back
from the audit log — so a loop of separate CLI processes is counted as surely as one window. After a few misses within the window
each further miss is answered slowly; at the limit (the manager's "number_guessing" alert
threshold, which raises the alert) whole-number searches are refused until the window has
passed since the last miss. A search that matches (the number on the card, at the counter)
is never slowed; a user who has not been missing is never refused.

The ID mask shows the region and the last four; the two digits before those four are the
day of birth. A search for the last five or six digits (an ID tail longer than the mask
shows) tells, by whether the customer is among its results, whether a guess of those hidden
digits is right — matched or not, it narrows the number down. Guessing the hidden digits
of one ID means many DIFFERENT such searches ending in the same four digits (a tail search
is a suffix match). So such a search is logged as `customer.search_narrowed` with two
keyed fingerprints (no digits): of the four digits it ends in, and of the whole query; once
the window holds three different queries ending alike, all of them count in the same
budget as misses, so enumerating a day of birth (up to 31 searches) is slowed and refused
at the limit, with the alert. A clerk's last-six search for each customer, the same search
repeated, or the pauses while typing a phone or ID number into the search box (the same
region prefix for a branch's customers) seldom make three different queries that end
alike, and are not counted. A last-four search (what the mask shows) is free.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import and_, select

from app import audit, clock
from app.customers.idnumbers import InvalidIdNumber, upgrade_legacy_id, validate_resident_id
from app.errors import CustosError
from app.i18n import _
from app.store import schema
from app.store.fields import IDENTITY

WINDOW = timedelta(minutes=15)
SLOW_AFTER = 3          # misses in the window answered at full speed
DELAY_STEP = 0.5        # seconds added per further miss
MAX_DELAY = 4.0
_sleep = time.sleep     # replaced in tests
MISSED = "customer.search_missed"  # the search event of a whole-number search that missed
NARROWED = "customer.search_narrowed"  # an ID-tail search longer than the mask shows
COUNTED = (MISSED, NARROWED)  # the searches a guesser needs, in one budget
SHOWN_TAIL = 4  # digits of an ID's end the mask shows
# Different narrowing queries ending alike before they count: two district codes of other
# provinces may end alike while a clerk types; a guesser's day of birth needs up to 31.
DISTINCT_GUESSES = 3


class TooManyMisses(CustosError):
    """Whole-number searches refused for a while; `retry_after` in seconds."""

    def __init__(self, sentence: str, retry_after: float) -> None:
        super().__init__(sentence)
        self.retry_after = retry_after


def is_full_number(readings) -> bool:
    """Is this search (its `classify` readings) for a whole, valid ID or phone number?

    Only a number that could be someone's counts: a guesser tries valid candidates, while
    a clerk's half-typed ID (its first 15 or 11 digits, searched as they pause) almost never
    passes the date and check-digit tests, so it is not held against them."""
    for kind, value in readings:
        if kind == "phone":
            return True
        if kind == "id_number":
            try:
                (upgrade_legacy_id if len(value) == 15 else validate_resident_id)(value)
            except InvalidIdNumber:
                continue
            return True
    return False


def narrowed_tail(readings) -> str | None:
    """For a search (its `classify` readings) for more of an ID's end than the mask shows:
    the last digits the mask shows, which every guess at the same ID ends in; else None."""
    for kind, value in readings:
        if kind == "id_tail" and len(value) > SHOWN_TAIL:
            return value[-SHOWN_TAIL:]
    return None


def narrowing_marks(db, readings) -> dict[str, str]:
    """The audit detail of a narrowing search: keyed fingerprints of the shown digits it
    ends in ("tail") and of the whole query ("guess"); {} for any other search. Keyed with
    the identity key when the database seals (the audit key lies in the file, where anyone
    who opens it could try every 6 digits against a mark), else with the audit key."""
    tail = narrowed_tail(readings)
    if tail is None:
        return {}
    query = next(v for k, v in readings if k == "id_tail")
    keys = db.fields

    def mark(label: str, value: str) -> str:
        if keys.active and keys.holds(IDENTITY):
            return f"{keys.token(IDENTITY, 'guess-' + label, value) & (1 << 64) - 1:016x}"
        return hmac.new(bytes(db.audit_key()), f"{label}:{value}".encode(),
                        hashlib.sha256).hexdigest()[:16]

    return {"tail": mark("tail", tail), "guess": mark("guess", query)}


def is_narrowing(readings) -> bool:
    """Is this search for more of an ID's end than the mask shows?"""
    return narrowed_tail(readings) is not None


def limit_of(conn) -> int:
    from app.oversight.alerts import thresholds

    return int(thresholds(conn)["number_guessing"]["limit"])


def misses(conn, actor: str, since: datetime) -> list[tuple[int, datetime]]:
    """(seq, time) of this user's counted searches (whole numbers that matched nobody, ID
    tails longer than the mask shows), oldest first."""
    ev = schema.audit_event
    # Misses have an action of their own, read through the (action, time) index: a busy
    # counter's hits are never read, so a search for the number on the card stays as fast.
    rows = conn.execute(select(ev.c.seq, ev.c.at, ev.c.action, ev.c.detail).where(and_(
        ev.c.action.in_(COUNTED), ev.c.at >= clock.stamp(since), ev.c.actor == actor))
        .order_by(ev.c.seq)).all()
    marks = [_marks_of(r.detail) if r.action == NARROWED else None for r in rows]
    guesses_by_tail: dict[str, set[str]] = defaultdict(set)
    for m in marks:
        if m is not None:
            guesses_by_tail[m[0]].add(m[1])
    # Narrowing searches count once the window holds enough different ones ending alike.
    return [(r.seq, clock.parse_stamp(r.at)) for r, m in zip(rows, marks, strict=True)
            if r.action == MISSED
            or (m is not None and len(guesses_by_tail[m[0]]) >= DISTINCT_GUESSES)]


def _marks_of(detail: str | None) -> tuple[str, str] | None:
    try:
        found = json.loads(detail or "{}")
        tail, guess = found.get("tail"), found.get("guess")
    except (ValueError, AttributeError):
        return None
    return (tail, guess) if isinstance(tail, str) and isinstance(guess, str) else None


def blocked_until(found: list[tuple[int, datetime]], limit: int) -> datetime | None:
    """The end of the refusal: a window after the last of `limit` misses within a window."""
    until = None
    for i in range(len(found) - limit + 1):
        first, last = found[i][1], found[i + limit - 1][1]
        if last - first <= WINDOW:
            until = last + WINDOW if until is None else max(until, last + WINDOW)
    return until


def wait_left(conn, actor: str, now: datetime | None = None) -> float:
    """Seconds this user's whole-number searches stay refused (0: not refused). Read in the
    search's own transaction: a search that is not refused costs one index range more."""
    now = now or clock.now_utc()
    found = misses(conn, actor, now - 2 * WINDOW)
    if not found:  # the usual case: nothing more to read
        return 0.0
    until = blocked_until(found, limit_of(conn))
    return 0.0 if until is None or now >= until else (until - now).total_seconds()


def refuse_if_guessing(session, now: datetime | None = None) -> None:
    """Before a whole-number search: refused (and on record) while the user is locked out."""
    with session.db.read() as conn:
        wait = wait_left(conn, session.username, now)
    refuse(session, wait)


def refuse(session, wait: float) -> None:
    """Refuse, on record, when `wait` (from `wait_left`) is not over."""
    if wait <= 0:
        return
    audit.record(session.db, actor=session.username, action="customer.search_refused",
                 outcome="refused", detail={"retry_after": int(wait) + 1})
    raise TooManyMisses(_("Too many searches that could guess a masked ID or phone number; "
                          "try again in {minutes} minutes.")
                        .format(minutes=int(wait // 60) + 1), retry_after=wait)


def slow_down_after_miss(session, now: datetime | None = None) -> float:
    """After a miss: wait longer the more misses the window holds; returns the delay."""
    now = now or clock.now_utc()
    with session.db.read() as conn:
        count = len(misses(conn, session.username, now - WINDOW))
    delay = min(MAX_DELAY, DELAY_STEP * (count - SLOW_AFTER)) if count > SLOW_AFTER else 0.0
    if delay:
        _sleep(delay)
    return delay


__all__ = ["COUNTED", "NARROWED", "TooManyMisses", "blocked_until", "is_full_number",
           "is_narrowing", "misses", "narrowed_tail", "narrowing_marks", "refuse",
           "refuse_if_guessing", "slow_down_after_miss", "wait_left"]
