"""What each role's keys open when someone reads the files directly (issue 13, item 1), and
the sealing pass that moves an existing database over (item 6).

These tests do not go through the program: they open the key ring with one account's
password, open the SQLCipher file with the key it yields, and read the tables with SQL, as
an insider with a script would.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from app import accounts
from app.accounts import access
from app.demo import sign_confidentiality
from app.errors import Conflict, LoginFailed
from app.security.roles import Role
from app.store import sealing
from app.store.database import keyring_path
from app.store.fields import SEALED, AccessPending, FieldKeys, is_sealed
from app.store.keyring import KeyRing
from app.store.sealing import TABLE_ORDER

from ..conftest import ADMIN_PW, PASSWORDS, RECOVERY_CODES, make_database, make_old_database

IDENTITY_COLUMNS = ("id_number", "phone", "email", "street", "birth_date")


def _raw(path: Path, user: str, password: str):
    """What a script gets with one password and the files: a plain SQL connection and the
    customer-data keys that account's slot opens."""
    opened = KeyRing.load(keyring_path(path)).open_account(user, password)
    conn = sqlcipher.connect(str(path))
    conn.execute(f"PRAGMA key = \"x'{opened.db_key.hex()}'\"")
    return conn, FieldKeys(opened.domain_keys, active=True)


@pytest.fixture
def old_database(tmp_path, monkeypatch) -> Path:
    """A database written before role keys: customers in plain text, then sealed by the
    first login of an account that holds both keys."""
    return make_old_database(tmp_path / "old.custos", monkeypatch)


def _plain_values(path: Path) -> list[tuple]:
    """The plaintext as it was (read before sealing)."""
    conn = _raw(path, "counter", PASSWORDS[Role.COUNTER])[0]
    try:
        return conn.execute("SELECT id, name, id_number, phone FROM customer").fetchall()
    finally:
        conn.close()


def test_the_first_login_of_a_key_holder_seals_an_old_database(old_database):
    before = _plain_values(old_database)
    assert all(isinstance(r[1], str) for r in before)
    # Whoever logs in first after the upgrade makes the keys (the data was in clear until
    # then) and seals; the keys go to the accounts whose roles read them, not to an admin.
    done: list[tuple[int, int]] = []
    admin = accounts.login(old_database, "admin", ADMIN_PW,
                           progress=lambda d, t: done.append((d, t)))
    assert sealing.is_done(admin.db) and admin.db.fields.domains == frozenset()
    accounts.logout(admin)
    ring = KeyRing.load(keyring_path(old_database))
    assert ring.domains_of("admin") == frozenset()
    assert ring.domains_of("archive") == {"names"}
    assert ring.domains_of("counter") == ring.domains_of(None) == {"names", "identity"}
    assert done and done[-1][0] == done[-1][1]
    conn, keys = _raw(old_database, "counter", PASSWORDS[Role.COUNTER])
    try:
        for cid, name, number, phone in before:
            row = conn.execute("SELECT name, id_number, phone, id_rev, name_initials "
                               "FROM customer WHERE id = ?", (cid,)).fetchone()
            assert all(isinstance(v, bytes) for v in row[:3])
            assert row[3:] == ("", "")  # the plaintext search columns are emptied
            assert keys.open("customer", "name", cid, row[0]) == name
            assert keys.open("customer", "id_number", cid, row[1]) == number
            assert keys.open("customer", "phone", cid, row[2]) == phone
        tokens = conn.execute("SELECT count(*) FROM customer_token").fetchone()[0]
        assert tokens > 10 * len(before)
        indexes = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert not indexes & set(sealing.PLAINTEXT_INDEXES)
    finally:
        conn.close()
    _nothing_in_clear(old_database, before)


def _nothing_in_clear(path: Path, before: list[tuple]) -> None:
    """No table, index or log of the whole database holds a name, ID number or phone."""
    conn = _raw(path, "admin", ADMIN_PW)[0]
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master "
                                             "WHERE type = 'table'")]
        dump = "\n".join(repr(row) for t in tables
                         for row in conn.execute(f'SELECT * FROM "{t}"'))
    finally:
        conn.close()
    for _cid, name, number, phone in before:
        assert number not in dump and phone not in dump
        assert f"'{name}'" not in dump


