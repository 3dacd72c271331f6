"""The throwaway PostgreSQL cluster the server-store tests and the bench run against
(scripts/pgcluster.py): TLS verify-full over TCP, the Unix socket, plain TCP refused, a
stop and a start again, and nothing left behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from scripts.pgcluster import Cluster, PsqlError, find_bindir

pytestmark = pytest.mark.skipif(
    find_bindir() is None,
    reason="no PostgreSQL 15+ server binaries (initdb, pg_ctl, postgres) on this machine: "
           "`sh scripts/system-deps.sh test` installs them")

ROOT = Path(__file__).resolve().parents[2]


def _processes_in(folder: Path) -> list[str]:
    """Command lines of live processes that name `folder` (a server left behind)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().split(") ", 1)[1][0]
        except (OSError, IndexError):
            continue
        if str(folder) in args and state != "Z":
            found.append(f"{entry.name}: {args}")
    return found


def _tcp(cluster: Cluster, **params: str) -> str:
    """A key=value conninfo to 127.0.0.1's server by the name in its certificate."""
    values = {"host": "localhost", "port": str(cluster.port), "user": cluster.superuser,
              "dbname": "postgres", "connect_timeout": "10", **params}
    return " ".join(f"{k}={v}" for k, v in values.items())


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster.start()
    yield cluster
    cluster.destroy()


def test_a_cluster_starts_serves_stops_and_starts_again_within_seconds(cluster):
    other = cluster
    began = time.monotonic()
    cluster = Cluster.start()
    started = time.monotonic() - began
    try:
        assert cluster.running and cluster.version >= 15
        # A second cluster of the same process: its own port and password.
        assert cluster.port != other.port
        assert cluster.superuser_password != other.superuser_password
        assert cluster.psql("SHOW fsync; SHOW max_connections; SHOW server_encoding") == \
            "off\n200\nUTF8"
        cluster.createdb("branch")
        # TCP: TLS, the server's certificate checked against the throwaway CA.
        assert cluster.psql(
            "SELECT current_database(), ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            dsn=_tcp(cluster, dbname="branch", sslmode="verify-full",
                     sslrootcert=str(cluster.ca_file))) == "branch|t"
        assert cluster.psql("SELECT current_database()", dsn=cluster.dsn("branch")) == "branch"
        # The Unix socket in the folder.
        assert cluster.psql("SELECT inet_server_addr() IS NULL", dbname="branch") == "t"
        assert cluster.psql("SELECT 1", dsn=cluster.dsn("branch", tcp=False)) == "1"

        cluster.psql("CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)", dbname="branch")
        began = time.monotonic()
        cluster.stop()
        stopped = time.monotonic() - began
        assert not cluster.running
        with pytest.raises(PsqlError):
            cluster.psql("SELECT 1")
        began = time.monotonic()
        cluster.start_again()
        restarted = time.monotonic() - began
        assert cluster.psql("SELECT n FROM kept", dsn=cluster.dsn("branch")) == "7"

        # A crash-like stop: the server recovers on its next start. A commit survives it only
        # with synchronous_commit on (the test settings have it off: the last commits'
        # WAL may still be in the server's memory).
        cluster.reconfigure(synchronous_commit=True)
        cluster.psql("INSERT INTO kept VALUES (8)", dbname="branch")
        cluster.stop("immediate")
        cluster.start_again()
        assert cluster.psql("SELECT count(*) FROM kept", dbname="branch") == "2"
        cluster.dropdb("branch")
        assert "branch" not in cluster.psql("SELECT datname FROM pg_database").split()
    finally:
        folder = cluster.folder
        cluster.destroy()
    assert not folder.exists()
    assert _processes_in(folder) == []
    print(f"start {started:.2f} s, stop {stopped:.2f} s, start again {restarted:.2f} s")
    assert started < 10 and stopped < 5 and restarted < 5


