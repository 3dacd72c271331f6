"""An insider with one account's password and the files cannot rewrite the audit log unseen.

The attacker's script below is what issue 13 describes: the counter clerk opens the key
ring with their own password, opens the database with SQLCipher, drops the triggers,
deletes (alters, reorders) their own older events, re-links the chain with the HMAC key
that lies in the database and re-signs with their own signing key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from app import accounts, audit
from app.demo import sign_confidentiality
from app.errors import LoginFailed
from app.integrity import verify_audit_log
from app.security.roles import Role
from app.store import schema
from app.store.database import _connect, keyring_path
from app.store.keyring import KeyRing

from .conftest import PASSWORDS

COLUMNS = ("seq", "at", "actor", "action", "outcome", "customer_ref", "purpose", "detail",
           "prev_hash", "hash", "signer", "signature")


def _relink(path: Path, user: str, password: str,
            edit: Callable[[list[dict]], list[dict]]) -> list[dict]:
    """The insider's script. Returns the log as written back."""
    opened = KeyRing.load(keyring_path(path)).open_account(user, password)
    conn = _connect(path, opened.db_key)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        key, mark = bytes.fromhex(meta["audit_key"]), int(meta["audit_signed_from"])
        rows = [dict(zip(COLUMNS, r, strict=True)) for r in conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM audit_event ORDER BY seq").fetchall()]
        rows = edit(rows)
        conn.execute("BEGIN")
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name = 'audit_event'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("DELETE FROM audit_event")
        prev = audit.GENESIS
        for seq, row in enumerate(rows, start=1):
            row["seq"], row["prev_hash"] = seq, prev
            fields = [row[c] for c in COLUMNS[:8]]
            if seq < mark:
                row["hash"] = audit.link(key, prev, audit._canonical(*fields))
            else:
                body = audit.canonical_signed(*fields, row["signer"])
                if row["signer"] == user:  # their own events: re-signed with their own key
                    row["signature"] = opened.signing.sign(audit.to_sign(prev, body)).hex()
                row["hash"] = audit.link_signed(key, prev, body, row["signature"] or "")
            prev = row["hash"]
            conn.execute(f"INSERT INTO audit_event ({', '.join(COLUMNS)}) VALUES "
                         f"({', '.join('?' * len(COLUMNS))})", [row[c] for c in COLUMNS])
        conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'",
                     (f"{len(rows)}:{prev}",))
        conn.execute("COMMIT")
    finally:
        conn.close()
    return rows


@pytest.fixture
def worked(db_path, login) -> Path:
    """A morning at the branch: the clerk's events among the manager's."""
    clerk, manager = login(Role.COUNTER), login(Role.MANAGER)
    for i in range(4):
        audit.record(clerk.db, actor=clerk.username, action="session.locked", detail={"reason": f"clerk-{i}"})
        audit.record(manager.db, actor=manager.username, action="session.locked", detail={"reason": f"manager-{i}"})
    accounts.logout(clerk)
    accounts.logout(manager)
    return db_path


def _verify(path: Path):
    session = accounts.login(path, "manager", PASSWORDS[Role.MANAGER])
    try:
        return audit.verify(session.db), verify_audit_log(session)
    finally:
        accounts.logout(session)


def _first_other_after(rows: list[dict], start: int, user: str) -> int:
    """The new sequence number of the first event at or after `start` not signed by `user`."""
    return next(r["seq"] for r in rows if r["seq"] >= start and r["signer"] != user)


def test_every_event_is_signed_by_the_acting_account(worked):
    session = accounts.login(worked, "admin", PASSWORDS[Role.ADMIN])
    try:
        with session.db.read() as conn:
            rows = conn.execute(select(schema.audit_event)).all()
        assert verify_audit_log(session).intact
    finally:
        accounts.logout(session)
    assert all(r.signer and len(r.signature) == 128 for r in rows)
    locks = [r for r in rows if r.action == "session.locked"]
    assert {r.signer for r in locks} == {"counter", "manager"}
    assert all(r.signer == r.actor for r in locks)


def _clerk_events(rows: list[dict]) -> list[int]:
    return [i for i, r in enumerate(rows)
            if r["actor"] == "counter" and r["action"] == "session.locked"]


def test_the_clerk_deleting_and_relinking_their_own_events_is_named(worked):
    deleted_at: list[int] = []

    def delete(rows):
        mine = _clerk_events(rows)
        deleted_at.append(mine[0] + 1)  # the first deleted one's position (1-based)
        return [r for i, r in enumerate(rows) if i not in mine[:2]]

    rows = _relink(worked, "counter", PASSWORDS[Role.COUNTER], delete)
    report, service = _verify(worked)
    expected = _first_other_after(rows, deleted_at[0], "counter")
    assert not report.intact
    assert (report.first_broken, report.reason) == (expected, "signature")
    assert (service.first_broken, service.reason) == (expected, "signature")