def test_each_role_s_keys_open_only_what_the_role_may_see(old_database):
    before = _plain_values(old_database)
    accounts.logout(accounts.login(old_database, "manager", PASSWORDS[Role.MANAGER]))
    cid, name, number, phone = before[0]
    for user, password, names, identity in (
            ("admin", ADMIN_PW, False, False),
            ("archive", PASSWORDS[Role.ARCHIVE], True, False),
            ("counter", PASSWORDS[Role.COUNTER], True, True),
            ("manager", PASSWORDS[Role.MANAGER], True, True)):
        conn, keys = _raw(old_database, user, password)
        try:
            row = dict(zip(("name",) + IDENTITY_COLUMNS, conn.execute(
                f"SELECT name, {', '.join(IDENTITY_COLUMNS)} FROM customer WHERE id = ?",
                (cid,)).fetchone(), strict=True))
            case = conn.execute("SELECT id, details FROM service_case LIMIT 1").fetchone()
        finally:
            conn.close()
        if names:
            assert keys.open("customer", "name", cid, row["name"]) == name
        else:
            with pytest.raises(AccessPending):
                keys.open("customer", "name", cid, row["name"])
        for column in IDENTITY_COLUMNS:
            if row[column] is None:
                continue
            assert isinstance(row[column], bytes), (user, column)
            if identity:
                keys.open("customer", column, cid, row[column])
            else:
                with pytest.raises(AccessPending):
                    keys.open("customer", column, cid, row[column])
        if case is not None:
            assert isinstance(case[1], bytes)
            if not identity:
                with pytest.raises(AccessPending):
                    keys.open("service_case", "details", case[0], case[1])
        assert keys.domains == (frozenset({"names", "identity"}) if identity
                                else frozenset({"names"}) if names else frozenset())


def test_a_value_moved_to_another_row_or_column_does_not_open(old_database):
    accounts.logout(accounts.login(old_database, "counter", PASSWORDS[Role.COUNTER]))
    conn, keys = _raw(old_database, "counter", PASSWORDS[Role.COUNTER])
    try:
        (a, phone_a), (b, _phone_b) = conn.execute(
            "SELECT id, phone FROM customer ORDER BY id LIMIT 2").fetchall()
    finally:
        conn.close()
    keys.open("customer", "phone", a, phone_a)
    from app.errors import Damaged

    with pytest.raises(Damaged):
        keys.open("customer", "phone", b, phone_a)
    with pytest.raises(Damaged):
        keys.open("customer", "email", a, phone_a)


def test_a_new_account_waits_for_a_manager_and_a_reset_puts_it_back(db_path, monkeypatch):
    monkeypatch.setattr(sealing, "ENABLED", True)
    path = make_database(db_path.parent / "new.custos")
    admin = accounts.login(path, "admin", ADMIN_PW)
    accounts.add_user(admin, "clerk2", ["counter"], "clerk2-password-long")
    sign_confidentiality(admin, "clerk2")
    assert [p.username for p in access.pending_for_admin(admin)] == ["clerk2"]
    ring = KeyRing.load(keyring_path(path))
    assert ring.domains_of("clerk2") == frozenset()
    manager = accounts.login(path, "manager", PASSWORDS[Role.MANAGER])
    # Not while the password is the one the administrator chose: they could use it.
    with pytest.raises(Conflict, match="own password"):
        access.approve_access(manager, "clerk2")
    clerk = accounts.login(path, "clerk2", "clerk2-password-long")
    accounts.change_own_password(clerk, "clerk2-password-long", "clerk2-own-password-long")
    assert access.approve_access(manager, "clerk2") == frozenset({"names", "identity"})
    assert KeyRing.load(keyring_path(path)).domains_of("clerk2") == {"names", "identity"}
    # An administrator's reset gives a slot without keys: it waits again.
    accounts.reset_password(admin, "clerk2", "clerk2-new-password-long")
    assert KeyRing.load(keyring_path(path)).domains_of("clerk2") == frozenset()
    # The administrator cannot approve without the recovery code.
    with pytest.raises(LoginFailed):
        access.approve_with_recovery(admin, "clerk2", "WRONG-CODE")
    clerk = accounts.login(path, "clerk2", "clerk2-new-password-long")
    accounts.change_own_password(clerk, "clerk2-new-password-long", "clerk2-third-password")
    access.approve_with_recovery(admin, "clerk2", RECOVERY_CODES[str(path)])
    assert KeyRing.load(keyring_path(path)).domains_of("clerk2") == {"names", "identity"}
    # Disabling destroys the slot, keys and all.
    accounts.disable_user(admin, "clerk2")
    assert KeyRing.load(keyring_path(path)).domains_of("clerk2") == frozenset()
    accounts.logout(manager)
    accounts.logout(admin)


