"""Time, in one place: stored in UTC as ISO text, shown in local time; patchable in tests."""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime | None = None) -> str:
    """ISO-8601 UTC text that sorts in time order (what goes into the database)."""
    moment = moment or now_utc()
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def local_text(text: str | None) -> str:
    """A stored stamp as the person's local time, to the minute."""
    if not text:
        return ""
    return parse_stamp(text).astimezone().strftime("%Y-%m-%d %H:%M")


def local_midnight(day: str) -> datetime:
    """The start of a local calendar day (YYYY-MM-DD), as an aware datetime."""
    return datetime.strptime(day, "%Y-%m-%d").astimezone()
