"""PostgreSQL's own tools for a branch server's backups: pg_dump, pg_restore, pg_amcheck.

Each runs with the connection in its environment, never on its command line (where any
user of the PC could read it): the address's host and port, the login, its password in
PGPASSWORD, and over TCP TLS with the server's certificate checked (PGSSLMODE=verify-full
against the address's CA file), as every connection of Custos; a local socket as it is.
A backup is taken as the acting account's own login; a restore (into an empty database,
or the scratch database a verification makes) as the owner login branch IT gave, from
PGUSER/PGPASSWORD or the address, as for `custos init`.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import psycopg

from app.errors import LoginFailed, StoreError
from app.i18n import _
from app.store import server
from app.store.place import ServerAddress

# libpq's environment variable for each connection argument Custos uses.
_ENV = {"host": "PGHOST", "port": "PGPORT", "dbname": "PGDATABASE", "user": "PGUSER",
        "password": "PGPASSWORD", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
        "connect_timeout": "PGCONNECT_TIMEOUT", "application_name": "PGAPPNAME"}
_OWNER_FROM_ENV = ("PGUSER", "PGPASSWORD", "PGPASSFILE")


def tool(name: str) -> str:
    """The path of a PostgreSQL client program: CUSTOS_PG_BINDIR, the newest installed
    server version's folder (Debian keeps each version's tools apart), or the PATH."""
    folders = [os.environ.get("CUSTOS_PG_BINDIR", "")]
    folders += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                      key=lambda f: int(Path(f).parent.name) if Path(f).parent.name.isdigit()
                      else 0, reverse=True)
    for folder in filter(None, folders):
        candidate = Path(folder) / name
        if os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise StoreError(_("PostgreSQL's client tools ({tool}) are not installed on this PC; "
                           "they are needed to back up the branch server.").format(tool=name))
    return found


def tool_env(address: ServerAddress, user: str | None, password: str | None) -> dict:
    """The environment a tool connects with. `user` None: the owner login, as the address
    or PGUSER/PGPASSWORD name it. Other PG* settings of this PC are not passed on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if user is None:
        user, password = address.owner, address.owner_password
        env.update({k: os.environ[k] for k in _OWNER_FROM_ENV if k in os.environ})
    for key, value in address.conninfo(user or "", password).items():
        if value not in (None, ""):
            env[_ENV[key]] = str(value)
    return env


def owner_connection(address: ServerAddress, autocommit: bool = True) -> psycopg.Connection:
    """The owner login, or one sentence saying it was refused."""
    try:
        return server.connect_raw(address, address.owner, address.owner_password,
                                  autocommit=autocommit)
    except LoginFailed:
        raise StoreError(_("The branch server refused the owner login; give it with PGUSER "
                           "and PGPASSWORD, as for custos init.")) from None


def first_line(stderr: bytes | str) -> str:
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:300] if lines else ""


def went_away(stderr: str) -> bool:
    text = stderr.lower()
    return any(sign in text for sign in (
        "server closed the connection", "terminating connection", "connection to server",
        "could not receive data", "could not send data", "connection refused",
        "no connection to the server", "the database system is shutting down"))


def start_dump(address: ServerAddress, login: str, password: str, snapshot: str
               ) -> subprocess.Popen:
    """pg_dump of the database in its custom format, to a pipe, in the snapshot a
    transaction of ours exported (the manifest's counts are of the same moment).

    Compressed at gzip's lowest level: sealed columns are ciphertext and do not shrink,
    the rest (the log's text, tokens' pages) does; the default level took 2.4 times as
    long for 8 % less (2,000-customer demo: 4.4 MB in 2.4 s; 4.8 MB in 1.0 s)."""
    return subprocess.Popen(
        # --enable-row-security: a staff login reads meta, accounts and roles under their
        # row-level rules, whose reading side lets every row through (server_schema).
        [tool("pg_dump"), "--format=custom", "--compress=1", "--no-password",
         "--enable-row-security",
         f"--snapshot={snapshot}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        env=tool_env(address, login, password))


def restore_dump(address: ServerAddress, dump: Path) -> None:
    """The dump into the (empty) database at `address`, as the owner login: owned by it,
    as `custos init` would have made it, in one transaction (all of it, or nothing)."""
    done = subprocess.run(
        [tool("pg_restore"), "--no-password", "--no-owner", "--no-acl", "--exit-on-error",
         "--single-transaction", f"--dbname={address.dbname}", str(dump)],
        capture_output=True, stdin=subprocess.DEVNULL, env=tool_env(address, None, None))
    if done.returncode:
        problem = first_line(done.stderr)
        if went_away(problem):
            raise server.unreachable()
        raise StoreError(_("The branch server could not restore the backup: {problem}")
                         .format(problem=problem))


def amcheck(address: ServerAddress) -> tuple[bool | None, str]:
    """pg_amcheck over every table and index (installing amcheck in the database if the
    owner may). (True, "") sound; (False, what) damage found; (None, why) not run."""
    try:
        program = tool("pg_amcheck")
    except StoreError as error:
        return None, str(error)
    done = subprocess.run(
        [program, "--no-password", "--install-missing", "--heapallindexed",
         f"--database={address.dbname}"],
        capture_output=True, stdin=subprocess.DEVNULL, env=tool_env(address, None, None))
    if done.returncode == 0:
        return True, ""
    if done.returncode == 2:  # pg_amcheck: corruption was found
        return False, first_line(done.stdout) or first_line(done.stderr)
    return None, first_line(done.stderr)