def test_a_pending_account_is_told_so_and_reads_nothing(db_path, monkeypatch):
    monkeypatch.setattr(sealing, "ENABLED", True)
    path = make_database(db_path.parent / "new.custos")
    admin = accounts.login(path, "admin", ADMIN_PW)
    accounts.add_user(admin, "clerk3", ["counter"], "clerk3-password-long")
    accounts.logout(admin)
    clerk = accounts.login(path, "clerk3", "clerk3-password-long")
    accounts.change_own_password(clerk, "clerk3-password-long", "clerk3-own-password-long")
    from app.customers.search import find_customers

    with pytest.raises(AccessPending, match="manager"):
        find_customers(clerk, "13800000000")
    accounts.logout(clerk)


def test_rotating_the_data_keys_reseals_everything_and_drops_old_generations(old_database):
    from app import keys as key_admin

    before = _plain_values(old_database)
    accounts.logout(accounts.login(old_database, "counter", PASSWORDS[Role.COUNTER]))
    old_ring = KeyRing.load(keyring_path(old_database))
    admin = accounts.login(old_database, "admin", ADMIN_PW)
    code = RECOVERY_CODES[str(old_database)]
    target = key_admin.rotate_data_keys(admin, code)
    accounts.logout(admin)
    assert target == {"names": 2, "identity": 2}
    conn, keys = _raw(old_database, "counter", PASSWORDS[Role.COUNTER])
    try:
        for cid, name, _number, _phone in before:
            blob = conn.execute("SELECT name FROM customer WHERE id = ?", (cid,)).fetchone()[0]
            assert keys.generation_of(blob) == 2
            assert keys.open("customer", "name", cid, blob) == name
        for table, columns in ((t, SEALED[t]) for t in TABLE_ORDER):
            for column in columns:
                gens = {r[0] for r in conn.execute(
                    f"SELECT DISTINCT substr({column}, 2, 2) FROM {table} "
                    f"WHERE typeof({column}) = 'blob'")}
                assert gens <= {b"\x00\x02"}, (table, column)
    finally:
        conn.close()
    assert keys.current("names") == 2 and keys.generations("names") == [1, 2]
    # A copy of the old ring opens the old generation only: nothing sealed now.
    stale = FieldKeys(old_ring.open_account("counter", PASSWORDS[Role.COUNTER]).domain_keys,
                      active=True)
    conn = _raw(old_database, "counter", PASSWORDS[Role.COUNTER])[0]
    try:
        cid, blob = conn.execute("SELECT id, name FROM customer LIMIT 1").fetchone()
    finally:
        conn.close()
    with pytest.raises(AccessPending):
        stale.open("customer", "name", cid, blob)


def test_a_damaged_grant_in_the_ring_only_costs_that_key(db_path, monkeypatch):
    ring = KeyRing.load(keyring_path(db_path))
    slot = ring.slot_for("counter")
    assert slot.grants
    from dataclasses import replace

    bad = tuple((d, g, e, n, bytes(len(c))) for d, g, e, n, c in slot.grants)
    ring = replace(ring, slots=tuple(replace(s, grants=bad) if s is slot else s
                                     for s in ring.slots))
    opened = KeyRing.load_bytes(ring.to_bytes()).open_account("counter",
                                                              PASSWORDS[Role.COUNTER])
    assert opened.domain_keys == ()


def test_sqlite_reads_nothing_without_the_database_key(old_database):
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(str(old_database)).execute("SELECT * FROM customer").fetchall()


