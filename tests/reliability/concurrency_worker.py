"""A child process importing workbooks while other processes work on the same database.

    concurrency_worker.py DB FOLDER

Logs in as the manager, prints "ready", waits for a line on stdin (so that several
children start together), then imports every `batch-*.xlsx` in FOLDER in name order. One
line per import on stdout: "ok <imported> <present>", "relogin <sentence>" (the key was
rotated by another process: log in again, as a person would, and import that file again),
"refused <type> <sentence>" or "unexpected <type> <text>"; "done" at the end.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app import accounts
from app.errors import CustosError, KeyChanged
from app.imports.run import run_import


def main(db: str, folder: str) -> None:
    path = Path(db)
    files = sorted(Path(folder).glob("batch-*.xlsx"))
    session = accounts.login(path, "manager", "manager-password")
    print("ready", flush=True)
    sys.stdin.readline()
    for file in files:
        for _attempt in range(20):
            try:
                result = run_import(session, "customers", file, errors_to=file.with_suffix(".txt"))
            except KeyChanged as error:
                print(f"relogin {error}", flush=True)
                session.db.close()
                session = accounts.login(path, "manager", "manager-password")
                continue
            except CustosError as error:
                print(f"refused {type(error).__name__} {error}", flush=True)
            except Exception as error:  # what the test is looking for
                print(f"unexpected {type(error).__name__} {error}", flush=True)
            else:
                print(f"ok {result.imported} {result.already_present}", flush=True)
            break
    accounts.logout(session)
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
