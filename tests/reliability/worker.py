"""A child process that works on a database until it is killed (for the kill tests)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from app import accounts, keys
from app.backup import service
from app.demo_records import fill_records


def main(workload: str, db: str, extra: str) -> None:
    admin = accounts.login(Path(db), "admin", "admin-password")
    print("ready", flush=True)
    if workload == "backup":
        while True:
            service.take_backup(admin, Path(extra))
    elif workload == "rotation":
        while True:
            keys.rotate_key(admin)
    elif workload == "restore":
        accounts.logout(admin)
        while True:
            service.restore(Path(extra), Path(db), "admin", "admin-password")
    elif workload == "edits":
        manager = accounts.login(Path(db), "manager", "manager-password")
        rng = random.Random()
        while True:
            fill_records(manager, 40, rng)  # one transaction of many rows


if __name__ == "__main__":
    main(*sys.argv[1:4])
