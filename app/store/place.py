"""Where a branch's records live: one encrypted file on this PC, or the branch's PostgreSQL
server. Everything that takes a "database" (`--db`, CUSTOS_DB, the GUI's choice, a test's
path) passes it through `locate`, and the two kinds are told apart here, once.

A server address is `postgresql://HOST[:PORT]/DBNAME`, optionally with `sslrootcert=FILE`
(the CA that signed the server's certificate) or `host=/socket/dir` (a local socket)
as query parameters. It never carries a secret: staff log in with their Custos name and
password, from which their own PostgreSQL login's password is derived (store/server.py).
Over TCP the connection is TLS with the server's name checked against its certificate
(`verify-full`); only a local Unix socket goes without TLS.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from app.errors import StoreError, ValidationError
from app.i18n import _

SCHEMES = ("postgresql://", "postgres://")
DEFAULT_PORT = 5432
# What an address may say besides host, port and database: never a user or a password.
ALLOWED_PARAMS = {"host", "port", "sslrootcert", "dbname", "user", "connect_timeout",
                  "application_name"}


def is_server(where: object) -> bool:
    return isinstance(where, ServerAddress) or (
        isinstance(where, str) and where.strip().lower().startswith(SCHEMES))


@dataclass(frozen=True)
class ServerAddress:
    """A parsed server address. `host` is a name/IP, or an absolute socket folder."""

    host: str
    port: int
    dbname: str
    ca_file: str | None = None
    owner: str | None = None        # only for `custos init`: the owner login IT gave
    owner_password: str | None = field(default=None, repr=False)
    connect_timeout: int = 5

    @property
    def is_socket(self) -> bool:
        return self.host.startswith("/")

    @property
    def name(self) -> str:
        """How the address is shown to a person (no secret in it)."""
        where = self.host if self.is_socket else f"{self.host}:{self.port}"
        return f"{self.dbname} @ {where}"

    @property
    def key(self) -> str:
        """A stable short name for this database, for files kept on this PC about it."""
        text = f"{self.host}\0{self.port}\0{self.dbname}".encode()
        return hashlib.sha256(text).hexdigest()[:20]

    def url(self) -> str:
        """The address as a person would type it again (no secret)."""
        if self.is_socket:
            base = f"postgresql:///{self.dbname}?host={self.host}"
            if self.port != DEFAULT_PORT:
                base += f"&port={self.port}"
            return base
        base = f"postgresql://{self.host}:{self.port}/{self.dbname}"
        return base + (f"?sslrootcert={self.ca_file}" if self.ca_file else "")

    def __str__(self) -> str:
        return self.url()

    def conninfo(self, user: str, password: str | None) -> dict:
        """psycopg connection arguments for `user`: TLS verify-full over TCP."""
        args = {"host": self.host, "port": self.port, "dbname": self.dbname, "user": user,
                "connect_timeout": self.connect_timeout, "application_name": "custos"}
        if password is not None:
            args["password"] = password
        if self.is_socket:
            args["sslmode"] = "disable"
        else:
            if not self.ca_file:
                raise StoreError(_("The branch server address needs the CA file that signed "
                                   "the server's certificate (--ca FILE)."))
            if not Path(self.ca_file).is_file():
                raise StoreError(_("The CA file {name} does not exist.").format(
                    name=self.ca_file))
            args["sslmode"] = "verify-full"
            args["sslrootcert"] = self.ca_file
        return args

    def with_ca(self, ca_file: str | None) -> ServerAddress:
        from dataclasses import replace

        return replace(self, ca_file=str(Path(ca_file).resolve())) if ca_file else self


def parse_server(text: str, ca_file: str | None = None) -> ServerAddress:
    """`postgresql://HOST[:PORT]/DBNAME[?sslrootcert=…|host=/dir]` -> ServerAddress.

    A user and password in the address are taken only as the owner login for `custos
    init` (and never stored); anything else unexpected is refused with one sentence.
    """
    raw = text.strip()
    bad = _("{address} is not a branch server address (postgresql://HOST[:PORT]/DBNAME).")
    try:
        parts = urlsplit(raw)
        params = dict(parse_qsl(parts.query, keep_blank_values=True, strict_parsing=False))
        port_text = params.get("port") or (str(parts.port) if parts.port else "")
    except ValueError:
        raise StoreError(bad.format(address=_safe(raw))) from None
    unknown = set(params) - ALLOWED_PARAMS
    if unknown:
        raise StoreError(_("The branch server address has a setting Custos does not use: "
                           "{names}.").format(names=", ".join(sorted(unknown))))
    if "sslmode" in params:  # never reached (not allowed); kept for the reader: TLS is ours
        raise StoreError(bad.format(address=_safe(raw)))
    host = params.get("host") or (unquote(parts.hostname) if parts.hostname else "")
    dbname = params.get("dbname") or unquote(parts.path.lstrip("/"))
    if not host or not dbname or "/" in dbname:
        raise StoreError(bad.format(address=_safe(raw)))
    try:
        port = int(port_text) if port_text else DEFAULT_PORT
    except ValueError:
        raise StoreError(bad.format(address=_safe(raw))) from None
    if not 0 < port < 65536:
        raise StoreError(bad.format(address=_safe(raw)))
    if host.startswith("/") and not Path(host).is_dir():
        raise StoreError(_("The socket folder {folder} does not exist.").format(folder=host))
    ca = ca_file or params.get("sslrootcert")
    owner = params.get("user") or (unquote(parts.username) if parts.username else None)
    password = unquote(parts.password) if parts.password else None
    timeout = params.get("connect_timeout")
    address = ServerAddress(host=host, port=port, dbname=dbname,
                            ca_file=str(Path(ca).expanduser().resolve()) if ca else None,
                            owner=owner, owner_password=password,
                            connect_timeout=int(timeout) if timeout and timeout.isdigit()
                            else 5)
    return address


def _safe(text: str) -> str:
    """An address as it may be shown: a password in it is hidden."""
    try:
        parts = urlsplit(text)
        if parts.password:
            return text.replace(f":{parts.password}@", ":***@")
    except ValueError:
        return "(?)"
    return text


def locate(where: object, ca_file: str | None = None) -> Path | ServerAddress:
    """A file path (as today) or a server address; a server's CA file, given once, is
    remembered in this PC's connection profile and found there the next time."""
    if isinstance(where, ServerAddress):
        address = where.with_ca(ca_file) if ca_file else where
    elif is_server(where):
        address = parse_server(str(where), ca_file)
    else:
        return Path(where)
    if address.ca_file:
        if not address.is_socket:
            remember(address)
        return address
    known = profile().get(address.key, {}).get("ca_file")
    return address.with_ca(known) if known else address


