"""Hostile files: backups, manifests, key rings and restore journals edited by someone with
access to the folder. None of them may make Custos write, move or delete anything outside
its own files, use unbounded memory or time, or fail with "unexpected error"."""

from __future__ import annotations

import json
import os
import stat
import time
import tracemalloc
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app import accounts
from app.audit import ev
from app.backup import restoring, service, swap
from app.backup.archive_file import MANIFEST_NAME, RING_NAME, SUFFIX, read_manifest
from app.cli import main
from app.errors import StoreError
from app.security.roles import Role
from app.store.keyring import KeyRing

from ..conftest import ADMIN_PW, PASSWORDS

MOMENT = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)
STAMP = "20261130T120000Z"


@pytest.fixture
def frozen(monkeypatch):
    """The clock stands still, so the next file names can be predicted and planted."""
    monkeypatch.setattr("app.clock.now_utc", lambda: MOMENT)


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder that is none of Custos's business, with something precious in it."""
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    return folder


def _precious_intact(outside: Path) -> None:
    assert sorted(p.name for p in outside.iterdir()) == ["thesis.txt"]
    assert (outside / "thesis.txt").read_text() == "years of work"


# --- the restore journal ---------------------------------------------------------------------

@pytest.mark.parametrize("plan", ["outside as incoming", "outside as aside", "parent folder",
                                  "not json", "a link"])
def test_a_planted_journal_moves_and_deletes_nothing(db_path, login, tmp_path, outside, plan):
    backup = service.take_backup(login(Role.ADMIN), tmp_path)
    journal = swap.journal_path(db_path)
    ours = db_path.parent / ".custos-restore-abc123"
    aside = db_path.parent / f"{db_path.name}.before-restore-{STAMP}"
    if plan == "outside as incoming":
        (outside / "database.custos").write_text("not a database")
        journal.write_text(json.dumps({"incoming": str(outside), "aside": str(aside)}))
    elif plan == "outside as aside":
        ours.mkdir()
        (ours / "database.custos").write_bytes(b"x" * 4096)
        journal.write_text(json.dumps({"incoming": str(ours), "aside": str(outside)}))
    elif plan == "parent folder":
        journal.write_text(json.dumps({"incoming": str(db_path.parent), "aside": str(aside)}))
    elif plan == "not json":
        journal.write_text("{" * 100_000)
    else:
        target = outside / "plan.json"
        target.write_text(json.dumps({"incoming": str(ours), "aside": str(aside)}))
        journal.symlink_to(target)
    before = db_path.read_bytes()
    # Refused at login, before any password is looked at: nothing moved, nothing deleted.
    with pytest.raises(StoreError, match="does not name this database's own restore folders"):
        accounts.login(db_path, "admin", ADMIN_PW)
    with pytest.raises(StoreError, match="does not name this database's own restore folders"):
        restoring.restore(backup, db_path, "admin", "no-password")
    assert db_path.read_bytes() == before
    assert Path(f"{db_path}.keys").exists()
    assert journal.is_symlink() or journal.exists()  # left for a person
    if plan == "outside as incoming":
        assert sorted(p.name for p in outside.iterdir()) == ["database.custos", "thesis.txt"]
    elif plan == "a link":
        assert sorted(p.name for p in outside.iterdir()) == ["plan.json", "thesis.txt"]
    else:
        _precious_intact(outside)
    if plan == "parent folder":
        assert db_path.exists() and db_path.parent.exists()


def test_a_journal_of_our_own_is_still_finished(db_path, login, tmp_path):
    """The kill-test guarantee stands: a swap cut off after its first rename is completed."""
    backup = service.take_backup(login(Role.ADMIN), tmp_path)
    accounts.logout(login(Role.ADMIN))
    with pytest.raises(SystemExit):
        restoring.restore(backup, db_path, "admin", ADMIN_PW, crash_after=1)
    assert not db_path.exists()
    session = accounts.login(db_path, "admin", ADMIN_PW)  # settles the swap first
    try:
        with session.db.read() as conn:  # and the record of the restore came with it
            assert conn.execute(select(ev.c.actor).where(
                ev.c.action == "backup.restored")).scalars().all() == ["admin"]
    finally:
        accounts.logout(session)
    assert not swap.journal_path(db_path).exists()


