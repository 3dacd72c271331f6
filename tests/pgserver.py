"""The test run's PostgreSQL: one throwaway cluster per run (scripts/pgcluster.py), a
template Custos database made once, and a fresh clone of it for every test.

A clone is a database of its own, so its logins are its own too (`<clone>.<user>`, their
passwords derived with the clone's name); they join the template's staff group, which
holds the grants the cloned tables carry.
"""

from __future__ import annotations

import atexit
import itertools
import os

import psycopg

from app.accounts.server_init import login_functions_sql
from app.store import server

_state: dict = {}
_names = itertools.count(1)


class External:
    """A server someone already runs (CUSTOS_TEST_PG_SOCKET=/dir:port, superuser trust)."""

    def __init__(self, spec: str) -> None:
        folder, _, port = spec.rpartition(":")
        self.socket_dir, self.port = folder, int(port)
        self.superuser, self.superuser_password = "postgres", None

    def connect(self, dbname: str = "postgres", **kw) -> psycopg.Connection:
        return psycopg.connect(host=self.socket_dir, port=self.port, dbname=dbname,
                               user=self.superuser, password=self.superuser_password,
                               autocommit=True, **kw)

    def address(self, dbname: str) -> str:
        return f"postgresql:///{dbname}?host={self.socket_dir}&port={self.port}"


class Started(External):
    def __init__(self, cluster) -> None:
        self.cluster = cluster
        self.socket_dir, self.port = str(cluster.socket_dir), cluster.port
        self.superuser, self.superuser_password = cluster.superuser, cluster.superuser_password


def cluster():
    """The run's server, started at first use (None: no server binaries here)."""
    if "cluster" in _state:
        return _state["cluster"]
    spec = os.environ.get("CUSTOS_TEST_PG_SOCKET")
    if spec:
        found = External(spec)
    else:
        try:
            from scripts.pgcluster import Cluster
        except ImportError:
            return None
        try:
            started = Cluster.start()
        except (FileNotFoundError, RuntimeError) as error:
            if os.environ.get("CI"):
                raise  # CI installs the server: a missing one is a failure, not a skip
            print(f"no test server: {error}")
            return None
        atexit.register(started.destroy)
        found = Started(started)
    _state["cluster"] = found
    return found


def owner_address(found, dbname: str) -> str:
    """The address with the superuser as the owner login (`custos init` style)."""
    return found.address(dbname) + f"&user={found.superuser}"


def new_template(found, make_database) -> str:
    """A Custos database on the server with the suite's four accounts: the template."""
    name = f"tmpl_{os.getpid()}_{next(_names)}"
    with found.connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    before = os.environ.get("PGPASSWORD")
    if found.superuser_password:  # the owner login, for custos init's part only
        os.environ["PGPASSWORD"] = found.superuser_password
    try:
        make_database(owner_address(found, name))
    finally:
        if before is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = before
    address = found.address(name)
    from tests import conftest

    conftest.RECOVERY_CODES[address] = conftest.RECOVERY_CODES[owner_address(found, name)]
    _state.setdefault("templates", {})[address] = name
    return address


def clone(found, template: str, passwords: dict, users=None) -> str:
    """A database holding exactly what the template holds, with logins for its accounts.

    Copying a database takes the server a few tenths of a second, a thousand times over
    in the server pass: instead a few copies are made once and each is put back to the
    template's rows before it is handed out again (connections ended, every table
    emptied and refilled with triggers off, the accounts' login passwords set again).
    """
    if users is not None:
        return _clone(found, template, passwords, users)
    pools = _state.setdefault("pools", {})
    if template not in pools:
        pools[template] = {"dbs": [_clone(found, template, passwords, None)
                                   for _ in range(POOL)],
                           "rows": _snapshot(found, _state["templates"][template]),
                           "next": 0, "passwords": passwords, "used": set()}
    pool = pools[template]
    address = pool["dbs"][pool["next"] % POOL]
    pool["next"] += 1
    if address in pool["used"]:
        _reset(found, address, pool)
    pool["used"].add(address)
    return address


POOL = 3


def _tables(conn) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]


def _snapshot(found, dbname: str) -> dict[str, bytes]:
    """Every table's rows (COPY's binary form) as the template holds them."""
    rows = {}
    with found.connect(dbname) as conn:
        for table in _tables(conn):
            with conn.cursor().copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as copy:
                rows[table] = b"".join(bytes(block) for block in copy)
    return rows


def _reset(found, address: str, pool: dict) -> None:
    name = _state["templates"][address]
    with found.connect() as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
    with found.connect(name) as conn, conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")  # no triggers
        tables = list(pool["rows"])
        # DELETE (a few rows each; TRUNCATE makes new files), in one round trip
        conn.execute("; ".join(f'DELETE FROM "{t}"' for t in tables))
        for table, data in pool["rows"].items():
            if data:
                with conn.cursor().copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as copy:
                    copy.write(data)
        _set_logins(conn, name, _staff_of(address), pool["passwords"], None)


def _staff_of(address: str) -> str:
    return _state["staff"][address]


def _set_logins(conn, name: str, staff: str, passwords: dict, users) -> None:
    accounts = users or {r.value: pw for r, pw in passwords.items()}
    verifiers = _state.setdefault("verifiers", {})
    for username, password in accounts.items():
        login = server.login_name(name, username)
        key = (username, password)  # the derivation is salted with the name only
        if key not in verifiers:
            verifiers[key] = server.scram_verifier(server.login_password(username,
                                                                         password))
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
        if exists:
            conn.execute(f'ALTER ROLE "{login}" LOGIN PASSWORD \'{verifiers[key]}\'')
        else:
            conn.execute(f'CREATE ROLE "{login}" LOGIN PASSWORD \'{verifiers[key]}\' '
                         f'IN ROLE "{staff}"')


def _clone(found, template: str, passwords: dict, users=None) -> str:
    source = _state["templates"][template]
    name = f"t{os.getpid()}_{next(_names)}"
    with found.connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}" STRATEGY FILE_COPY')
    staff = server.staff_group(source)
    with found.connect() as conn:  # as custos init leaves a database: only staff connect
        conn.execute(f'REVOKE ALL ON DATABASE "{name}" FROM PUBLIC')
        conn.execute(f'GRANT CONNECT ON DATABASE "{name}" TO "{staff}"')
    with found.connect(name) as conn:
        for statement in login_functions_sql(name, staff):
            if statement.startswith("CREATE FUNCTION"):
                conn.execute(statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION",
                                               1))
        _set_logins(conn, name, staff, passwords, users)
    address = found.address(name)
    _state["templates"][address] = name
    _state.setdefault("staff", {})[address] = staff
    return address
