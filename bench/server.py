"""The branch server in `make bench` (issue 14): one durable PostgreSQL cluster per size
(scripts/pgcluster.py, fsync on), kept in .bench/pg-<size>/ and filled once by moving the
size's file dataset there with `custos migrate-to-server`, as a one-PC branch moves to its
server: both stores then hold the very same customers, keys and log, and filling L takes
minutes (the demo generator writing to the server took 25 minutes at M). The bench reaches
it over TCP with TLS verify-full against the cluster's CA, as a counter PC would. The
cluster runs only while the bench does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from scripts.pgcluster import STATE_FILE, Cluster, find_bindir, server_major

DBNAME = "custos"
IMPORT_DB = "custos_import"
MARK = "dataset.json"  # written once the move has finished


@contextmanager
def running(cache: Path, size: str):
    """The size's cluster, made the first time, started for the duration, then stopped."""
    folder = cache.resolve() / f"pg-{size.lower()}"
    if (folder / STATE_FILE).exists():
        cluster = Cluster.open(folder)
        cluster.start_again()
    else:
        cluster = Cluster.start(folder, durable=True, stop_at_exit=False)
    try:
        yield cluster
    finally:
        cluster.stop()


def facts(sizes: list[str]) -> dict:
    """How the server figures were taken, for the results file."""
    bindir = find_bindir()
    return {"sizes": sizes, "postgresql": server_major(str(bindir)) if bindir else None,
            "durable": True, "connection": "TCP on 127.0.0.1, TLS verify-full",
            "clients": "processes, one account each"}


def client_address(cluster: Cluster, dbname: str = DBNAME) -> str:
    """What a counter PC is given: TCP, TLS verify-full against the cluster's CA."""
    return f"postgresql://{cluster.host}:{cluster.port}/{dbname}?sslrootcert={cluster.ca_file}"


@contextmanager
def _as_owner(cluster: Cluster, dbname: str):
    """The owner's address for `custos init` (the superuser over the local socket, its
    password in PGPASSWORD as branch IT would give it) while the block runs."""
    before = os.environ.get("PGPASSWORD")
    os.environ["PGPASSWORD"] = cluster.superuser_password
    try:
        yield (f"postgresql:///{dbname}?host={cluster.socket_dir}&port={cluster.port}"
               f"&user={cluster.superuser}")
    finally:
        if before is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = before


def _fresh_demo(cluster: Cluster, dbname: str, customers: int, seed: int) -> None:
    from app.demo import create_demo

    cluster.dropdb(dbname)
    cluster.createdb(dbname)
    with _as_owner(cluster, dbname) as owner:
        create_demo(owner, customers=customers, seed=seed)


def dataset(cluster: Cluster, source: Path, version: int) -> str:
    """The file dataset `source` moved to the cluster (once; a move cut short is made
    again): its client address."""
    mark = cluster.folder / MARK
    want = {"from": source.name, "version": version}
    try:
        done = json.loads(mark.read_text()) == want
    except (OSError, ValueError):
        done = False
    if done and not _upgraded(cluster, DBNAME):
        done = False
    if not done:
        print(f"moving {source.name} to the server in {cluster.folder} "
              "(custos migrate-to-server, once)…", flush=True)
        start = time.perf_counter()
        mark.unlink(missing_ok=True)  # a move cut short is not taken for a dataset
        cluster.dropdb(DBNAME)
        cluster.createdb(DBNAME)
        _migrate(cluster, source)
        mark.write_text(json.dumps(want))
        print(f"  moved in {time.perf_counter() - start:,.0f} s", flush=True)
    return client_address(cluster)


def _migrate(cluster: Cluster, source: Path) -> None:
    """As branch IT would: the owner login in PGUSER/PGPASSWORD, the file's administrator's
    password in CUSTOS_PASSWORD."""
    env = {**os.environ, **cluster.env(), "CUSTOS_PASSWORD": "admin-demo-1"}
    done = subprocess.run([sys.executable, "-m", "app.cli", "migrate-to-server", "--from",
                           str(source), "--db", client_address(cluster), "--user", "admin"],
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"custos migrate-to-server failed: {done.stderr.strip()[-2000:]}")


def _upgraded(cluster: Cluster, dbname: str) -> bool:
    """A dataset kept from an older Custos is brought to this one, as branch IT would
    (`custos upgrade`: logins on an older schema are refused); False if it cannot be."""
    from app.accounts.server_init import upgrade
    from app.errors import StoreError
    from app.store.place import locate

    try:
        with _as_owner(cluster, dbname) as owner_address:
            upgrade(locate(owner_address))
    except StoreError as error:  # made by a build between two releases: made again
        print(f"  the kept dataset cannot be upgraded ({error}); it is made again",
              flush=True)
        return False
    return True


def import_rate(cluster: Cluster, book: Path) -> float:
    """The file bench's import (100k messy rows into a fresh 10-customer demo) on the
    server: rows/s."""
    from app import accounts
    from app.imports.run import run_import

    _fresh_demo(cluster, IMPORT_DB, 10, 1)
    folder = Path(tempfile.mkdtemp())
    manager = accounts.login(client_address(cluster, IMPORT_DB), "manager", "manager-demo-1")
    try:
        result = run_import(manager, "customers", book, errors_to=folder / "e.xlsx")
    finally:
        accounts.logout(manager)
        shutil.rmtree(folder, ignore_errors=True)
        cluster.dropdb(IMPORT_DB)
    return result.read / result.seconds


def backup_times(cluster: Cluster, cache: Path, dbname: str = DBNAME
                 ) -> tuple[float, float] | str:
    """(backup, verify) seconds through `custos backup`'s service, or why it could not run.
    The restore test makes and drops a scratch database: it needs the owner login, given
    as branch IT gives it (the address's user, PGPASSWORD)."""
    with _as_owner(cluster, dbname) as owner_address:
        return _timed_backup(owner_address, Path(tempfile.mkdtemp(dir=cache)))


def _timed_backup(where: str, folder: Path) -> tuple[float, float] | str:
    from app import accounts
    from app.backup import service
    from app.errors import StoreError

    admin = accounts.login(where, "admin", "admin-demo-1")
    try:
        start = time.perf_counter()
        made = service.take_backup(admin, folder)
        backup = time.perf_counter() - start
        start = time.perf_counter()
        report = service.verify_backup(admin, made)
        verify = time.perf_counter() - start
        assert report.ok, report.sentence
        return backup, verify
    except StoreError as error:
        return f"{type(error).__name__}: {error}"
    finally:
        accounts.logout(admin)
        shutil.rmtree(folder, ignore_errors=True)
