"""Every service entry point against every role: allowed exactly where the matrix says."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from sqlalchemy import text

import app
from app.errors import CustosError, PermissionDenied
from app.security import ENTRY_POINTS, MATRIX, Permission, Role


def _import_everything() -> None:
    for module in pkgutil.walk_packages(app.__path__, "app."):
        if module.name != "app.cli":
            importlib.import_module(module.name)


_import_everything()


def test_every_permission_is_in_the_matrix():
    assert set(MATRIX) == set(Permission)


def test_design_table_spot_checks():
    assert MATRIX[Permission.ACCOUNTS_MANAGE] == {Role.ADMIN}
    assert Role.ADMIN not in MATRIX[Permission.CUSTOMER_FIND]  # admins see no customer data
    assert Role.ADMIN not in MATRIX[Permission.CUSTOMER_OPEN]
    assert Role.ARCHIVE not in MATRIX[Permission.CUSTOMER_OPEN]
    assert MATRIX[Permission.REQUEST_DECIDE] == {Role.MANAGER}


def test_there_are_entry_points():
    assert len(ENTRY_POINTS) >= 8


@pytest.fixture(scope="module")
def sessions(tmp_path_factory):
    """One database and one session per role for the whole walk: the gate decides before
    any argument is looked at, so the probes cannot disturb each other."""
    from app import accounts

    from ..conftest import PASSWORDS, make_database

    path = make_database(tmp_path_factory.mktemp("matrix") / "branch.custos")
    opened = {role: accounts.login(path, role.value, PASSWORDS[role]) for role in Role}
    yield opened
    for session in opened.values():
        accounts.logout(session)


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("role", list(Role))
def test_entry_point_against_role(sessions, name, role):
    func, permission = ENTRY_POINTS[name]
    session = sessions[role]
    with session.db.read() as conn:
        before = conn.execute(text("SELECT count(*) FROM audit_event WHERE action = "
                                   "'permission.denied'")).scalar()
    allowed = role in MATRIX[permission]
    try:
        # Arguments are nonsense on purpose: the gate must decide before they are looked at.
        func(session, "__probe__", "__probe__", "__probe__")
        denied = False
    except PermissionDenied:
        denied = True
    except (CustosError, TypeError, ValueError, LookupError):
        denied = False
    assert denied is (not allowed), f"{name} for {role}"
    with session.db.read() as conn:
        after = conn.execute(text("SELECT count(*) FROM audit_event WHERE action = "
                                  "'permission.denied'")).scalar()
    assert after == before + (1 if denied else 0), "every denial is an audit event"