def test_plain_tcp_is_rejected_unless_allowed(cluster):
    with pytest.raises(PsqlError, match="no encryption"):
        cluster.psql("SELECT 1", dsn=_tcp(cluster, sslmode="disable"))
    cluster.set_hba_plain_tcp(True)
    try:
        assert cluster.psql("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                            dsn=_tcp(cluster, sslmode="disable")) == "f"
        # A server that does not offer TLS at all: a client requiring it refuses to go on.
        cluster.set_hba_plain_tcp(True, tls=False)
        with pytest.raises(PsqlError, match="server does not support SSL"):
            cluster.psql("SELECT 1", dsn=cluster.dsn())
    finally:
        cluster.set_hba_plain_tcp(False)
    with pytest.raises(PsqlError, match="no encryption"):
        cluster.psql("SELECT 1", dsn=_tcp(cluster, sslmode="disable"))
    assert cluster.psql("SELECT 1", dsn=cluster.dsn()) == "1"


def test_verify_full_refuses_a_certificate_for_another_name(cluster):
    cluster.use_wrong_cert()
    try:
        with pytest.raises(PsqlError, match="does not match host name"):
            cluster.psql("SELECT 1", dsn=cluster.dsn())
        # Signed by the same CA: only the name is wrong.
        assert cluster.psql("SELECT 1", dsn=_tcp(cluster, sslmode="verify-ca",
                                                 sslrootcert=str(cluster.ca_file))) == "1"
    finally:
        cluster.use_wrong_cert(False)
    assert cluster.psql("SELECT 1", dsn=cluster.dsn()) == "1"


def test_a_wrong_password_is_refused(cluster):
    with pytest.raises(PsqlError, match="password authentication failed"):
        cluster.psql("SELECT 1", password="not-the-password")
    with pytest.raises(PsqlError, match="password authentication failed"):
        cluster.psql("SELECT 1", dsn=cluster.dsn(password=""), password="not-the-password")


def test_reconfigure_reloads_or_restarts_and_refuses_bad_values(cluster):
    cluster.reconfigure(work_mem="8MB", shared_buffers="64MB")    # the second needs a restart
    try:
        assert cluster.psql("SHOW work_mem; SHOW shared_buffers") == "8MB\n64MB"
        with pytest.raises(Exception, match="work_mem"):
            cluster.reconfigure(work_mem="lots")
        assert cluster.psql("SHOW work_mem") == "8MB"
    finally:
        cluster.reconfigure(work_mem=None, shared_buffers=None)
    assert cluster.psql("SHOW shared_buffers") == "128MB"


def test_psycopg_connects_over_tls_and_the_socket(cluster):
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(cluster.dsn()) as conn:
        assert conn.pgconn.ssl_in_use
        assert conn.execute("SELECT current_user").fetchone() == (cluster.superuser,)
    with psycopg.connect(cluster.dsn(tcp=False)) as conn:
        assert conn.execute("SELECT inet_server_addr()").fetchone() == (None,)


def test_the_command_line_starts_stops_and_destroys():
    folder = Path(tempfile.gettempdir()) / f"custos-pg-cli-{os.getpid()}-{time.time_ns()}"

    def cli(*args: str) -> dict:
        done = subprocess.run([sys.executable, "scripts/pgcluster.py", *args, str(folder)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    try:
        facts = cli("start")
        assert facts["running"] and Path(facts["ca_file"]).is_file()
        # The server outlives the command that started it.
        cluster = Cluster.open(folder)
        assert cluster.psql("SELECT 1", dsn=facts["dsn_tcp"]) == "1"
        assert cluster.psql("SELECT 1", dsn=facts["dsn_socket"]) == "1"
        assert not cli("stop")["running"]
        assert cli("start")["port"] == facts["port"]
        assert not cli("destroy")["running"]
        assert not folder.exists()
    finally:
        if folder.exists():
            Cluster.open(folder).destroy()
    assert _processes_in(folder) == []