def test_cli_rotate_data_and_a_replaced_recovery_code(db_path, recovery_code, monkeypatch,
                                                      capsys):
    from app.cli import main

    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    monkeypatch.setenv("CUSTOS_PASSWORD", ADMIN_PW)
    monkeypatch.setenv("CUSTOS_RECOVERY_CODE", recovery_code)
    assert main(["keys", "rotate-data", "--db", str(db_path), "--user", "admin"]) == 0
    assert "names 2" in capsys.readouterr().err
    # `keys rotate` with the code at hand rotates both: the database key and the data keys.
    assert main(["keys", "rotate", "--db", str(db_path), "--user", "admin"]) == 0
    assert "names 3" in capsys.readouterr().err
    assert KeyRing.load(keyring_path(db_path)).domains_of("counter") == {"names", "identity"}
    # With the current code, the new one carries the keys...
    assert main(["keys", "recovery-code", "--db", str(db_path), "--user", "admin"]) == 0
    carried = capsys.readouterr().out.strip().splitlines()[-1]
    ring = KeyRing.load(keyring_path(db_path))
    assert {k.generation for k in ring.open_recovery(carried).domain_keys} == {1, 2, 3}
    # ...without it (lost), the new one holds none, and nobody can give it any.
    monkeypatch.delenv("CUSTOS_RECOVERY_CODE")
    assert main(["keys", "recovery-code", "--db", str(db_path), "--user", "admin"]) == 0
    bare = capsys.readouterr().out.strip().splitlines()[-1]
    ring = KeyRing.load(keyring_path(db_path))
    assert ring.open_recovery(bare).domain_keys == ()
    monkeypatch.setenv("CUSTOS_PASSWORD", PASSWORDS[Role.MANAGER])
    assert main(["access", "pending", "--db", str(db_path), "--user", "manager"]) == 0
    assert "(recovery)" not in capsys.readouterr().out


def test_a_key_planted_in_every_slot_is_refused(db_path):
    """Anyone who can write the ring can seal a key of their own to every slot; a clerk's
    session must never seal under it."""
    from app.store.fields import DomainKey

    planted = [DomainKey(d, g, bytes([7]) * 32) for d in ("names", "identity")
               for g in (2, 77)]
    ring = KeyRing.load(keyring_path(db_path))
    for user in ring.users():
        ring = ring.with_grants(user, planted)
    ring.save(keyring_path(db_path))
    counter = accounts.login(db_path, "counter", PASSWORDS[Role.COUNTER])
    try:
        assert counter.db.fields.current("names") == 1
        assert counter.db.fields.current("identity") == 1
        from app.store.schema import audit_event

        with counter.db.read() as conn:
            refused = conn.execute(audit_event.select().where(
                audit_event.c.action == "fields.key_refused")).all()
        assert refused and refused[-1].outcome == "refused"
    finally:
        accounts.logout(counter)
    # A first generation swapped for another key is refused too (its check value differs).
    ring = KeyRing.load(keyring_path(db_path))
    ring = ring.without_grants("counter").with_grants(
        "counter", [DomainKey(d, 1, bytes([9]) * 32) for d in ("names", "identity")])
    ring.save(keyring_path(db_path))
    counter = accounts.login(db_path, "counter", PASSWORDS[Role.COUNTER])
    try:
        assert counter.db.fields.domains == frozenset()
    finally:
        accounts.logout(counter)


def test_turning_the_sealed_flag_off_does_not_make_writes_plain(db_path):
    from app.customers.editing import NewCustomer, create_customer
    from app.store import schema

    admin = accounts.login(db_path, "admin", ADMIN_PW)
    with admin.db.write() as conn:
        conn.execute(schema.meta.update().where(schema.meta.c.key == sealing.ACTIVE)
                     .values(value="0"))
    accounts.logout(admin)
    counter = accounts.login(db_path, "counter", PASSWORDS[Role.COUNTER])
    try:
        assert counter.db.fields.active
        number = create_customer(counter, NewCustomer(
            name="李四", id_type="resident_id", id_number="11010519491231002X",
            phone="13912345678", original_checked=True, consents={"contract": True}))
        with counter.db.read() as conn:
            raw = conn.exec_driver_sql("SELECT name, phone FROM customer WHERE customer_no = ?",
                                       (number,)).one()
        assert all(isinstance(v, bytes) for v in raw)
    finally:
        accounts.logout(counter)


def test_an_administrator_is_never_granted_customer_data_keys(db_path):
    admin = accounts.login(db_path, "admin", ADMIN_PW)
    manager = accounts.login(db_path, "manager", PASSWORDS[Role.MANAGER])
    try:
        accounts.set_roles(admin, "admin", ["admin", "counter"])
        with pytest.raises(Conflict, match="administrator"):
            access.approve_access(manager, "admin")
        assert KeyRing.load(keyring_path(db_path)).domains_of("admin") == frozenset()
    finally:
        accounts.logout(manager)
        accounts.logout(admin)


