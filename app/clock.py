"""Time, in one place: stored in UTC as ISO text, shown in local time; patchable in tests."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

_NONE = timedelta(0)
_shift = threading.local()  # per thread: the demo is generated on a worker thread


_server = {"ahead": _NONE}  # the branch server's clock minus this PC's (store/server.py)


def now_utc() -> datetime:
    return datetime.now(UTC) + _server["ahead"] - getattr(_shift, "behind", _NONE)


def follow_server(server_now: datetime) -> None:
    """Every stamp from now on follows the branch server's clock, read at the start of
    each write transaction: PCs whose clocks are wrong cannot reorder what they store."""
    _server["ahead"] = server_now.astimezone(UTC) - datetime.now(UTC)


def follow_own_clock() -> None:
    _server["ahead"] = _NONE


@contextlib.contextmanager
def set_back(by: timedelta) -> Iterator[None]:
    """Run (this thread) as if it were `by` earlier: the demo's branch opened months ago,
    and the log it is given must not run backwards. Never used outside demo generation."""
    before = getattr(_shift, "behind", _NONE)
    _shift.behind = by
    try:
        yield
    finally:
        _shift.behind = before


def stamp(moment: datetime | None = None) -> str:
    """ISO-8601 UTC text that sorts in time order (what goes into the database)."""
    moment = moment or now_utc()
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_stamp(text: str) -> datetime:
    """A stored stamp back to an aware UTC datetime (fromisoformat: C speed, and reports
    parse one per case)."""
    return datetime.fromisoformat(text).astimezone(UTC)


def local_text(text: str | None) -> str:
    """A stored stamp as the person's local time, to the minute."""
    if not text:
        return ""
    return parse_stamp(text).astimezone().strftime("%Y-%m-%d %H:%M")


def local_midnight(day: str) -> datetime:
    """The start of a local calendar day (YYYY-MM-DD), as an aware datetime."""
    return datetime.strptime(day, "%Y-%m-%d").astimezone()