# --- links planted where Custos is about to write ------------------------------------------

def test_a_link_named_like_the_next_partial_backup_is_not_followed(login, db_path, frozen,
                                                                    tmp_path, outside):
    usb = tmp_path / "usb"
    usb.mkdir()
    name = f"{db_path.stem}-{STAMP}{SUFFIX}"
    (usb / f"{name}.partial").symlink_to(outside / "thesis.txt")
    (usb / name).symlink_to(outside / "also.txt")  # and under the final name, dangling
    path = service.take_backup(login(Role.ADMIN), usb)
    _precious_intact(outside)
    assert path == usb / name and not path.is_symlink()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert service.verify_file(path, "admin", ADMIN_PW).ok


def test_a_link_named_like_the_next_before_restore_copy_is_not_followed(login, db_path,
                                                                         frozen, tmp_path,
                                                                         outside):
    backup = service.take_backup(login(Role.ADMIN), tmp_path)
    accounts.logout(login(Role.ADMIN))
    planted = db_path.parent / f"{db_path.name}.before-restore-{STAMP}"
    planted.symlink_to(outside, target_is_directory=True)
    aside = restoring.restore(backup, db_path, "admin", ADMIN_PW)
    _precious_intact(outside)
    assert planted.is_symlink() and aside != planted and not aside.is_symlink()
    assert aside.parent == db_path.parent and (aside / db_path.name).exists()
    assert accounts.login(db_path, "admin", ADMIN_PW).db.db_id


def test_a_link_named_like_the_key_rings_temporary_file_is_not_followed(login, db_path,
                                                                         outside):
    admin = login(Role.ADMIN)
    tmp = db_path.parent / f".{db_path.name}.keys.{os.getpid()}.tmp"
    tmp.symlink_to(outside / "thesis.txt")
    accounts.add_user(admin, "newcomer", [Role.COUNTER], "newcomer-password-1")
    _precious_intact(outside)
    assert "newcomer" in KeyRing.load(Path(f"{db_path}.keys")).users()


# --- key rings with hostile Argon2id costs ------------------------------------------------

def _ring_with_cost(ring_bytes: bytes, t: int, m: int, p: int = 1) -> bytes:
    data = json.loads(ring_bytes)
    data["kdf"] = {"t": t, "m": m, "p": p}
    for slot in data["slots"]:
        if "kdf" in slot:
            slot["kdf"] = {"t": t, "m": m, "p": p}
    return json.dumps(data).encode()


COSTS = {"4 GiB, t=4000": (4000, 4 << 20, 1), "t=1, 8 KiB": (1, 8, 1),
         "parallelism 255": (2, 19456, 255), "floats": (2.5, 19456, 1),
         "text": ("2", "19456", "1"),
         # Each within its own old ceiling, yet minutes per password check together.
         "t=64 at 1 GiB": (64, 1 << 20, 1), "t=2 at 1 GiB": (2, 1 << 20, 1),
         "t=64 at 152 MiB": (64, 155648, 16), "t=17 at 152 MiB": (17, 155648, 1)}


def no_derivation(*_args):
    """In place of Argon2id: refusals must come before any key work, and fast."""
    raise AssertionError("a derivation ran")


@pytest.mark.parametrize("cost", sorted(COSTS))
def test_a_ring_with_costs_out_of_bounds_is_refused_before_any_derivation(db_path, login,
                                                                          tmp_path, cost,
                                                                          monkeypatch):
    backup = service.take_backup(login(Role.ADMIN), tmp_path)
    ring = Path(f"{db_path}.keys")
    hostile = _ring_with_cost(ring.read_bytes(), *COSTS[cost])
    monkeypatch.setattr("app.store.keyring.derive", no_derivation)  # refused before any
    with pytest.raises(StoreError, match="^The key ring (asks for a password-hashing cost "
                                         "outside safe bounds|is damaged)"):
        KeyRing.load_bytes(hostile)
    # In a backup: verify refuses in one sentence, before any key work.
    _replace_part(backup, RING_NAME, hostile)
    with pytest.raises(StoreError, match="^The key ring"):
        service.verify_file(backup, "admin", ADMIN_PW)
    # Beside the live database: login refuses the same way.
    ring.write_bytes(hostile)
    with pytest.raises(StoreError, match="^The key ring"):
        accounts.login(db_path, "admin", ADMIN_PW)