def test_the_clerk_altering_their_own_event_is_named(worked):
    where: list[int] = []

    def alter(rows):
        first = _clerk_events(rows)[0]
        rows[first]["detail"] = json.dumps({"reason": "nothing to see"})
        where.append(first + 1)
        return rows

    rows = _relink(worked, "counter", PASSWORDS[Role.COUNTER], alter)
    report, _service = _verify(worked)
    assert (report.first_broken, report.reason) == (
        _first_other_after(rows, where[0], "counter"), "signature")


def test_the_clerk_reordering_their_own_events_is_named(worked):
    where: list[int] = []

    def reorder(rows):
        a, b = _clerk_events(rows)[:2]
        rows[a], rows[b] = rows[b], rows[a]
        where.append(a + 1)
        return rows

    rows = _relink(worked, "counter", PASSWORDS[Role.COUNTER], reorder)
    report, _service = _verify(worked)
    assert not report.intact
    assert report.first_broken == _first_other_after(rows, where[0], "counter")


def test_the_clerk_cannot_sign_as_someone_else(worked):
    def forge(rows):
        extra = dict(rows[-1], actor="manager", action="audit.reviewed", signer="counter",
                     detail="{}")
        return [*rows, extra]

    _relink(worked, "counter", PASSWORDS[Role.COUNTER], forge)
    report, _service = _verify(worked)
    assert report.reason == "signer"


def test_the_clerk_cannot_register_a_key_for_someone_else(worked):
    def register(rows):
        fake = audit.public_hex(Ed25519PrivateKey.generate())
        extra = dict(rows[-1], actor="counter", action=audit.REGISTERED, signer="counter",
                     detail=json.dumps({"admin": False, "key": fake, "user": "manager"},
                                       sort_keys=True, separators=(",", ":")))
        return [*rows[:-1], extra]

    _relink(worked, "counter", PASSWORDS[Role.COUNTER], register)
    report, _service = _verify(worked)
    assert report.reason == "unauthorised"


def test_unchanged_relinking_by_the_clerk_still_verifies(worked):
    """The script itself is faithful: re-linking without a change leaves the log intact,
    so the failures above come from the change, not from the script."""
    _relink(worked, "counter", PASSWORDS[Role.COUNTER], lambda rows: rows)
    report, service = _verify(worked)
    assert report.intact and service.intact


def test_account_changes_keep_the_log_verifiable(db_path, login):
    admin = login(Role.ADMIN)
    accounts.add_user(admin, "eve", [Role.COUNTER], "eve-password-123")
    accounts.reset_password(admin, "eve", "eve-password-456")
    accounts.set_roles(admin, "eve", [Role.COUNTER, Role.ADMIN])
    accounts.set_roles(admin, "eve", [Role.COUNTER])
    eve = accounts.login(db_path, "eve", "eve-password-456")
    accounts.change_own_password(eve, "eve-password-456", "eve-password-789")
    audit.record(eve.db, actor=eve.username, action="session.locked")  # still signed with the key the account had
    accounts.logout(eve)
    accounts.disable_user(admin, "eve")
    sign_confidentiality(admin, "eve")
    accounts.enable_user(admin, "eve", "eve-password-000")
    assert verify_audit_log(admin).intact


