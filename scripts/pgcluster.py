"""A throwaway PostgreSQL cluster in a folder, for the tests and the bench.

    python scripts/pgcluster.py start DIR [--durable]   # prints the connection facts as JSON
    python scripts/pgcluster.py stop DIR
    python scripts/pgcluster.py destroy DIR              # stop and remove DIR

From Python (`python -m pytest` from the repository root puts it on the path):

    from scripts.pgcluster import Cluster
    cluster = Cluster.start()                 # a temporary folder, a free port, TLS on
    cluster.createdb("custos")
    url = cluster.dsn("custos")               # TCP + TLS verify-full against cluster.ca_file
    ...
    cluster.destroy()                         # also done at exit for clusters still running

The server binaries (PostgreSQL 15 or later) are those of `pg_config --bindir`, else the
highest /usr/lib/postgresql/*/bin; CUSTOS_PG_BINDIR names another folder. The server listens
on 127.0.0.1 (TLS only: a throwaway CA signs a certificate for localhost and 127.0.0.1) and
on a Unix socket in the folder; every login is the superuser's SCRAM password. initdb refuses
to run as root: under root the server runs as `nobody`, who owns the folder.

Needs only the standard library and `cryptography`; no PostgreSQL driver.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import functools
import glob
import ipaddress
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

MIN_MAJOR = 15
SUPERUSER = "postgres"
STATE_FILE = "cluster.json"
SERVER_USER_WHEN_ROOT = "nobody"
# The longest Unix socket path the kernel takes (sun_path is 108 bytes with its NUL).
SOCKET_PATH_MAX = 107

# Settings for tests: nothing waits for the disk, enough connections for many writers.
TEST_SETTINGS: dict[str, object] = {
    "fsync": False,
    "synchronous_commit": False,
    "full_page_writes": False,
    "max_connections": 200,
    "shared_buffers": "128MB",
    "log_min_messages": "warning",
}
# durable=True (the bench): the server's own defaults for these.
DURABLE_SETTINGS: dict[str, object] = {
    "fsync": True,
    "synchronous_commit": True,
    "full_page_writes": True,
}


class ClusterError(RuntimeError):
    """The cluster could not be made, started, stopped or reconfigured."""


class PsqlError(ClusterError):
    """psql failed: `stderr` holds its message (a refused login, an SQL error)."""

    def __init__(self, message: str, returncode: int, stderr: str):
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr


# --- the server binaries ------------------------------------------------------------------

@functools.cache
def server_major(bindir: str) -> int | None:
    """The major version of `bindir`/postgres, or None if it does not run."""
    try:
        out = subprocess.run([os.path.join(bindir, "postgres"), "--version"],
                             capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    return int(found.group(1)) if found else None


def _has_server(bindir: Path) -> bool:
    return all(os.access(bindir / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres"))


def find_bindir(min_major: int = MIN_MAJOR) -> Path | None:
    """The folder with initdb, pg_ctl and postgres of PostgreSQL >= `min_major`, or None."""
    candidates: list[Path] = []
    if os.environ.get("CUSTOS_PG_BINDIR"):
        candidates.append(Path(os.environ["CUSTOS_PG_BINDIR"]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 timeout=30).stdout.strip()
        except OSError:
            out = ""
        if out:
            candidates.append(Path(out))

    def version_of(path: str) -> tuple[int, ...]:
        name = Path(path).parent.name
        return tuple(int(part) for part in re.findall(r"\d+", name)) or (0,)

    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                                           key=version_of, reverse=True)]
    for bindir in candidates:
        if _has_server(bindir) and (server_major(str(bindir)) or 0) >= min_major:
            return bindir
    return None


# --- who runs the server ------------------------------------------------------------------

def _server_identity() -> tuple[int, int, list[str]]:
    """(uid, gid, command prefix) of the user that runs initdb, pg_ctl and postgres."""
    if os.geteuid() != 0:
        return os.geteuid(), os.getegid(), []
    entry = pwd.getpwnam(SERVER_USER_WHEN_ROOT)
    if shutil.which("setpriv"):
        prefix = ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}",
                  "--clear-groups", "--"]
    elif shutil.which("runuser"):
        prefix = ["runuser", "-u", entry.pw_name, "--"]
    else:
        raise ClusterError("running as root, but neither setpriv nor runuser is there "
                           "to run PostgreSQL as an unprivileged user")
    return entry.pw_uid, entry.pw_gid, prefix


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without the caller's PG* variables (PGHOST, PGPORT, PGSSLMODE …)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    env["PGCLIENTENCODING"] = "UTF8"
    env.update(extra)
    return env


# --- certificates -------------------------------------------------------------------------

def _make_certificates(tls: Path) -> None:
    """ca.crt; server.crt/.key for localhost and 127.0.0.1; wrong.crt/.key for
    wronghost.example, signed by the same CA (so only the name is wrong)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=365)

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Custos test cluster"),
                          x509.NameAttribute(NameOID.COMMON_NAME, common)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name("Custos throwaway test CA")
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    (tls / "ca.crt").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))

    def leaf(stem: str, common: str, alt_names: list[x509.GeneralName]) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder().subject_name(name(common)).issuer_name(ca_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                ca_ski), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        (tls / f"{stem}.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (tls / f"{stem}.key").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))

    leaf("server", "localhost", [x509.DNSName("localhost"),
                                 x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    leaf("wrong", "wronghost.example", [x509.DNSName("wronghost.example")])
    # The CA's key is not kept: nothing else is ever signed by it.


# --- ports ----------------------------------------------------------------------------------

_ports_lock = threading.Lock()
_ports_taken: set[int] = set()


def _free_port() -> int:
    """A TCP port free on 127.0.0.1 now and not handed to another cluster of this process."""
    with _ports_lock:
        for _ in range(100):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            if port not in _ports_taken:
                _ports_taken.add(port)
                return port
    raise ClusterError("no free TCP port on 127.0.0.1")


def _quote_setting(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


# --- the cluster ----------------------------------------------------------------------------

_live: set[Cluster] = set()
_live_lock = threading.Lock()


class Cluster:
    """One PostgreSQL server in one folder: `data/`, `tls/`, the Unix socket, `postgres.log`
    and `cluster.json` (port and password, so `python scripts/pgcluster.py stop DIR` works)."""

    host = "localhost"           # the name in the server certificate
    superuser = SUPERUSER

    def __init__(self, folder: Path, *, bindir: Path, port: int, password: str,
                 durable: bool = False, settings: dict[str, object] | None = None,
                 plain_tcp: bool = False, tls: bool = True, wrong_cert: bool = False):
        self.folder = Path(folder)
        self.bindir = Path(bindir)
        self.port = port
        self.superuser_password = password
        self.durable = durable
        self.extra_settings: dict[str, object] = dict(settings or {})
        self.plain_tcp = plain_tcp
        self.tls = tls
        self.wrong_cert = wrong_cert
        self.uid, self.gid, self._as_server = _server_identity()
        self.timings: dict[str, float] = {}      # seconds: initdb, start, stop, …
        self._stop_at_exit = False
        self._remove_at_exit = False
        self._owner_pid = os.getpid()

    # -- where things are
    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder

    @property
    def log_file(self) -> Path:
        return self.folder / "postgres.log"

    @property
    def ca_file(self) -> Path:
        return self.folder / "tls" / "ca.crt"

    @property
    def cert_file(self) -> Path:
        return self.folder / "tls" / "server.crt"

    @property
    def key_file(self) -> Path:
        return self.folder / "tls" / "server.key"

    @property
    def wrong_cert_file(self) -> Path:
        """A certificate for wronghost.example from the same CA: verify-full must refuse it."""
        return self.folder / "tls" / "wrong.crt"

    @property
    def wrong_key_file(self) -> Path:
        return self.folder / "tls" / "wrong.key"

    @property
    def version(self) -> int:
        return server_major(str(self.bindir)) or 0

    def __repr__(self) -> str:
        return f"<Cluster {self.folder} port {self.port}>"

    # -- making one
    @classmethod
    def start(cls, folder: str | os.PathLike | None = None, *, durable: bool = False,
              settings: dict[str, object] | None = None,
              stop_at_exit: bool = True) -> Cluster:
        """initdb in `folder` (a new temporary folder if None; else a missing or empty one)
        and start the server. `durable` keeps fsync on (the bench); `settings` override any
        postgresql.conf setting. At exit the server is stopped (and a temporary folder
        removed) unless `stop_at_exit` is False. Under root every folder above `folder` must
        be searchable by `nobody` (pytest's tmp_path is not: leave `folder` None)."""
        bindir = find_bindir()
        if bindir is None:
            raise ClusterError(f"no PostgreSQL {MIN_MAJOR}+ server binaries (initdb, pg_ctl, "
                               "postgres): install the postgresql package")
        uid, gid, as_server = _server_identity()
        if folder is None:
            path = Path(tempfile.mkdtemp(prefix="custos-pg-"))
        else:
            path = Path(folder).absolute()
            if path.exists() and any(path.iterdir()):
                raise ClusterError(f"{path} is not empty")
            path.mkdir(parents=True, exist_ok=True)
        cluster = None
        try:
            longest = len(str(path / ".s.PGSQL.65535"))
            if longest > SOCKET_PATH_MAX:
                raise ClusterError(f"{path} is too long a path for the server's Unix socket "
                                   f"({longest} > {SOCKET_PATH_MAX} characters)")
            cluster = cls(path, bindir=bindir, port=_free_port(),
                          password=secrets.token_urlsafe(24), durable=durable,
                          settings=settings)
            cluster._remove_at_exit = folder is None
            os.chmod(path, 0o711)
            os.chown(path, uid, gid)
            if as_server and subprocess.run([*as_server, "test", "-w", str(path)]).returncode:
                raise ClusterError(f"{SERVER_USER_WHEN_ROOT} cannot reach {path}: every folder "
                                   "above it must be searchable by other users (o+x)")
            cluster._initdb()
            cluster._save_state()
            for attempt in range(5):
                try:
                    cluster._pg_ctl_start()
                    break
                except ClusterError:
                    if attempt == 4 or "could not bind" not in cluster.log_tail():
                        raise
                    cluster.port = _free_port()        # taken since we looked: another one
                    cluster._write_config()
                    cluster._save_state()
        except BaseException:
            if cluster is not None:
                cluster.stop("immediate")      # interrupted while it started
            if folder is None:
                shutil.rmtree(path, ignore_errors=True)
            raise
        if stop_at_exit:
            cluster._stop_at_exit = True
            with _live_lock:
                _live.add(cluster)
        return cluster

    @classmethod
    def open(cls, folder: str | os.PathLike) -> Cluster:
        """The cluster made earlier in `folder` (running or not), from its cluster.json."""
        path = Path(folder).absolute()
        try:
            state = json.loads((path / STATE_FILE).read_text())
        except FileNotFoundError:
            raise ClusterError(f"{path} holds no cluster (no {STATE_FILE})") from None
        bindir = Path(state["bindir"])
        if not _has_server(bindir):
            bindir = find_bindir() or bindir
        return cls(path, bindir=bindir, port=state["port"], password=state["password"],
                   durable=state["durable"], settings=state["settings"],
                   plain_tcp=state["plain_tcp"], tls=state["tls"],
                   wrong_cert=state["wrong_cert"])

    def _save_state(self) -> None:
        state = {"bindir": str(self.bindir), "port": self.port,
                 "password": self.superuser_password, "durable": self.durable,
                 "settings": self.extra_settings, "plain_tcp": self.plain_tcp,
                 "tls": self.tls, "wrong_cert": self.wrong_cert}
        target = self.folder / STATE_FILE
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(state, out, indent=1)

    def _server_file(self, path: Path, text: str | None = None, mode: int = 0o600) -> None:
        """Give `path` (written with `text` if given) to the server's user with `mode`."""
        if text is not None:
            path.write_text(text)
        os.chmod(path, mode)
        os.chown(path, self.uid, self.gid)

    def _run_server_tool(self, args: list[str],
                         timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([*self._as_server, *args], cwd=self.folder, env=_clean_env(),
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    def _initdb(self) -> None:
        began = time.monotonic()
        tls = self.folder / "tls"
        tls.mkdir()
        self._server_file(tls, mode=0o755)
        _make_certificates(tls)
        for name in ("ca.crt", "server.crt", "wrong.crt"):
            self._server_file(tls / name, mode=0o644)
        for name in ("server.key", "wrong.key"):
            self._server_file(tls / name, mode=0o600)
        pwfile = self.folder / "initdb.pw"
        self._server_file(pwfile, self.superuser_password + "\n")
        try:
            done = self._run_server_tool([
                str(self.bindir / "initdb"), "-D", str(self.data_dir), "-U", self.superuser,
                "--auth=scram-sha-256", f"--pwfile={pwfile}", "--encoding=UTF8",
                "--locale=C", "--no-sync", "--no-instructions"])
        finally:
            pwfile.unlink(missing_ok=True)
        if done.returncode:
            raise ClusterError(f"initdb failed:\n{done.stdout}{done.stderr}")
        with open(self.data_dir / "postgresql.conf", "a") as conf:
            conf.write("\n# Custos test cluster: its own settings (scripts/pgcluster.py)\n"
                       "include = 'custos.conf'\n")
        self._write_config()
        self.timings["initdb"] = time.monotonic() - began

    def settings(self) -> dict[str, object]:
        """Every setting this module writes into custos.conf."""
        values: dict[str, object] = dict(TEST_SETTINGS)
        if self.durable:
            values.update(DURABLE_SETTINGS)
        cert, key = ((self.wrong_cert_file, self.wrong_key_file) if self.wrong_cert
                     else (self.cert_file, self.key_file))
        values.update({
            "listen_addresses": "127.0.0.1",
            "port": self.port,
            "unix_socket_directories": str(self.socket_dir),
            "ssl": self.tls,
            "ssl_cert_file": str(cert),
            "ssl_key_file": str(key),
        })
        values.update(self.extra_settings)
        return {k: v for k, v in values.items() if v is not None}

    def _write_config(self) -> None:
        lines = [f"{name} = {_quote_setting(value)}" for name, value in self.settings().items()]
        self._server_file(self.data_dir / "custos.conf", "\n".join(lines) + "\n")
        nossl = "scram-sha-256" if self.plain_tcp else "reject"
        self._server_file(self.data_dir / "pg_hba.conf", (
            "# TYPE     DATABASE  USER  ADDRESS        METHOD\n"
            "local      all       all                  scram-sha-256\n"
            "hostssl    all       all   127.0.0.1/32   scram-sha-256\n"
            f"hostnossl  all       all   127.0.0.1/32   {nossl}\n"))

    # -- running
    def _pg_ctl_start(self) -> None:
        began = time.monotonic()
        done = self._run_server_tool([str(self.bindir / "pg_ctl"), "start", "-D",
                                      str(self.data_dir), "-l", str(self.log_file),
                                      "-w", "-t", "60", "-s"])
        if done.returncode:
            raise ClusterError(f"the server did not start:\n{done.stdout}{done.stderr}"
                               f"{self.log_tail()}")
        self.timings["start"] = time.monotonic() - began

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def postmaster_pid(self) -> int | None:
        """The server's process id while it runs, else None."""
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    @property
    def running(self) -> bool:
        return self.postmaster_pid() is not None

    def start_again(self) -> None:
        """Start the stopped server: the same folder, port and password."""
        if self.running:
            return
        self._pg_ctl_start()
        if self._stop_at_exit and self._owner_pid == os.getpid():
            with _live_lock:
                _live.add(self)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: "smart", "fast" (the default) or "immediate" (as after a crash;
        the next start recovers). A server that does not stop is killed.

        With the test settings (synchronous_commit off) an immediate stop loses the commits
        of the last few hundred milliseconds, as a crash would; a test that needs every
        acknowledged commit to survive turns it on (`reconfigure(synchronous_commit=True)`)
        or starts with `durable=True`. fsync off loses nothing here: the kernel keeps what
        the server wrote."""
        pid = self.postmaster_pid()
        if pid is None:
            return
        began = time.monotonic()
        done = self._run_server_tool([str(self.bindir / "pg_ctl"), "stop", "-D",
                                      str(self.data_dir), "-m", mode, "-w", "-t", "30", "-s"])
        if done.returncode and self.running and mode != "immediate":
            self._run_server_tool([str(self.bindir / "pg_ctl"), "stop", "-D",
                                   str(self.data_dir), "-m", "immediate", "-w", "-t", "10",
                                   "-s"])
        if self.running:
            self._kill(pid)
        self.timings["stop"] = time.monotonic() - began

    def _kill(self, pid: int) -> None:
        """The last resort: SIGKILL the postmaster, then whatever of its children is left."""
        children = [int(p) for p in _children_of(pid)]
        for victim in [pid, *children]:
            try:
                os.kill(victim, signal.SIGKILL)
            except OSError:
                pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in [pid, *children]):
            time.sleep(0.05)

    def restart(self) -> None:
        self.stop()
        self.start_again()

    def destroy(self) -> None:
        """Stop the server and remove the folder."""
        self.stop()
        with _live_lock:
            _live.discard(self)
        shutil.rmtree(self.folder, ignore_errors=True)
        with _ports_lock:
            _ports_taken.discard(self.port)

    # -- reconfiguring a running server
    def reconfigure(self, **settings: object) -> None:
        """Set postgresql.conf settings (None: back to this module's value or the server's
        default) and apply them: reload, or restart when a setting needs it."""
        before = dict(self.extra_settings)
        self.extra_settings.update(settings)
        try:
            self._apply()
        except ClusterError:
            self.extra_settings = before       # the server keeps running as it was
            self._apply()
            raise

    def set_hba_plain_tcp(self, allowed: bool, *, tls: bool = True) -> None:
        """Accept (or, the default, reject) TCP logins without TLS; `tls=False` also turns
        TLS off in the server, so a client requiring it meets a server that does not offer
        it."""
        self.plain_tcp = allowed
        self.tls = tls
        self._apply()

    def use_wrong_cert(self, wrong: bool = True) -> None:
        """Serve the certificate for wronghost.example (verify-full must refuse it), or,
        with False, the right one again."""
        self.wrong_cert = wrong
        self._apply()

    def _apply(self) -> None:
        self._write_config()
        self._save_state()
        if not self.running:
            return
        before = self.psql("SELECT pg_conf_load_time(); SELECT pg_reload_conf();")
        before = before.splitlines()[0]
        # A new session carries the postmaster's load time: once it differs, the postmaster
        # has read the files (settings, pg_hba.conf and the TLS files) again.
        deadline = time.monotonic() + 10
        while self.psql("SELECT pg_conf_load_time()") == before:
            if time.monotonic() > deadline:
                raise ClusterError("the server did not reload its configuration")
            time.sleep(0.01)
        report = self.psql(
            "SELECT coalesce(string_agg(name, ','), '') FROM pg_settings WHERE pending_restart;"
            "SELECT coalesce(string_agg(name || ' = ' || coalesce(setting, ''), ', '), '')"
            " FROM pg_file_settings f WHERE error IS NOT NULL AND NOT EXISTS"
            " (SELECT FROM pg_settings s WHERE s.name = f.name AND s.pending_restart)")
        pending, errors = (report.split("\n") + [""])[:2]
        if errors:
            raise ClusterError(f"the server refused settings ({errors}):\n{self.log_tail(5)}")
        if pending:
            self.restart()

    # -- using it
    def dsn(self, dbname: str = "postgres", tcp: bool = True, *, user: str | None = None,
            password: str | None = None) -> str:
        """A libpq URL. TCP: localhost (the certificate's name) with TLS verify-full against
        ca_file; else the Unix socket. `user` defaults to the superuser, `password` to the
        superuser's (for the superuser); "" leaves it out (then give PGPASSWORD)."""
        user = user or self.superuser
        if password is None:
            password = self.superuser_password if user == self.superuser else ""
        if tcp:
            secret = f":{quote(password, safe='')}" if password else ""
            query = urlencode({"sslmode": "verify-full", "sslrootcert": str(self.ca_file)},
                              quote_via=quote, safe="/")
            return (f"postgresql://{quote(user, safe='')}{secret}@{self.host}:{self.port}/"
                    f"{quote(dbname, safe='')}?{query}")
        params = {"host": str(self.socket_dir), "port": str(self.port), "user": user}
        if password:
            params["password"] = password
        return (f"postgresql:///{quote(dbname, safe='')}?"
                + urlencode(params, quote_via=quote, safe="/"))

    def env(self, user: str | None = None, password: str | None = None) -> dict[str, str]:
        """libpq environment variables for this server over its Unix socket."""
        user = user or self.superuser
        if password is None:
            password = self.superuser_password if user == self.superuser else ""
        env = {"PGHOST": str(self.socket_dir), "PGPORT": str(self.port), "PGUSER": user}
        if password:
            env["PGPASSWORD"] = password
        return env

    def psql(self, sql: str, dbname: str = "postgres", *, dsn: str | None = None,
             user: str | None = None, password: str | None = None,
             timeout: float = 120) -> str:
        """Run `sql` (one or more statements, stopping at the first error) with psql and
        return its unaligned, tuples-only output without the last newline. Connects over the
        Unix socket as the superuser, or to `dsn` (then PGPASSWORD is `password`, else the
        superuser's). Raises PsqlError when psql fails."""
        psql = self.bindir / "psql"
        program = str(psql) if os.access(psql, os.X_OK) else (shutil.which("psql") or "psql")
        if dsn is None:
            env = _clean_env(**self.env(user, password), PGCONNECT_TIMEOUT="10")
            target = ["-d", dbname]
        else:
            env = _clean_env(PGPASSWORD=self.superuser_password if password is None
                             else password, PGCONNECT_TIMEOUT="10")
            target = ["-d", dsn]
        done = subprocess.run([program, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                               *target, "-f", "-"], input=sql, env=env, capture_output=True,
                              text=True, encoding="utf-8", timeout=timeout)
        if done.returncode:
            raise PsqlError(f"psql failed ({done.returncode}): {done.stderr.strip()}",
                            done.returncode, done.stderr)
        out = done.stdout
        return out[:-1] if out.endswith("\n") else out

    def createdb(self, name: str, template: str | None = None, owner: str | None = None) -> None:
        sql = f"CREATE DATABASE {quote_ident(name)}"
        if template:
            sql += f" TEMPLATE {quote_ident(template)}"
        if owner:
            sql += f" OWNER {quote_ident(owner)}"
        self.psql(sql)

    def dropdb(self, name: str) -> None:
        """Drop the database if it exists, ending its sessions."""
        self.psql(f"DROP DATABASE IF EXISTS {quote_ident(name)} WITH (FORCE)")

    def facts(self) -> dict[str, object]:
        """What a client needs, as JSON-ready values."""
        return {"folder": str(self.folder), "running": self.running, "version": self.version,
                "host": self.host, "port": self.port, "socket_dir": str(self.socket_dir),
                "ca_file": str(self.ca_file), "superuser": self.superuser,
                "superuser_password": self.superuser_password,
                "dsn_tcp": self.dsn(), "dsn_socket": self.dsn(tcp=False),
                "log_file": str(self.log_file)}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:   # a zombie is dead for our purposes
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return True


def _children_of(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


@atexit.register
def _stop_all() -> None:
    """Stop the servers this process started (and remove their temporary folders); a
    forked child that exits leaves its parent's servers alone."""
    with _live_lock:
        clusters = [c for c in _live if c._owner_pid == os.getpid()]
    for cluster in clusters:
        try:
            cluster.destroy() if cluster._remove_at_exit else cluster.stop()
        except Exception as exc:   # at exit: report and carry on
            print(f"pgcluster: could not stop {cluster.folder}: {exc}", file=sys.stderr)


# --- the command line ---------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pgcluster", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="make (or start again) the cluster in DIR")
    start.add_argument("folder", metavar="DIR")
    start.add_argument("--durable", action="store_true", help="keep fsync on (for the bench)")
    for name, text in (("stop", "stop the cluster in DIR"),
                       ("destroy", "stop the cluster in DIR and remove DIR")):
        commands.add_parser(name, help=text).add_argument("folder", metavar="DIR")
    args = parser.parse_args(argv)
    try:
        folder = Path(args.folder)
        if args.command == "start":
            if (folder / STATE_FILE).exists():
                cluster = Cluster.open(folder)
                cluster.start_again()
            else:
                cluster = Cluster.start(folder, durable=args.durable, stop_at_exit=False)
        else:
            cluster = Cluster.open(folder)
            cluster.destroy() if args.command == "destroy" else cluster.stop()
    except ClusterError as exc:
        print(f"pgcluster: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(cluster.facts(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
