"""Archive fixtures: a fixed clock, a session per role, customers and paper files."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from app import clock
from app.archive import registry
from app.customers.editing import NewCustomer, create_customer
from app.security.roles import Role
from app.store import sealing
from app.synthetic import person

# A Monday, at noon UTC: the same calendar day in every time zone from UTC-11 to UTC+11.
START = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
TODAY = START.date()


class Clock:
    """The time app.clock reports; tests move it with set()."""

    def __init__(self) -> None:
        self.now = START

    def set(self, day: date | str) -> None:
        day = date.fromisoformat(day) if isinstance(day, str) else day
        self.now = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)

    @property
    def today(self) -> date:
        return self.now.date()


@pytest.fixture
def fixed_clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(clock, "now_utc", lambda: c.now)
    return c


@pytest.fixture
def counter(login):
    return login(Role.COUNTER)


@pytest.fixture
def archive(login, fixed_clock):
    return login(Role.ARCHIVE)


@pytest.fixture
def manager(login):
    return login(Role.MANAGER)


@pytest.fixture
def make_customer(counter):
    """make_customer(n) -> customer number of a synthetic person (seeded by n)."""

    def _make(n: int = 1) -> str:
        p = person(random.Random(n))
        number = create_customer(counter, NewCustomer(
            name=p.name, id_type="resident_id", id_number=p.id_number, phone=p.mobile,
            original_checked=True, consents={"contract": True}))
        if counter.db.fields.active:
            # Sealed and tokenised as the sealing pass leaves it (a no-op for a row that
            # create_customer sealed itself).
            sealing.seal_all(counter.db, counter.db.fields)
        return number

    return _make


@pytest.fixture
def customer_no(make_customer) -> str:
    return make_customer(1)


@pytest.fixture
def paper(archive, customer_no):
    """paper(kind=..., **fields) -> file number of a newly registered file."""

    def _register(kind: str = "service_agreement", **fields) -> str:
        fields.setdefault("customer_no", customer_no)
        fields.setdefault("box", "B-01")
        return registry.register_file(archive, kind, **fields)

    return _register


def _snapshot(session) -> dict[str, list]:
    """Everything an archive action may change, to compare before and after."""
    out = {}
    with session.db.read() as conn:
        for table in ("paper_file", "loan", "file_transfer", "destruction_batch",
                      "destruction_item", "notification", "audit_event"):
            out[table] = [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table}"))]
    return out


def _notifications(session, kind: str | None = None) -> list:
    with session.db.read() as conn:
        rows = conn.execute(text("SELECT audience, kind, subject, detail FROM notification "
                                 "ORDER BY id")).all()
    return [r for r in rows if kind is None or r.kind == kind]


def _audit_actions(session) -> list[str]:
    with session.db.read() as conn:
        return list(conn.execute(text("SELECT action FROM audit_event ORDER BY seq")).scalars())


@pytest.fixture
def snapshot():
    """snapshot(session) -> every archive table's rows (and the audit log)."""
    return _snapshot


@pytest.fixture
def notices():
    """notices(session, kind=None) -> notification rows, oldest first."""
    return _notifications


@pytest.fixture
def actions():
    """actions(session) -> audit event actions, oldest first."""
    return _audit_actions
