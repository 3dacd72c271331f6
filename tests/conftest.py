"""Shared fixtures: small encrypted databases with one account per role."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app import accounts, i18n
from app.security.roles import Role
from app.store import schema
from app.store.keyring import FLOOR

ADMIN_PW = "admin-password"
PASSWORDS = {
    Role.COUNTER: "counter-password",
    Role.ARCHIVE: "archive-password",
    Role.MANAGER: "manager-password",
    Role.ADMIN: ADMIN_PW,
}


@pytest.fixture(autouse=True)
def _english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database with admin/counter/archive/manager accounts, passwords in PASSWORDS."""
    path = tmp_path / "branch.custos"
    accounts.create_database(path, "admin", ADMIN_PW, display_name="管理员甲", kdf=FLOOR)
    admin = accounts.login(path, "admin", ADMIN_PW)
    try:
        for role in (Role.COUNTER, Role.ARCHIVE, Role.MANAGER):
            accounts.add_user(admin, role.value, [role], PASSWORDS[role])
        with admin.db.write() as conn:
            conn.execute(schema.user.update().values(must_change_password=0))
    finally:
        accounts.logout(admin)
    return path


@pytest.fixture
def login(db_path):
    """login(role) -> Session; every session is logged out at teardown."""
    opened = []

    def _login(role: Role | str):
        role = Role(role)
        session = accounts.login(db_path, role.value, PASSWORDS[role])
        opened.append(session)
        return session

    yield _login
    for session in opened:
        accounts.logout(session)