def test_a_held_copy_is_sealed_in_the_file(db_path):
    import random as _random

    from app.demo_records import fill_records
    from app.rights import answers, copies, requests

    manager = accounts.login(db_path, "manager", PASSWORDS[Role.MANAGER])
    counter = accounts.login(db_path, "counter", PASSWORDS[Role.COUNTER])
    try:
        fill_records(manager, 2, _random.Random(3))
        n = requests.take_request(counter, "access", "C000000001", "ID card checked")
        requests.verify_identity(counter, n)
        answers.prepare_access_copy(counter, n, "en")
        with counter.db.read() as conn:
            data, password = conn.exec_driver_sql(
                "SELECT data, password FROM artefact_content").one()
        assert is_sealed(data) and b"%PDF" not in bytes(data)
        assert password is None or isinstance(password, bytes)
        assert copies.review_copy(manager, n).data.startswith(b"%PDF")
    finally:
        accounts.logout(counter)
        accounts.logout(manager)


def test_a_forged_record_of_the_keys_below_the_log_is_ignored_and_named(db_path):
    """A `fields.keys_made` row slipped in at seq 0 (the triggers only stop updates and
    deletes) does not make planted keys proven, and `audit verify` names it."""
    import json as _json

    from app import audit
    from app.store import keychecks
    from app.store.fields import DomainKey

    planted = [DomainKey(d, 1, bytes([5]) * 32) for d in ("names", "identity")]
    ring = KeyRing.load(keyring_path(db_path))
    admin = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        with admin.db.write() as conn:
            conn.exec_driver_sql(
                "INSERT INTO audit_event (seq, at, actor, action, outcome, detail, prev_hash, "
                "hash) VALUES (0, '2020-01-01T00:00:00Z', 'admin', ?, 'ok', ?, '', '')",
                (keychecks.KEYS_MADE, _json.dumps(keychecks.roots_detail(planted,
                                                                         admin.db.db_id))))
        report = audit.verify(admin.db)
        assert not report.intact and report.first_broken == 0
    finally:
        accounts.logout(admin)
    for user in ("counter", "manager"):
        ring = ring.without_grants(user).with_grants(user, planted)
    ring.save(keyring_path(db_path))
    counter = accounts.login(db_path, "counter", PASSWORDS[Role.COUNTER])
    try:
        assert counter.db.fields.domains == frozenset()  # refused, not used
    finally:
        accounts.logout(counter)


def test_a_second_slot_under_a_clerk_s_name_is_refused(db_path):
    """A "shadow" slot with a password someone else chose would receive every key granted
    to the clerk: a ring holding one is refused outright."""
    ring = KeyRing.load(keyring_path(db_path))
    admin_key = ring.unlock("admin", ADMIN_PW)
    shadow = ring._wrap("user", "counter", "shadow-password-1", admin_key)
    from dataclasses import replace

    replace(ring, slots=ring.slots + (shadow,)).save(keyring_path(db_path))
    from app.errors import StoreError

    with pytest.raises(StoreError, match="second slot"):
        accounts.login(db_path, "counter", PASSWORDS[Role.COUNTER])


def test_a_consent_note_and_rectification_evidence_are_sealed(db_path):
    from app.customers.consents import consent_history, record_consent
    from app.customers.editing import NewCustomer, create_customer, update_identity

    counter = accounts.login(db_path, "counter", PASSWORDS[Role.COUNTER])
    try:
        number = create_customer(counter, NewCustomer(
            name="欧阳娜莎", id_type="resident_id", id_number="11010519491231002X",
            phone="13912345678", original_checked=True, consents={"contract": True}))
        record_consent(counter, number, "marketing", False, "phone",
                       note="欧阳娜莎 said stop, call 13987654321")
        update_identity(counter, number, {"phone": "13987654321"},
                        "saw the SIM contract of 欧阳娜莎")
        with counter.db.read() as conn:
            dump = repr(conn.exec_driver_sql("SELECT note FROM consent_event").all()) + repr(
                conn.exec_driver_sql("SELECT detail FROM audit_event").all())
        assert "欧阳娜莎" not in dump and "13987654321" not in dump
        assert "欧阳娜莎 said stop" in consent_history(counter, number)[-1].note
    finally:
        accounts.logout(counter)


# About the SQLCipher file, its ring file and what an owner of the file can do to it; the
# branch server has its own tests of the same (tests/store/test_server.py).
pytestmark = pytest.mark.file_only
