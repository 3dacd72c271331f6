"""Scheduled backups with nobody logged in: the backup-only credential (file store)."""

from __future__ import annotations

import json
import os
import stat

import pytest
from sqlalchemy import select

from app import accounts, audit
from app.backup import offsite, schedule
from app.backup.unattended import BACKUP_SIGNER, open_unattended
from app.cli import main
from app.errors import AccountDisabled, LoginFailed, StoreError
from app.security.roles import Role
from app.store import schema
from app.store.database import keyring_path
from app.store.fields import AccessPending
from app.store.keyring import KeyRing

from ..conftest import ADMIN_PW


@pytest.fixture
def env(monkeypatch):
    for name in ("CUSTOS_PASSWORD", "CUSTOS_USER", "CUSTOS_DB", "CUSTOS_BACKUP_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    return monkeypatch


@pytest.fixture
def credential(db_path, tmp_path, env):
    """The administrator sets a folder (off-site) and makes the credential, by the CLI."""
    folder = tmp_path / "usb"
    folder.mkdir()
    key = tmp_path / "home" / "backup.key"
    key.parent.mkdir()
    env.setenv("CUSTOS_PASSWORD", ADMIN_PW)
    base = ["--db", str(db_path), "--user", "admin"]
    assert main(["backup", "destination", "add", str(folder), "--off-site", *base]) == 0
    assert main(["backup", "credential", "--out", str(key), *base]) == 0
    env.delenv("CUSTOS_PASSWORD")
    return folder, key


def _events(db_path, action):
    session = accounts.login(db_path, "admin", ADMIN_PW)
    try:
        with session.db.read() as conn:
            e = schema.audit_event
            return conn.execute(select(e.c.actor, e.c.outcome, e.c.signer).where(
                e.c.action == action)).all(), schedule.load_schedule(session.db), \
                audit.verify(session.db)
    finally:
        accounts.logout(session)


def test_the_key_file_is_the_owners_only_and_holds_no_password(db_path, credential):
    _folder, key = credential
    if os.name == "posix":
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    data = json.loads(key.read_text())
    assert set(data) == {"format", "db_id", "secret"} and ADMIN_PW not in key.read_text()


def test_a_scheduled_run_without_password_backs_up_and_is_on_record(db_path, credential,
                                                                  capsys):
    folder, key = credential
    assert "CUSTOS_PASSWORD" not in os.environ
    assert main(["backup", "run", "--db", str(db_path), "--key-file", str(key)]) == 0
    out = capsys.readouterr()
    made = list(folder.glob("*.custos-backup"))
    assert len(made) == 1 and str(made[0]) in out.out
    assert "sound" in out.out  # the first run also runs the restore test
    created, plan, report = _events(db_path, "backup.created")
    assert [(r.actor, r.signer) for r in created] == [(BACKUP_SIGNER, BACKUP_SIGNER)]
    verified, _plan, _report = _events(db_path, "backup.verified")
    assert [(r.actor, r.outcome) for r in verified] == [(BACKUP_SIGNER, "ok")]
    assert plan.last_backup is not None and plan.last_verified_file == made[0].name
    assert report.intact, report  # every event signed by a registered key


def test_cli_verify_with_the_credential_is_recorded(db_path, credential, capsys):
    folder, key = credential
    assert main(["backup", "run", "--db", str(db_path), "--key-file", str(key)]) == 0
    made = next(folder.glob("*.custos-backup"))
    assert main(["backup", "verify", str(made), "--db", str(db_path),
                 "--key-file", str(key)]) == 0
    verified, plan, _report = _events(db_path, "backup.verified")
    assert len(verified) == 2 and plan.last_verified_file == made.name


def test_the_credential_opens_no_customer_data(db_path, credential):
    import random

    from app.customers.tables import customer
    from app.demo_records import fill_records

    manager = accounts.login(db_path, "manager", "manager-password")
    fill_records(manager, 2, random.Random(1))
    accounts.logout(manager)
    _folder, key = credential
    ring = KeyRing.load(keyring_path(db_path))
    assert ring.domains_of(BACKUP_SIGNER) == frozenset()
    session = open_unattended(db_path, key)
    try:
        assert not session.db.fields.held()
        with session.db.read() as conn:
            c = conn.execute(select(customer.c.id, customer.c.name)).first()
        assert isinstance(c.name, bytes)  # ciphertext, and no key to open it
        with pytest.raises(AccessPending):
            session.db.fields.open("customer", "name", c.id, c.name)
    finally:
        from app.backup.unattended import close_unattended

        close_unattended(session)
    # and it is no account: it cannot log in as a person
    secret = json.loads(key.read_text())["secret"]
    with pytest.raises((LoginFailed, AccountDisabled)):
        accounts.login(db_path, BACKUP_SIGNER, secret)


def test_revoked_or_readable_credentials_are_refused(db_path, credential, env, capsys):
    _folder, key = credential
    if os.name == "posix":
        key.chmod(0o644)
        assert main(["backup", "run", "--db", str(db_path), "--key-file", str(key)]) == 1
        assert "chmod 600" in capsys.readouterr().err
        key.chmod(0o600)
    env.setenv("CUSTOS_PASSWORD", ADMIN_PW)
    assert main(["backup", "credential", "--revoke", "--db", str(db_path),
                 "--user", "admin"]) == 0
    env.delenv("CUSTOS_PASSWORD")
    with pytest.raises(StoreError):
        open_unattended(db_path, key)


def test_only_an_administrator_makes_the_credential(login, tmp_path):
    from app.backup.unattended import make_credential
    from app.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        make_credential(login(Role.MANAGER), tmp_path / "k")
    assert not (tmp_path / "k").exists()


def test_off_site_copy_is_noted_on_site_is_not(login, tmp_path):
    from app.backup.service import take_backup

    admin = login(Role.ADMIN)
    near, far = tmp_path / "near", tmp_path / "far"
    near.mkdir()
    far.mkdir()
    schedule.set_destinations(admin, [str(near), str(far)])
    offsite.mark(admin, str(far), True)
    take_backup(admin, near)
    with admin.db.read() as conn:
        assert offsite.read(conn).last_offsite is None
    path = take_backup(admin, far)
    with admin.db.read() as conn:
        ev = offsite.read(conn)
    assert ev.last_offsite_file == path.name and ev.offsite == (str(far),)


def test_as_cron_runs_it_a_separate_process_with_no_password_and_no_terminal(db_path,
                                                                            credential):
    import subprocess
    import sys

    folder, key = credential
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTOS_PASSWORD")}
    env["PYTHONPATH"] = os.getcwd()
    done = subprocess.run([sys.executable, "-m", "app.cli", "backup", "run", "--db",
                           str(db_path), "--key-file", str(key)], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(list(folder.glob("*.custos-backup"))) == 1
    created, plan, _report = _events(db_path, "backup.created")
    assert [r.actor for r in created] == [BACKUP_SIGNER] and plan.last_backup is not None