def _profile_path() -> Path:
    import os

    import platformdirs

    folder = os.environ.get("CUSTOS_STATE_DIR") or platformdirs.user_config_dir(
        "custos", appauthor=False)
    return Path(folder) / "servers.json"


def profile() -> dict:
    """Server key -> {"address", "ca_file"}: what this PC knows of branch servers. A
    damaged profile reads as empty (the CA is asked for again)."""
    import json

    try:
        data = json.loads(_profile_path().read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict)} \
        if isinstance(data, dict) else {}


def remember(address: ServerAddress) -> None:
    import json

    from app.store.atomic import write_atomic

    known = profile()
    entry = {"address": address.url().split("?")[0], "ca_file": address.ca_file}
    if known.get(address.key) == entry:
        return
    known[address.key] = entry
    path = _profile_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(known, indent=1).encode("utf-8"))
    except OSError:
        pass  # not remembered: it is asked for again next time


def join_server(address: str, ca_file: str = "") -> str:
    """Joining the branch server (the GUI's first run and login): the address checked as
    far as can be without connecting, the CA file put in this PC's profile. Returns the
    address as text."""
    text, ca = address.strip(), ca_file.strip()
    if not text:
        raise ValidationError(_("Type the branch server's address."), field="address")
    if not is_server(text):
        raise ValidationError(_("{address} is not a branch server address "
                                "(postgresql://HOST[:PORT]/DBNAME).").format(address=text),
                              field="address")
    if ca and not Path(ca).expanduser().is_file():
        raise StoreError(_("The CA file {name} does not exist.").format(name=ca))
    located = locate(text, ca or None)
    if not located.is_socket and not located.ca_file:
        raise ValidationError(_("Choose the CA file that signed the branch server's "
                                "certificate; branch IT gives it."), field="ca_file")
    return str(located)
