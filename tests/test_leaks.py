"""No plaintext: the database, its WAL and journal, and the key ring hold no known demo values."""

from __future__ import annotations

from app import accounts, audit
from app.demo import DEMO_ACCOUNTS, create_demo
from app.store import database


def _files(path):
    return [p for p in path.parent.iterdir() if p.is_file() and p.name.startswith(path.name)]


def test_raw_bytes_hold_no_plaintext(tmp_path):
    path = tmp_path / "demo.custos"
    create_demo(path, customers=50, seed=7)
    session = accounts.login(path, "manager", "manager-demo-1")  # keeps a WAL file alive
    try:
        key = bytes(session.db.key)
        # Written while the session stays open (a lock would close it, and its WAL with it).
        audit.record(session.db, actor="manager", action="session.locked",
                     detail={"reason": "idle"})
        files = _files(path)
        assert any(p.name.endswith("-wal") for p in files)
        secrets = [key, key.hex().encode(), key.hex().upper().encode()]
        for account in DEMO_ACCOUNTS:
            secrets += [account.password.encode(), account.display_name.encode("utf-8")]
        secrets += [b"session.locked", b"audit_event", b"login", b"CREATE TABLE"]
        for file in files:
            raw = file.read_bytes()
            for secret in secrets:
                if file == database.keyring_path(path) and secret == b"login":
                    continue
                assert secret not in raw, f"{secret!r} in clear in {file.name}"
    finally:
        accounts.logout(session)