def test_the_costliest_ring_an_older_version_could_tune_still_opens(db_path):
    """16 passes at 152 MiB was the ceiling of earlier versions' tuning on a fast PC: a ring
    like that must keep opening, or the bound would lock a branch out of its own data."""
    from app.store.keyring import KdfParams

    assert KdfParams.from_dict({"t": 16, "m": 155648, "p": 1}).time_cost == 16


@pytest.mark.parametrize("speed", [30, 300, 3000, 30000, 300000])
def test_the_costs_custos_tunes_to_stay_within_bounds(monkeypatch, speed):
    """Whatever the machine's speed (MiB-passes per second), the ring tune_kdf leads to
    opens everywhere; so does FLOOR."""
    from app.store.keyring import FLOOR, KDF_MEMORY_RANGE, KDF_TIME_RANGE, KdfParams

    assert KdfParams.from_dict(FLOOR.as_dict()) == FLOOR
    assert KDF_MEMORY_RANGE[0] == FLOOR.memory_kib and KDF_TIME_RANGE[0] == FLOOR.time_cost
    clock = [0.0]

    class FakeTime:
        @staticmethod
        def perf_counter() -> float:
            return clock[0]

    def derive(_secret, _salt, params):
        clock[0] += params.time_cost * params.memory_kib / 1024 / speed

    from app.store import kdf

    monkeypatch.setattr(kdf, "time", FakeTime)
    monkeypatch.setattr(kdf, "derive", derive)
    tuned = kdf.tune_kdf()
    assert KdfParams.from_dict(tuned.as_dict()) == tuned
    assert tuned.memory_kib >= FLOOR.memory_kib and tuned.time_cost >= FLOOR.time_cost


def test_a_tuned_ring_written_by_custos_opens(tmp_path):
    from app.store.keyring import tune_kdf

    path = tmp_path / "tuned.custos"
    accounts.create_database(path, "admin", ADMIN_PW, kdf=tune_kdf(0.2))
    accounts.logout(accounts.login(path, "admin", ADMIN_PW))


# --- key rings of the wrong shape ------------------------------------------------------------

def _slot_changed(ring: bytes, **change) -> bytes:
    data = json.loads(ring)
    data["slots"][0].update(change)
    return json.dumps(data).encode()


RING_SHAPES = {
    "a list": lambda ring: b"[]",
    "a string": lambda ring: b'"abc"',
    "null": lambda ring: b"null",
    "a number": lambda ring: b"7",
    "version 1e400": lambda ring: b'{"format":"custos-keyring","version":1e400}',
    "version as text": lambda ring: b'{"format":"custos-keyring","version":"1"}',
    "100000 nested brackets": lambda ring: b"[" * 100000 + b"]" * 100000,
    "nested brackets in a ring": lambda ring: ring.replace(
        b'"slots"', b'"x": ' + b"[" * 100000 + b"]" * 100000 + b', "slots"', 1),
    "slots as text": lambda ring: json.dumps({**json.loads(ring), "slots": "x"}).encode(),
    "a slot as a number": lambda ring: json.dumps({**json.loads(ring), "slots": [5]}).encode(),
    "db id as a list": lambda ring: json.dumps({**json.loads(ring), "db_id": []}).encode(),
    "kdf as a list": lambda ring: json.dumps({**json.loads(ring), "kdf": []}).encode(),
    "a user as a number": lambda ring: _slot_changed(ring, user=5),
    "key material as a number": lambda ring: _slot_changed(ring, salt=5),
    "an unknown kind": lambda ring: _slot_changed(ring, kind={"a": 1}),
}


