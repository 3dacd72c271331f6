"""A child process that works on a database until it is killed (for the kill tests)."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from app import accounts, keys
from app.backup import restoring, service
from app.demo_records import fill_records


def main(workload: str, db: str, extra: str) -> None:
    if workload == "sealing":  # the first login after the upgrade makes the keys and seals
        print("ready", flush=True)
        accounts.login(Path(db), "counter", "counter-password")
        while True:
            time.sleep(1)
    admin = accounts.login(Path(db), "admin", "admin-password")
    print("ready", flush=True)
    if workload in ("backup", "backup-api"):
        if workload == "backup-api":  # the fallback when the log cannot be emptied
            service.SNAPSHOT_TRIES = 0
        while True:
            service.take_backup(admin, Path(extra))
    elif workload == "rotation":
        while True:
            keys.rotate_key(admin)
    elif workload == "restore":
        accounts.logout(admin)
        while True:
            restoring.restore(Path(extra), Path(db), "admin", "admin-password")
    elif workload == "edits":
        manager = accounts.login(Path(db), "manager", "manager-password")
        rng = random.Random()
        while True:
            fill_records(manager, 40, rng)  # one transaction of many rows
    elif workload == "import":
        from app.imports.run import run_import

        manager = accounts.login(Path(db), "manager", "manager-password")
        while True:  # the same file again and again: natural keys keep it idempotent
            run_import(manager, "customers", Path(extra))
    elif workload == "retention":
        from app.retention.service import run_retention

        while True:
            run_retention(admin, apply=True)
    elif workload == "data-rotation":
        while True:
            keys.rotate_data_keys(admin, extra)
    elif workload == "erasure":
        from app.rights import requests
        from app.rights.erasure import erase_customer

        counter = accounts.login(Path(db), "counter", "counter-password")
        manager = accounts.login(Path(db), "manager", "manager-password")
        for number in (f"C{i:09d}" for i in range(1, 10_000)):
            request = requests.take_request(counter, "erasure", number, "ID card checked")
            requests.verify_identity(counter, request)
            try:
                erase_customer(manager, request, confirm=True)
            except Exception:
                requests.refuse(manager, request, "An open complaint must be settled first.")


if __name__ == "__main__":
    main(*sys.argv[1:4])
