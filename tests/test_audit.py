"""The audit chain: append-only by trigger, tampering found at the right sequence number."""

from __future__ import annotations

import pytest
import sqlalchemy.exc
from sqlalchemy import text

from app import accounts, audit
from app.errors import StoreError
from app.security.roles import Role
from app.store import dialect


@pytest.fixture
def chain(login):
    session = login(Role.ADMIN)
    for i in range(10):
        audit.record(session.db, actor=session.username, action="session.locked",
                     detail={"reason": f"r{i}"})
    return session


def _raw(session, *statements):
    """Tamper as an attacker holding the key would: triggers dropped, rows edited."""
    with session.db.write() as conn:
        dialect.raw(conn, "DROP TRIGGER audit_event_no_update")
        dialect.raw(conn, "DROP TRIGGER audit_event_no_delete")
        for statement in statements:
            dialect.raw(conn, statement)


def test_intact_chain(chain):
    report = audit.verify(chain.db)
    assert report.intact and report.count >= 11 and len(report.head) == 64


def test_update_and_delete_refused_by_triggers(chain):
    for statement in ("UPDATE audit_event SET actor = 'x' WHERE seq = 3",
                      "DELETE FROM audit_event WHERE seq = 3"):
        # The file's trigger; on the server the login has no right to (said as one sentence).
        with pytest.raises((sqlalchemy.exc.DatabaseError, StoreError),
                           match="append-only|may not make it"):
            with chain.db.write() as conn:
                dialect.raw(conn, statement)


@pytest.mark.file_only  # rows rewritten by the file's owner
def test_changed_event_found_at_its_seq(chain):
    _raw(chain, "UPDATE audit_event SET detail = '{\"reason\":\"rX\"}' WHERE seq = 7")
    report = audit.verify(chain.db)
    assert not report.intact and report.first_broken == 7 and report.count == 6


@pytest.mark.file_only  # rows rewritten by the file's owner
def test_deleted_event_found_at_its_seq(chain):
    _raw(chain, "DELETE FROM audit_event WHERE seq = 5")
    report = audit.verify(chain.db)
    assert not report.intact and report.first_broken == 5


@pytest.mark.file_only  # rows rewritten by the file's owner
def test_reordered_events_found(chain):
    _raw(chain,
         "UPDATE audit_event SET seq = -1 WHERE seq = 4",
         "UPDATE audit_event SET seq = 4 WHERE seq = 5",
         "UPDATE audit_event SET seq = 5 WHERE seq = -1")
    report = audit.verify(chain.db)
    assert not report.intact and report.first_broken == 4


@pytest.mark.file_only  # rows rewritten by the file's owner
def test_events_cut_from_the_end_are_found(chain):
    with chain.db.read() as conn:
        last = conn.execute(text("SELECT max(seq) FROM audit_event")).scalar()
    _raw(chain, f"DELETE FROM audit_event WHERE seq = {last}")
    report = audit.verify(chain.db)
    assert not report.intact and report.first_broken == last and report.reason == "missing"


def test_progress_can_cancel(chain):
    report = audit.verify(chain.db, progress=lambda done, total: False, batch=2)
    assert not report.intact and report.reason == "cancelled"


def test_logins_logouts_and_user_changes_are_events(db_path, login):
    admin = login(Role.ADMIN)
    accounts.add_user(admin, "zoe", [Role.COUNTER], "zoe-password-1")
    accounts.set_roles(admin, "zoe", [Role.COUNTER, Role.MANAGER])
    accounts.reset_password(admin, "zoe", "zoe-password-2")
    accounts.disable_user(admin, "zoe")
    with admin.db.read() as conn:
        actions = conn.execute(text("SELECT action FROM audit_event ORDER BY seq")).scalars().all()
    for expected in ("database.created", "user.created", "login", "logout", "user.roles_changed",
                     "user.password_reset", "user.disabled"):
        assert expected in actions