@pytest.mark.parametrize("shape", sorted(RING_SHAPES))
def test_a_key_ring_of_the_wrong_shape_is_one_sentence(db_path, login, tmp_path, shape,
                                                      monkeypatch, capsys):
    backup = service.take_backup(login(Role.ADMIN), tmp_path)
    ring = Path(f"{db_path}.keys")
    hostile = RING_SHAPES[shape](ring.read_bytes())
    damaged = "^The key ring is damaged or is not a Custos key ring.$"
    with pytest.raises(StoreError, match=damaged):
        KeyRing.load_bytes(hostile)
    # In a backup: verify and restore say so.
    _replace_part(backup, RING_NAME, hostile)
    with pytest.raises(StoreError, match=damaged):
        service.verify_file(backup, "admin", ADMIN_PW)
    target = tmp_path / "new"
    target.mkdir()
    with pytest.raises(StoreError, match=damaged):
        restoring.restore(backup, target / "branch.custos", "admin", ADMIN_PW)
    assert list(target.iterdir()) == []
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    monkeypatch.setenv("CUSTOS_PASSWORD", ADMIN_PW)
    capsys.readouterr()
    assert main(["backup", "verify", str(backup), "--user", "admin"]) == 1
    # Beside the live database: every command says so in one line.
    ring.write_bytes(hostile)
    assert main(["user", "list", "--db", str(db_path), "--user", "admin"]) == 1
    said = capsys.readouterr()
    assert "unexpected" not in said.err + said.out
    assert said.err.count("The key ring is damaged") == 2, said.err


# --- manifests ------------------------------------------------------------------------------

def _replace_part(path: Path, name: str, data: bytes,
                  compression: int = zipfile.ZIP_STORED) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist() if n != name}
    if name == RING_NAME and MANIFEST_NAME in parts:  # keep the checksum honest
        import hashlib

        manifest = json.loads(parts[MANIFEST_NAME])
        manifest["sha256"][RING_NAME] = hashlib.sha256(data).hexdigest()
        parts[MANIFEST_NAME] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w", compression) as z:
        for n, d in parts.items():
            z.writestr(n, d, zipfile.ZIP_STORED)
        z.writestr(name, data)


