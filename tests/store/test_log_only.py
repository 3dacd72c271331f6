"""Transactions that only read and register the reading (searches, opens, logins) stand in
the writers' line on the server only for their audit event (store/server.py): a save that
holds the lock still stops them there, nothing half-written; many at once keep the chain
one line; and they never take a number."""

from __future__ import annotations

import threading

import pytest

from app import accounts, audit
from app.customers.search import find_customers
from app.customers.tables import customer
from app.errors import DatabaseBusy
from app.security.roles import Role
from app.store import server
from app.store.numbers import next_id
from tests.conftest import PASSWORDS
from tests.store.test_server import _customer, _staff_conn


@pytest.fixture
def where(server_db):
    return server_db  # a fresh clone of this module's server template (tests/conftest.py)


def _events(session) -> int:
    with session.db.read() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM audit_event").scalar_one()


def test_a_search_waits_for_a_held_save_only_at_its_event(where, monkeypatch):
    monkeypatch.setattr(server, "LOCK_WAIT_S", 1)
    session = accounts.login(where, Role.COUNTER.value, PASSWORDS[Role.COUNTER])
    try:
        number = _customer(session)
        before = _events(session)
        with _staff_conn(where, Role.ARCHIVE) as holder:
            holder.execute("SELECT pg_advisory_lock(%s)", (server.WRITE_LOCK,))
            with pytest.raises(DatabaseBusy, match="has not finished"):
                find_customers(session, number)
            assert _events(session) == before  # refused whole: no event, nothing shown
        found = find_customers(session, number)  # once the save is done: found, on record
        assert len(found.ids) == 1 and _events(session) == before + 1
    finally:
        accounts.logout(session)


def test_many_log_only_writers_keep_one_chain(where):
    sessions = [accounts.login(where, role.value, PASSWORDS[role])
                for role in (Role.COUNTER, Role.MANAGER, Role.ARCHIVE)]
    failures: list[BaseException] = []

    def work(session) -> None:
        try:
            for i in range(15):
                audit.record(session.db, actor=session.username, action="customer.searched",
                             detail={"n": i})
        except BaseException as error:  # reported below
            failures.append(error)

    try:
        threads = [threading.Thread(target=work, args=(s,)) for s in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not failures
        with sessions[0].db.read() as conn:
            seqs = [r[0] for r in conn.exec_driver_sql("SELECT seq FROM audit_event "
                                                       "ORDER BY seq")]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
        assert audit.verify(sessions[1].db).intact
    finally:
        for s in sessions:
            accounts.logout(s)


def test_a_log_only_transaction_hands_out_no_number(where):
    session = accounts.login(where, Role.COUNTER.value, PASSWORDS[Role.COUNTER])
    try:
        with session.db.write(log_only=True) as conn, pytest.raises(RuntimeError):
            next_id(conn, customer.c.id)
    finally:
        accounts.logout(session)
