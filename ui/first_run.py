"""The first-run flow as plain Python: this PC only (where the file goes, who administers it,
creating it) or joining the branch server (its address and CA file; nothing is created).

Qt-free (as Electrum's wizard.py): each step checks its input by calling app/ and raises a
CustosError with one sentence; the Qt wizard in ui/wizard.py only draws the steps.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from app.accounts import DatabaseCreated, create_database

# app/ checks usernames in a private helper; borrow it until it is public (see report).
from app.accounts.login import check_username
from app.errors import StoreError, ValidationError
from app.i18n import N_, _
from app.security.passwords import check_password
from app.store.database import keyring_path
from app.store.keyring import KdfParams
from app.store.place import join_server
from ui import places
from ui.places import DATABASE_SUFFIX, default_database_path

KEEP_SAFE = N_("Keep this code somewhere safe and apart from the computer. It lets an "
               "administrator back in if every password is lost. It is shown only once.")


def keep_safe_text() -> str:
    return _(KEEP_SAFE)


def with_suffix(text: str) -> Path:
    """The path a person typed, with the .custos ending added if they left it out."""
    path = Path(text.strip()).expanduser()
    if path.suffix.lower() != DATABASE_SUFFIX:
        path = path.with_name(path.name + DATABASE_SUFFIX)
    return path


@dataclass
class FirstRun:
    """The answers gathered so far and, at the end, what was created."""

    location: Path = field(default_factory=default_database_path)
    admin: str = ""
    display_name: str = ""
    password: str = field(default="", repr=False)
    kdf: KdfParams | None = None  # None: tuned Argon2id; tests pass the floor
    created: DatabaseCreated | None = None
    server: str | None = None  # the branch server joined instead (nothing is created)

    def choose_location(self, text: str) -> Path:
        """Step 1: a new file in a folder we can make; nothing is written yet."""
        if not text.strip():
            raise ValidationError(_("Choose where to save the database."), field="location")
        path = with_suffix(text)
        if path.exists() or keyring_path(path).exists():
            raise StoreError(_("{name} already exists; choose another file name.")
                             .format(name=path.name))
        existing = next((p for p in [path.parent, *path.parent.parents] if p.exists()), None)
        if existing is not None and not existing.is_dir():
            raise StoreError(_("The folder {folder} cannot be created.")
                             .format(folder=path.parent))
        self.location = path
        return path

    def join(self, address: str, ca_file: str = "") -> str:
        """Step 1, the other way: join the branch server, the next start's database too."""
        self.server = join_server(address, ca_file)
        places.remember(database=self.server)
        return self.server

    def choose_admin(self, username: str, display_name: str, password: str,
                     again: str) -> None:
        """Step 2: the first administrator; the password rule is app/'s."""
        username = check_username(username)
        if password != again:
            raise ValidationError(_("The two passwords differ."), field="password")
        check_password(username, password)
        self.admin = username.strip()
        self.display_name = display_name.strip()
        self.password = password

    def create(self) -> DatabaseCreated:
        """Step 3: make the folder, the database, its key ring and the recovery code."""
        try:
            self.location.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            raise StoreError(_("The folder {folder} cannot be created.")
                             .format(folder=self.location.parent)) from None
        try:
            self.created = create_database(self.location, self.admin, self.password,
                                           display_name=self.display_name, kdf=self.kdf)
        finally:
            self.password = ""
        return self.created


def recovery_sheet_html(code: str, database_name: str, day: date) -> str:
    """The printable page: the code, which database it opens, when, and why to keep it."""
    esc = html.escape
    return (
        "<html><body style='font-family: sans-serif;'>"
        f"<h2>{esc(_('Custos recovery code'))}</h2>"
        f"<p>{esc(_('Database: {name}').format(name=database_name))}<br/>"
        f"{esc(_('Created on: {date}').format(date=day.isoformat()))}</p>"
        "<p style='font-family: monospace; font-size: 22pt; font-weight: bold;"
        f" letter-spacing: 2px;'>{esc(code)}</p>"
        f"<p>{esc(keep_safe_text())}</p>"
        "</body></html>"
    )