def test_a_manifest_that_inflates_to_400_mb_is_refused_fast_and_small(tmp_path):
    path = tmp_path / f"bomb{SUFFIX}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open(MANIFEST_NAME, "w", force_zip64=True) as part:
            block = b" " * (4 << 20)
            for _i in range(100):
                part.write(block)
    assert path.stat().st_size < 4 << 20
    tracemalloc.start()
    try:
        with pytest.raises(StoreError, match="is damaged or is not a Custos backup"):
            read_manifest(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20  # never inflated: 400 MB would show here


def test_a_manifest_whose_header_lies_about_its_size_is_still_read_with_a_limit(login,
                                                                                 tmp_path):
    path = service.take_backup(login(Role.ADMIN), tmp_path)
    with zipfile.ZipFile(path) as z:
        good = z.read(MANIFEST_NAME)
    _replace_part(path, MANIFEST_NAME, good + b" " * (64 << 20), zipfile.ZIP_DEFLATED)
    data = bytearray(path.read_bytes())
    # The central directory claims the part inflates to 1,000 bytes; it inflates to 64 MiB.
    entry = data.find(b"PK\x01\x02", data.rfind(b"PK\x03\x04"))
    while data[entry + 46: entry + 46 + len(MANIFEST_NAME)] != MANIFEST_NAME.encode():
        entry = data.find(b"PK\x01\x02", entry + 4)
    data[entry + 24: entry + 28] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    tracemalloc.start()
    try:
        with pytest.raises(StoreError, match="is damaged"):
            read_manifest(path)
        assert tracemalloc.get_traced_memory()[1] < 8 << 20
    finally:
        tracemalloc.stop()


SHAPES = {
    "sha256 list": ("sha256", ["a"]),
    "row_counts text": ("row_counts", "lots"),
    "row count text": ("row_counts", {"user": "4"}),
    "events bool": ("audit_events", True),
    "negative": ("schema_version", -1),
    "created_at number": ("created_at", 5),
    "created_at not a time": ("created_at", "yesterday"),
    "sizes null": ("sizes", None),
    "escape in created_by": ("created_by", "\x1b[2J\x1b[31mroot"),
    "forged line": ("source_name", "ok\nbranch-20991231.custos-backup\t2099-12-31"),
    "huge text": ("created_by", "x" * 100_000),
    "extra field": ("surprise", 1),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_manifest_field_of_the_wrong_shape_is_one_sentence(login, db_path, tmp_path,
                                                            shape, capsys):
    path = service.take_backup(login(Role.ADMIN), tmp_path)
    with zipfile.ZipFile(path) as z:
        manifest = json.loads(z.read(MANIFEST_NAME))
    field, value = SHAPES[shape]
    manifest[field] = value
    _replace_part(path, MANIFEST_NAME, json.dumps(manifest).encode())
    sentence = f"The manifest of the backup {path.name} is damaged."
    with pytest.raises(StoreError) as refused:
        read_manifest(path)
    assert str(refused.value) == sentence
    report_error = None
    try:
        service.verify_file(path, "admin", ADMIN_PW)
    except StoreError as error:
        report_error = str(error)
    assert report_error == sentence
    [entry] = service.list_backups(tmp_path)
    assert entry.manifest is None and entry.problem == sentence
    with pytest.raises(StoreError, match="^The manifest of the backup"):
        restoring.restore(path, db_path, "admin", ADMIN_PW)
    assert main(["backup", "list", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [f"{path.name}\tdamaged\t{sentence}"]


def test_backup_list_prints_no_escape_sequences_or_forged_lines(login, tmp_path, capsys):
    first = service.take_backup(login(Role.ADMIN), tmp_path)
    hostile = first.with_name(f"\x1b]0;owned\x07evil\nforged\tline{SUFFIX}")
    first.rename(hostile)
    (tmp_path / f"broken\x1b[31m{SUFFIX}").write_bytes(b"not a zip")
    assert main(["backup", "list", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 2
    assert not any(ch in out for ch in "\x1b\x07\r")
    assert all(line.count("\t") in (2, 6) for line in lines)


# --- what a restore leaves behind -------------------------------------------------------------

def test_after_a_restore_the_files_are_for_this_account_only(login, db_path, tmp_path):
    backup = service.take_backup(login(Role.ADMIN), tmp_path)
    accounts.logout(login(Role.ADMIN))
    old = os.umask(0o022)
    try:
        aside = restoring.restore(backup, db_path, "admin", ADMIN_PW)
        target = tmp_path / "new" / "copy.custos"
        target.parent.mkdir()
        restoring.restore(backup, target, "admin", ADMIN_PW)
    finally:
        os.umask(old)
    assert stat.S_IMODE(aside.stat().st_mode) == 0o700
    for path in (db_path, target):
        session = accounts.login(path, "counter", PASSWORDS[Role.COUNTER])
        try:  # while it is open, with its log and shared memory beside it
            for suffix in ("", "-wal", "-shm", ".keys"):
                part = Path(f"{path}{suffix}")
                assert part.exists(), part
                assert stat.S_IMODE(part.stat().st_mode) == 0o600, part
        finally:
            accounts.logout(session)


def test_a_link_named_like_the_migration_backups_folder_is_not_followed(login, db_path,
                                                                        outside):
    from app.store.database import backup_before_migration

    key = login(Role.ADMIN).db.key
    Path(f"{db_path}.migration-backups").symlink_to(outside, target_is_directory=True)
    with pytest.raises(StoreError, match="is a link, not a folder"):
        backup_before_migration(db_path, key, 3)
    _precious_intact(outside)


def test_a_key_ring_file_of_gigabytes_is_not_read_whole(db_path):
    ring = Path(f"{db_path}.keys")
    with open(ring, "r+b") as fh:
        fh.truncate(2 << 30)  # sparse: 2 GiB that take no room
    tracemalloc.start()
    try:
        with pytest.raises(StoreError, match="^The key ring is damaged"):
            accounts.login(db_path, "admin", ADMIN_PW)
        assert tracemalloc.get_traced_memory()[1] < 64 << 20
    finally:
        tracemalloc.stop()


def test_a_pipe_or_folder_named_like_a_backup_is_listed_as_damaged_at_once(tmp_path):
    os.mkfifo(tmp_path / f"pipe{SUFFIX}")  # opening it for reading would wait forever
    (tmp_path / f"folder{SUFFIX}").mkdir()
    started = time.perf_counter()
    entries = service.list_backups(tmp_path)
    assert time.perf_counter() - started < 30  # opening the pipe would wait forever
    assert sorted((e.path.name, e.problem) for e in entries) == [
        (f"folder{SUFFIX}", f"folder{SUFFIX} is damaged or is not a Custos backup."),
        (f"pipe{SUFFIX}", f"pipe{SUFFIX} is damaged or is not a Custos backup.")]
