"""Key ring: slots per user, wrong passwords, tampering, recovery, atomic saves."""

from __future__ import annotations

import json
import secrets

import pytest

from app.errors import LoginFailed, StoreError
from app.store.keyring import FLOOR, KeyRing, new_recovery_code, normalise_recovery_code


@pytest.fixture
def ring() -> tuple[KeyRing, bytes]:
    key = secrets.token_bytes(32)
    base = KeyRing(db_id="db1", db_salt="00" * 16, slots=(), kdf=FLOOR)
    return base.with_user("alice", "alice-password", key), key


def test_user_slot_opens_with_its_password_only(ring):
    r, key = ring
    assert r.unlock("alice", "alice-password") == key
    assert r.unlock("ALICE ", "alice-password") == key  # names are not case-sensitive
    with pytest.raises(LoginFailed, match="Wrong username or password"):
        r.unlock("alice", "alice-passwore")
    with pytest.raises(LoginFailed, match="Wrong username or password"):
        r.unlock("bob", "alice-password")


def test_add_and_remove_slots(ring):
    r, key = ring
    r = r.with_user("bob", "bob-password-1", key)
    assert sorted(r.users()) == ["alice", "bob"]
    r = r.with_user("bob", "bob-password-2", key)  # a reset replaces, never duplicates
    assert sorted(r.users()) == ["alice", "bob"]
    with pytest.raises(LoginFailed):
        r.unlock("bob", "bob-password-1")
    assert r.unlock("bob", "bob-password-2") == key
    r = r.without_user("bob")
    assert r.users() == ["alice"] and r.is_disabled("bob")
    assert "wrapped" not in json.dumps(r.slot_for("bob").as_dict())
    with pytest.raises(LoginFailed):
        r.unlock("bob", "bob-password-2")


def test_slot_is_bound_to_user_and_database(ring):
    r, key = ring
    data = json.loads(r.to_bytes())
    data["slots"][0]["user"] = "mallory"  # renaming a slot must not let another name in
    with pytest.raises(LoginFailed):
        KeyRing.load_bytes(json.dumps(data).encode()).unlock("mallory", "alice-password")
    data = json.loads(r.to_bytes())
    data["db_id"] = "db2"  # a slot copied to another database's ring does not open
    with pytest.raises(LoginFailed):
        KeyRing.load_bytes(json.dumps(data).encode()).unlock("alice", "alice-password")


def test_tampered_ciphertext_is_refused(ring):
    r, _key = ring
    data = json.loads(r.to_bytes())
    wrapped = bytearray(__import__("base64").b64decode(data["slots"][0]["wrapped"]))
    wrapped[3] ^= 1
    data["slots"][0]["wrapped"] = __import__("base64").b64encode(bytes(wrapped)).decode()
    with pytest.raises(LoginFailed):
        KeyRing.load_bytes(json.dumps(data).encode()).unlock("alice", "alice-password")


def test_recovery_code(ring):
    r, key = ring
    code = new_recovery_code()
    r = r.with_recovery(code, key)
    assert len(code) == 29 and code.count("-") == 4
    assert r.unlock_recovery(code.lower().replace("-", " ")) == key
    with pytest.raises(LoginFailed):
        r.unlock_recovery(new_recovery_code())
    replaced = r.with_recovery(new_recovery_code(), key)
    with pytest.raises(LoginFailed):  # a replaced code stops working
        replaced.unlock_recovery(code)
    assert normalise_recovery_code("abcde fghjk") == "ABCDE-FGHJK"


def test_ring_holds_no_secret_in_clear(ring):
    r, key = ring
    raw = r.to_bytes()
    for secret in (b"alice-password", key, key.hex().encode()):
        assert secret not in raw


def test_damaged_or_missing_ring_is_one_sentence(tmp_path, ring):
    r, _key = ring
    with pytest.raises(StoreError, match="missing"):
        KeyRing.load(tmp_path / "nope.keys")
    path = tmp_path / "x.keys"
    path.write_bytes(r.to_bytes()[:40])
    with pytest.raises(StoreError, match="damaged"):
        KeyRing.load(path)


def test_save_is_atomic(tmp_path, ring, monkeypatch):
    r, key = ring
    path = tmp_path / "x.keys"
    r.save(path)
    before = path.read_bytes()

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        r.with_user("bob", "bob-password-1", key).save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["x.keys"]  # no temp file left behind
