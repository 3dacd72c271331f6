"""Single random byte flips in copies of a database and of a backup: every one is detected
as damage with a clear message, none is read as wrong data, none crashes the program.
`make test` runs a few flips; CUSTOS_FLIP_TRIALS raises it (make reliability: 200).
"""

from __future__ import annotations

import os
import random
import shutil

from app import accounts
from app.backup import service
from app.errors import CustosError
from app.security.roles import Role
from app.store.database import keyring_path

from ..conftest import ADMIN_PW

TRIALS = int(os.environ.get("CUSTOS_FLIP_TRIALS", "6"))


def _flip(path, rng: random.Random) -> int:
    data = bytearray(path.read_bytes())
    at = rng.randrange(len(data))
    data[at] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))
    return at


def _damage_seen(db_path) -> bool:
    """True when opening or fully reading the copy reports damage (a clear sentence)."""
    try:
        session = accounts.login(db_path, "admin", ADMIN_PW)
    except CustosError as error:
        assert "\n" not in str(error)
        return True
    try:
        with session.db.read() as conn:
            problems = conn.exec_driver_sql("PRAGMA cipher_integrity_check").all()
        return bool(problems)
    except Exception as error:
        return "not a database" in str(error) or "malformed" in str(error)
    finally:
        accounts.logout(session)


def test_every_flip_in_a_database_is_detected(login, db_path, tmp_path):
    from app.demo_records import fill_records

    fill_records(login(Role.MANAGER), 20, random.Random(1))
    rng = random.Random(7)
    for trial in range(TRIALS):
        copy = tmp_path / f"copy{trial}.custos"
        shutil.copyfile(db_path, copy)
        shutil.copyfile(keyring_path(db_path), keyring_path(copy))
        at = _flip(copy, rng)
        assert _damage_seen(copy), f"flip at byte {at} went unnoticed"


def test_every_flip_in_a_backup_is_detected(login, tmp_path):
    admin = login(Role.ADMIN)
    original = service.take_backup(admin, tmp_path)
    rng = random.Random(8)
    for trial in range(TRIALS):
        copy = tmp_path / f"flipped{trial}.custos-backup"
        shutil.copyfile(original, copy)
        _flip(copy, rng)
        try:
            report = service.verify_file(copy, "admin", ADMIN_PW)
        except CustosError as error:
            assert "\n" not in str(error)
            continue
        assert not report.ok, "a damaged backup verified as sound"
