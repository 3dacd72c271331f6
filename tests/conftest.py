"""Shared fixtures: small encrypted databases with one account per role."""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Server logins' password derivation at its floor (store/server.py), in every process.
os.environ["CUSTOS_TEST_LOGIN_KDF_FLOOR"] = "1"
# The error log (app.crashlog) goes to a folder of the test run's, not the person's.
os.environ.setdefault("CUSTOS_LOG_DIR", tempfile.mkdtemp(prefix="custos-test-log-"))

# An action missing from app/audit_actions is refused, not only noted (app.audit_actions).
os.environ["CUSTOS_UNKNOWN_ACTIONS"] = "refuse"

import app.oversight.alerts  # noqa: F401 - the alert rules watch the catalogue's actions
from app import accounts, audit, audit_actions, i18n
from app.accounts import access
from app.audit_actions.model import Action, Group
from app.demo import sign_confidentiality
from app.security.roles import Role
from app.store import schema
from app.store.keyring import FLOOR

# Which store the suite runs on: "file" (SQLCipher, the default) or "server" (PostgreSQL,
# a throwaway cluster the suite starts itself: scripts/pgcluster.py). `make test` runs both.
STORE = os.environ.get("CUSTOS_TEST_STORE", "file")

# `make reliability` runs every property test with 2,000 examples.
settings.register_profile("reliability", max_examples=2000, deadline=None)
# No per-example deadline: a loaded machine (CI, two cores) must not fail a correct property.
settings.register_profile("suite", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

ADMIN_PW = "admin-password"
PASSWORDS = {
    Role.COUNTER: "counter-password",
    Role.ARCHIVE: "archive-password",
    Role.MANAGER: "manager-password",
    Role.ADMIN: ADMIN_PW,
}


# The audit-head anchors of "this PC" (app/audit_anchor.py) go to a folder of the test's
# own: tests copy one template database, so they all share its database id.
os.environ["CUSTOS_ANCHOR_DIR"] = os.path.join(
    __import__("tempfile").mkdtemp(prefix="custos-anchors-"), "anchors")


@pytest.fixture(autouse=True)
def _own_anchors(tmp_path, monkeypatch):
    monkeypatch.setenv("CUSTOS_ANCHOR_DIR", str(tmp_path / "pc-anchors"))
    # This PC's notes about branch servers (failed logins, CA files): the test's own.
    monkeypatch.setenv("CUSTOS_STATE_DIR", str(tmp_path / "pc-state"))


@pytest.fixture(autouse=True)
def _english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


RECOVERY_CODES: dict[str, str] = {}


def make_database(path: Path) -> Path:
    """A database with admin/counter/archive/manager accounts, passwords in PASSWORDS."""
    created = accounts.create_database(path, "admin", ADMIN_PW, display_name="管理员甲",
                                       kdf=FLOOR)
    admin = accounts.login(path, "admin", ADMIN_PW)
    try:
        for role in (Role.COUNTER, Role.ARCHIVE, Role.MANAGER):
            accounts.add_user(admin, role.value, [role], PASSWORDS[role])
        _passwords_kept(admin)
        for role in (Role.COUNTER, Role.ARCHIVE, Role.MANAGER):
            # Their signed agreements, then their customer-data keys, as the first
            # manager's would be approved.
            sign_confidentiality(admin, role.value)
            access.approve_with_recovery(admin, role.value, created.recovery_code)
    finally:
        accounts.logout(admin)
    RECOVERY_CODES[str(path)] = created.recovery_code  # for tests that need it
    return path


# The suite's own set-up event (below): in the catalogue while the tests run, never in app/.
audit_actions.ACTIONS.setdefault("test.passwords_kept", Action(
    "test.passwords_kept", Group.ACCOUNTS, "Test set-up", "{who} set up the test accounts."))


def _passwords_kept(admin) -> None:
    """The suite's accounts keep the passwords they were given (no change asked at their
    first login): a change on record as the server's trail wants every change to be."""
    with admin.db.write() as conn:
        conn.execute(schema.user.update().values(must_change_password=0))
        audit.append(conn, admin.db, actor=admin.username, action="test.passwords_kept")


def make_old_database(path: Path, monkeypatch, customers: int = 60) -> Path:
    """As a version before role keys wrote it: no customer-data key anywhere, customers in
    plain text (with services and cases). Sealing is left on for what follows."""
    from app.demo_records import fill_records
    from app.store import sealing

    monkeypatch.setattr(sealing, "ENABLED", False)
    with monkeypatch.context() as m:
        m.setattr(sealing, "new_domain_keys", lambda generation=1: [])
        created = accounts.create_database(path, "admin", ADMIN_PW, kdf=FLOOR)
    admin = accounts.login(path, "admin", ADMIN_PW)
    for role in (Role.COUNTER, Role.ARCHIVE, Role.MANAGER):
        accounts.add_user(admin, role.value, [role], PASSWORDS[role])
    _passwords_kept(admin)
    accounts.logout(admin)
    RECOVERY_CODES[str(path)] = created.recovery_code
    manager = accounts.login(path, "manager", PASSWORDS[Role.MANAGER])
    fill_records(manager, customers, random.Random(7))
    accounts.logout(manager)
    monkeypatch.setattr(sealing, "ENABLED", True)
    return path



def pytest_collection_modifyitems(config, items):
    """On the server, tests of what only a file has (its bytes, its ring file, its
    backups, the GUI's file screens) are skipped: they run in the file pass. So are tests
    that open no branch database (`db_path` is what the store choice changes): they would
    run the very same code twice, the server-specific ones with their own cluster."""
    if STORE != "server":
        return
    skip = pytest.mark.skip(reason="the file store only (runs in the file pass)")
    once = pytest.mark.skip(reason="uses no branch database: the file pass runs it")
    for item in items:
        if item.get_closest_marker("file_only") or any(
                part in FILE_ONLY_PARTS for part in Path(str(item.fspath)).parts):
            item.add_marker(skip)
        elif "db_path" not in getattr(item, "fixturenames", ()):
            item.add_marker(once)  # the same test as in the file pass (its own cluster too)


# Folders whose tests are about the file store itself, or about the GUI (which the file
# pass covers): the service-level suite is everything else.
FILE_ONLY_PARTS = {"ui", "installer", "backup", "reliability"}


@pytest.fixture(scope="session")
def pg_cluster():
    """The throwaway PostgreSQL cluster of this test run (server pass, or a test that
    needs a server in the file pass)."""
    from tests.pgserver import cluster

    found = cluster()
    if found is None:
        pytest.skip("no PostgreSQL server binaries here")
    return found


@pytest.fixture(scope="session")
def _template(tmp_path_factory, request):
    if STORE == "server":
        from tests.pgserver import new_template

        cluster = request.getfixturevalue("pg_cluster")
        return new_template(cluster, make_database)
    return make_database(tmp_path_factory.mktemp("template") / "branch.custos")


@pytest.fixture
def db_path(tmp_path: Path, _template, request):
    """A fresh copy of the template database (every test may change its own freely): a
    file, or (server pass) a database cloned from the template on the test cluster."""
    if STORE == "server":
        from tests.pgserver import clone

        return clone(request.getfixturevalue("pg_cluster"), _template, PASSWORDS)
    path = tmp_path / "branch.custos"
    shutil.copyfile(_template, path)
    shutil.copyfile(Path(f"{_template}.keys"), Path(f"{path}.keys"))
    return path


@pytest.fixture
def recovery_code(_template: Path) -> str:
    """The printed recovery code of the test database (`db_path` is a copy of the template)."""
    return RECOVERY_CODES[str(_template)]


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


@pytest.fixture(scope="module")
def server_template(pg_cluster) -> str:
    """A module's own template database on the test server (both passes)."""
    from tests.pgserver import new_template

    return new_template(pg_cluster, make_database)


@pytest.fixture
def server_db(pg_cluster, server_template) -> str:
    """A fresh clone of the module's server template, as a socket address."""
    from tests.pgserver import clone

    return clone(pg_cluster, server_template, PASSWORDS)


@pytest.fixture
def server_fresh(pg_cluster) -> tuple[str, str]:
    """A server database made by `custos init` itself (its own staff group and recovery
    login, which a clone shares with its template), and its recovery code."""
    from tests.pgserver import new_template

    address = new_template(pg_cluster, make_database)
    return address, RECOVERY_CODES[address]