def _as_before_signing(path: Path) -> None:
    """Turn a database and its ring back into what Custos wrote before migration 10: a
    chain-only log, no signing keys in the slots, no anchors."""
    from dataclasses import replace

    ring = KeyRing.load(keyring_path(path))
    conn = _connect(path, ring.unlock("admin", PASSWORDS[Role.ADMIN]))
    try:
        key = bytes.fromhex(conn.execute(
            "SELECT value FROM meta WHERE key = 'audit_key'").fetchone()[0])
        rows = conn.execute(f"SELECT {', '.join(COLUMNS[:8])} FROM audit_event "
                            "ORDER BY seq").fetchall()
        conn.execute("BEGIN")
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name = 'audit_event'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("DELETE FROM audit_event")
        conn.execute("ALTER TABLE audit_event DROP COLUMN signer")
        conn.execute("ALTER TABLE audit_event DROP COLUMN signature")
        prev = audit.GENESIS
        kept = [r for r in rows if r[3] not in (audit.REGISTERED, audit.REVOKED)]
        for seq, row in enumerate(kept, start=1):
            fields = [seq, *row[1:]]
            digest = audit.link(key, prev, audit._canonical(*fields))
            conn.execute("INSERT INTO audit_event VALUES (?,?,?,?,?,?,?,?,?,?)",
                         [*fields, prev, digest])
            prev = digest
        conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'",
                     (f"{len(kept)}:{prev}",))
        conn.execute("DELETE FROM meta WHERE key = 'audit_signed_from'")
        conn.execute("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
                     "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
        conn.execute("COMMIT")
        conn.execute("PRAGMA user_version = 9")
    finally:
        conn.close()
    bare = tuple(replace(s, verify=b"", s_ephemeral=b"", s_nonce=b"", s_sealed=b"")
                 for s in ring.slots)
    replace(ring, slots=bare, audit_head=None).save(keyring_path(path))


def test_a_database_from_before_signing_keeps_its_old_events_verifiable(db_path):
    _as_before_signing(db_path)
    for role in (Role.MANAGER, Role.COUNTER):  # each gets its key at its first login
        session = accounts.login(db_path, role.value, PASSWORDS[role])
        audit.record(session.db, actor=session.username, action="session.locked")
        accounts.logout(session)
    session = accounts.login(db_path, "manager", PASSWORDS[Role.MANAGER])
    try:
        report = verify_audit_log(session)
        assert report.intact, report
        with session.db.read() as conn:
            mark = audit.signed_from(conn)
            rows = conn.execute(select(schema.audit_event)).all()
    finally:
        accounts.logout(session)
    assert mark > 1
    assert all(r.signer is None for r in rows if r.seq < mark)  # chain-only, as written
    assert all(r.signer for r in rows if r.seq >= mark)
    registered = [json.loads(r.detail)["user"] for r in rows if r.action == audit.REGISTERED]
    assert registered == ["manager", "counter"]
    assert KeyRing.load(keyring_path(db_path)).verify_key("counter")

    # An event from before signing, deleted and the chain re-linked: still named (the
    # first signed event after it covers its link).
    def delete(rows):
        return rows[:2] + rows[3:]

    _relink(db_path, "counter", PASSWORDS[Role.COUNTER], delete)
    report, _service = _verify(db_path)
    assert not report.intact and report.first_broken is not None


def test_failed_logins_are_noted_and_signed_by_the_next_account(db_path):
    with pytest.raises(LoginFailed):
        accounts.login(db_path, "counter", "not-the-password")
    session = accounts.login(db_path, "manager", PASSWORDS[Role.MANAGER])
    try:
        with session.db.read() as conn:
            noted = conn.execute(select(schema.audit_event).where(
                schema.audit_event.c.action == "login.failed")).all()
        assert [(r.actor, r.signer) for r in noted] == [("counter", "manager")]
        assert verify_audit_log(session).intact
    finally:
        accounts.logout(session)


def test_recovery_signs_with_the_recovery_key_and_registers_the_new_one(tmp_path):
    from app.store.keyring import FLOOR, RECOVERY_SIGNER

    path = tmp_path / "r.custos"
    created = accounts.create_database(path, "boss", "boss-password-1", kdf=FLOOR)
    session = accounts.recover(path, created.recovery_code, "boss", "boss-password-2")
    try:
        from app.keys import replace_recovery_code

        replace_recovery_code(session)  # a new recovery slot: its key on record, signed
        audit.record(session.db, actor=session.username, action="session.locked")
        with session.db.read() as conn:
            rows = conn.execute(select(schema.audit_event)).all()
        used = next(r for r in rows if r.action == "recovery.used")
        assert used.signer == RECOVERY_SIGNER and used.actor == "boss"
        assert verify_audit_log(session).intact
    finally:
        accounts.logout(session)


def test_a_name_typed_in_other_case_signs_under_the_account_on_record(db_path):
    session = accounts.login(db_path, "Counter", PASSWORDS[Role.COUNTER])
    try:
        accounts.change_own_password(session, PASSWORDS[Role.COUNTER], "counter-password-2")
        audit.record(session.db, actor=session.username, action="session.locked")
        assert audit.signer_of(session.db).name == "counter"
    finally:
        accounts.logout(session)
    report, _service = _verify(db_path)
    assert report.intact, report


def test_an_administrator_resetting_their_own_password_keeps_signing(db_path, login):
    admin = login(Role.ADMIN)
    accounts.reset_password(admin, "admin", "admin-password-new-1")
    audit.record(admin.db, actor=admin.username, action="session.locked")
    assert verify_audit_log(admin).intact


# About the SQLCipher file, its ring file and what an owner of the file can do to it; the
# branch server has its own tests of the same (tests/store/test_server.py).
pytestmark = pytest.mark.file_only
