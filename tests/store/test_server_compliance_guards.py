"""The compliance file's rules on the branch server itself (store/server_guards.py): what a
staff login types with psql under its own password is held to what the program allows. The
insider knows their own Custos password, so their PostgreSQL login's too."""

from __future__ import annotations

import psycopg
import pytest

from app import accounts
from app.security.roles import Role
from app.store import server, server_guards, server_schema
from app.store.place import locate
from tests import pgserver
from tests.conftest import PASSWORDS
from tests.store.test_server import _customer, _login
from tests.store.test_server import _staff_conn as _psql

COUNTER, ARCHIVE, MANAGER, ADMIN = Role.COUNTER, Role.ARCHIVE, Role.MANAGER, Role.ADMIN
AT = "'2026-11-01T09:00:00Z'"
BREACH = ("INSERT INTO breach (detected_at, summary, regulator_due, customers_due, "
          f"reported_by, reported_at{{cols}}) VALUES ({AT}, 'laptop lost', {AT}, {AT}, "
          f"{{who}}, {AT}{{vals}})")
EXPORT = ("INSERT INTO export_approval (kind, reason, requested_by, requested_at{cols}) "
          f"VALUES ('marketing', 'mailing', {{who}}, {AT}{{vals}})")
ALERT = ("INSERT INTO alert (rule, actor, created_at, window_key, evidence, summary{cols}) "
         f"VALUES ('after_hours', 'archive', {AT}, {{window}}, '[]', '{{{{}}}}'{{vals}})")
DISCLOSE = ("INSERT INTO disclosure (customer_id, partner_id, data_items, purpose, legal_basis, "
            f"disclosed_by, disclosed_at) VALUES ({{customer}}, 1, 'name', 'delivery', "
            f"{{basis}}, {{who}}, {AT})")
ASSESS = ("INSERT INTO impact_assessment (activity, version, purpose, necessity, data_items, "
          "risks, measures, conclusion, assessed_by, assessed_on, review_by, recorded_at"
          f"{{cols}}) VALUES ('marketing', {{version}}, 'p', 'n', '[]', '[]', 'm', 'c', "
          f"'manager', '2026-11-01', '2027-11-01', {AT}{{vals}})")


@pytest.fixture
def where(server_db, pg_cluster):
    """A clone of the module's template with one of everything, written by the owner: an
    open breach with a customer, a partner, an export request of the counter's (1) and an
    approved one (2), an open review (1) and a signed one (2) with a decision each, an
    unapproved assessment, an open alert."""
    counter = _login(server_db, COUNTER)
    _customer(counter)
    accounts.logout(counter)
    with _owner(pg_cluster, server_db) as conn:
        customer = conn.execute("SELECT min(id) FROM customer").fetchone()[0]
        for statement in (
                BREACH.format(who="'counter'", cols=", id", vals=", 1"),
                f"INSERT INTO breach_customer VALUES (1, {customer})",
                "INSERT INTO partner (id, name, purpose, data_items, added_by, added_at) "
                f"VALUES (1, 'Courier Ltd', 'delivery', 'name', 'manager', {AT})",
                EXPORT.format(who="'counter'", cols=", id", vals=", 1"),
                EXPORT.format(who="'counter'", cols=", id, approved, decided_by, decided_at",
                              vals=", 2, 1, 'manager', '2999-01-01T00:00:00Z'"),
                f"INSERT INTO permission_review (id, started_at, started_by) VALUES (1, {AT}, "
                "'manager')",
                "INSERT INTO permission_review (id, started_at, started_by, signed_at, "
                f"signed_by, signature_seq) VALUES (2, {AT}, 'manager', {AT}, 'manager', 1)",
                "INSERT INTO review_decision (id, review_id, username, roles_before, "
                "decision, note, decided_by, decided_at) VALUES "
                f"(1, 1, 'counter', '[]', 'keep', 'ok', 'manager', {AT}), "
                f"(2, 2, 'archive', '[]', 'disable', 'left', 'manager', {AT})",
                ASSESS.format(version=1, cols=", id", vals=", 1"),
                ALERT.format(window="'w1'", cols=", id", vals=", 1")):
            conn.execute(statement)
    return server_db


def _owner(cluster, where: str) -> psycopg.Connection:
    return cluster.connect(locate(where).dbname)


def _snapshot(cluster, where: str) -> dict[str, list]:
    with _owner(cluster, where) as conn:
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1, 2').fetchall()
                for t in server_guards.GUARDS}


def _refused(where: str, role: Role, statement: str) -> None:
    """Refused aloud, or (a row the login may not touch is not there for it) nothing done."""
    with _psql(where, role) as conn:
        try:
            done = conn.execute(statement).rowcount
        except psycopg.Error:
            return
    assert done == 0, f"{role.value} could: {statement}"


def _allowed(where: str, role: Role, statement: str) -> None:
    with _psql(where, role) as conn:
        assert conn.execute(statement).rowcount == 1, statement


def _customer_id(cluster, where: str) -> int:
    with _owner(cluster, where) as conn:
        return conn.execute("SELECT min(id) FROM customer").fetchone()[0]


# What the security review ran as the counter clerk (and as the archive clerk), and more.
CLERKS_MAY_NOT = [
    "UPDATE breach SET state = 'closed', closed_by = 'counter', closed_at = now()::text",
    "UPDATE breach SET summary = 'nothing happened'",
    "DELETE FROM breach_customer",
    "UPDATE breach_customer SET breach_id = breach_id",
    BREACH.format(who="'counter'", cols=", state, closed_by, closed_at",
                  vals=", 'closed', 'counter', '2026-11-02T00:00:00Z'"),
    "INSERT INTO breach_notice (breach_id, recipient, file_name, sha256, sent_by, sent_at) "
    f"VALUES (1, 'regulator', 'x.pdf', 'ab', 'counter', {AT})",
    "UPDATE alert SET acknowledged_by = 'counter', acknowledged_at = now()::text, note = 'n'",
    "UPDATE alert SET actor = 'someone else'",
    "DELETE FROM alert",
    ALERT.format(window="'w2'", cols=", acknowledged_by, acknowledged_at",
                 vals=f", 'counter', {AT}"),
    "UPDATE export_approval SET approved = 1, decided_by = 'counter', "
    "decided_at = '2999-01-01T00:00:00Z' WHERE id = 1",
    "UPDATE export_approval SET rows_expected = 99 WHERE id = 2",
    "DELETE FROM export_approval",
    EXPORT.format(who="'manager'", cols="", vals=""),
    EXPORT.format(who="'counter'", cols=", approved, decided_by, decided_at",
                  vals=", 1, 'counter', '2999-01-01T00:00:00Z'"),
    EXPORT.format(who="'archive'", cols=", used_at", vals=f", {AT}"),
    "UPDATE partner SET data_items = 'name,id_number'",
    "DELETE FROM partner",
    "INSERT INTO partner (name, purpose, data_items, added_by, added_at) "
    f"VALUES ('Broker', 'resale', 'name', 'counter', {AT})",
    "INSERT INTO partner_agreement (partner_id, valid_from, valid_until, file_name, sha256, "
    f"recorded_by, recorded_at) VALUES (1, '2026-01-01', '2099-01-01', 'a.pdf', 'ab', "
    f"'counter', {AT})",
    "INSERT INTO partner_check (partner_id, checked_on, finding, checked_by, recorded_at) "
    f"VALUES (1, '2026-11-01', 'fine', 'counter', {AT})",
    "INSERT INTO permission_review (started_at, started_by) VALUES (now()::text, 'counter')",
    "UPDATE permission_review SET signed_at = now()::text, signed_by = 'counter', "
    "signature_seq = 1 WHERE id = 1",
    "DELETE FROM review_decision WHERE review_id = 1",
    "UPDATE review_decision SET decision = 'disable' WHERE id = 1",
    "UPDATE review_decision SET done_by = 'counter', done_at = now()::text WHERE id = 2",
    "INSERT INTO review_decision (review_id, username, roles_before, decision, note, "
    f"decided_by, decided_at) VALUES (1, 'archive', '[]', 'keep', 'ok', 'counter', {AT})",
    ASSESS.format(version=2, cols="", vals=""),
    "UPDATE impact_assessment SET approved_by = 'counter', approved_at = now()::text",
]


@pytest.mark.parametrize("role", [COUNTER, ARCHIVE])
def test_a_clerks_login_cannot_write_the_compliance_file_by_hand(where, pg_cluster, role):
    before = _snapshot(pg_cluster, where)
    customer = _customer_id(pg_cluster, where)
    for statement in [*CLERKS_MAY_NOT,
                      DISCLOSE.format(customer=customer, basis="'a law says so'",
                                      who=f"'{role.value}'")]:
        _refused(where, role, statement)
    if role is ARCHIVE:  # a disclosure is recorded at the counter (or by a manager)
        _refused(where, role, DISCLOSE.format(customer=customer, basis="''", who="'archive'"))
    assert _snapshot(pg_cluster, where) == before


def test_a_manager_decides_but_not_as_someone_else_and_never_for_the_requester(
        where, pg_cluster):
    before = _snapshot(pg_cluster, where)
    for statement in (
            "UPDATE export_approval SET approved = 1, decided_by = 'admin', "
            "decided_at = now()::text WHERE id = 1",  # as another account
            "UPDATE export_approval SET approved = 0, decided_by = 'manager', "
            "decided_at = now()::text WHERE id = 2",  # decided already
            "UPDATE export_approval SET used_at = now()::text, rows_written = 5, "
            "file_name = 'list.xlsx' WHERE id = 2",  # the counter's approval
            "UPDATE alert SET acknowledged_by = 'admin', acknowledged_at = now()::text, "
            "note = 'seen'",
            "UPDATE review_decision SET done_by = 'manager', done_at = now()::text "
            "WHERE id = 2",  # an administrator's to carry out
            "INSERT INTO permission_review (started_at, started_by, signed_at, signed_by, "
            "signature_seq) VALUES (now()::text, 'manager', now()::text, 'manager', 9)",
            "UPDATE permission_review SET signed_at = now()::text, signed_by = 'admin', "
            "signature_seq = 3 WHERE id = 1",
            ASSESS.format(version=2, cols=", approved_by, approved_at",
                          vals=f", 'manager', {AT}"),
            ASSESS.format(version=2, cols=", superseded_by, superseded_at",
                          vals=f", 1, {AT}"),
            "UPDATE impact_assessment SET approved_by = 'admin', approved_at = now()::text",
            "INSERT INTO review_decision (review_id, username, roles_before, decision, note, "
            f"decided_by, decided_at) VALUES (1, 'archive', '[]', 'keep', 'ok', 'admin', {AT})",
            "DELETE FROM alert", "DELETE FROM export_approval"):
        _refused(where, MANAGER, statement)
    for statement in (
            "UPDATE review_decision SET done_by = 'manager', done_at = now()::text "
            "WHERE id = 2",  # as another account
            "UPDATE review_decision SET decision = 'disable' WHERE id = 1",
            "UPDATE breach SET state = 'closed'",
            "INSERT INTO partner (name, purpose, data_items, added_by, added_at) "
            f"VALUES ('Broker', 'resale', 'name', 'admin', {AT})"):
        _refused(where, ADMIN, statement)
    assert _snapshot(pg_cluster, where) == before


def test_what_the_program_does_still_passes(where, pg_cluster):
    customer = _customer_id(pg_cluster, where)
    # anyone: an incident reported (born open), customers linked, an alert raised and its
    # evidence grown, an export asked for as oneself
    _allowed(where, ARCHIVE, BREACH.format(who="'archive'", cols=", id", vals=", 2"))
    _allowed(where, COUNTER, f"INSERT INTO breach_customer VALUES (2, {customer})")
    _allowed(where, COUNTER, ALERT.format(window="'w3'", cols="", vals=""))
    _allowed(where, ARCHIVE, "UPDATE alert SET evidence = '[1, 2]' WHERE id = 1")
    _allowed(where, ARCHIVE, EXPORT.format(who="'archive'", cols="", vals=""))
    _allowed(where, COUNTER, DISCLOSE.format(customer=customer, basis="''", who="'counter'"))
    # a manager: handles the breach, decides the export, acknowledges the alert
    _allowed(where, MANAGER, "UPDATE breach SET measures = 'wiped remotely', "
             "updated_by = 'manager' WHERE id = 1")
    _allowed(where, MANAGER, "DELETE FROM breach_customer WHERE breach_id = 2")
    _allowed(where, MANAGER, DISCLOSE.format(customer=customer, basis="'court order'",
                                             who="'manager'"))
    _allowed(where, MANAGER, "UPDATE export_approval SET approved = 1, "
             "decided_by = 'manager', decided_at = '2999-01-01T00:00:00Z' WHERE id = 1")
    _allowed(where, MANAGER, "UPDATE alert SET acknowledged_by = 'manager', "
             "acknowledged_at = now()::text, note = 'looked into it' WHERE id = 1")
    _allowed(where, MANAGER, "UPDATE impact_assessment SET approved_by = 'manager', "
             "approved_at = now()::text WHERE id = 1")
    _allowed(where, MANAGER, "INSERT INTO review_decision (review_id, username, "
             "roles_before, decision, note, decided_by, decided_at) VALUES (1, 'archive', "
             f"'[]', 'keep', 'ok', 'manager', {AT})")
    _allowed(where, MANAGER, "UPDATE partner SET purpose_en = 'delivery' WHERE id = 1")
    _allowed(where, MANAGER, "UPDATE permission_review SET signed_at = now()::text, "
             "signed_by = 'manager', signature_seq = 7 WHERE id = 1")
    # the requester uses the approval, once; an administrator carries out a decision
    _allowed(where, COUNTER, "UPDATE export_approval SET used_at = now()::text, "
             "rows_written = 3, file_name = 'list.xlsx' WHERE id = 1")
    _refused(where, COUNTER, "UPDATE export_approval SET used_at = now()::text WHERE id = 1")
    _allowed(where, ADMIN, "UPDATE review_decision SET done_by = 'admin', "
             "done_at = now()::text WHERE id = 2")


def test_a_disabled_managers_login_is_a_clerks(where, pg_cluster):
    with _owner(pg_cluster, where) as conn:
        conn.execute("UPDATE \"user\" SET disabled = 1 WHERE username = 'manager'")
    _refused(where, MANAGER, "UPDATE breach SET measures = 'x', updated_by = 'manager' "
             "WHERE id = 1")


def _as_before_guards(cluster, where: str) -> None:
    """What an earlier version of Custos left: no rules on the compliance file."""
    staff = server.staff_group(locate(where).dbname)
    with _owner(cluster, where) as conn:
        policies = conn.execute("SELECT policyname, tablename FROM pg_policies WHERE "
                                "tablename = ANY(%s)", (list(server_guards.GUARDS),))
        for policy, table in policies.fetchall():
            conn.execute(f'DROP POLICY "{policy}" ON "{table}"')
        conn.execute(f"DROP FUNCTION {server_guards.HOLDS}(TEXT)")
        for table, rule in server_guards.GUARDS.items():
            conn.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
            conn.execute(server_schema.table_grant_sql(table, staff))
            if rule.columns:
                conn.execute(f'DROP FUNCTION "{server_guards.columns_trigger(table)}"() '
                             "CASCADE")


def test_custos_upgrade_gives_an_older_database_the_rules(server_fresh, pg_cluster,
                                                          monkeypatch):
    from app.accounts.server_init import upgrade

    where = server_fresh[0]
    _as_before_guards(pg_cluster, where)
    with pytest.raises(Exception, match="older version of Custos"):
        accounts.login(where, "counter", PASSWORDS[COUNTER])
    if pg_cluster.superuser_password:
        monkeypatch.setenv("PGPASSWORD", pg_cluster.superuser_password)
    address = locate(pgserver.owner_address(pg_cluster, locate(where).dbname))
    upgrade(address)
    upgrade(address)  # a second time: the same rules, nothing doubled
    with _owner(pg_cluster, where) as conn:
        policies = conn.execute("SELECT count(*) FROM pg_policies WHERE tablename = "
                                "ANY(%s)", (list(server_guards.GUARDS),)).fetchone()[0]
        triggers = conn.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE "
                                "'%%_columns_fixed'").fetchone()[0]
    assert triggers == sum(1 for r in server_guards.GUARDS.values() if r.columns)
    assert policies == sum(1 + sum(x is not None for x in (r.insert, r.update, r.delete))
                           for r in server_guards.GUARDS.values())
    accounts.logout(accounts.login(where, "counter", PASSWORDS[COUNTER]))
    _refused(where, COUNTER, "INSERT INTO partner (name, purpose, data_items, added_by, "
             f"added_at) VALUES ('Broker', 'resale', 'name', 'counter', {AT})")


def test_whoever_records_something_records_it_in_their_own_name(where, pg_cluster):
    """The actor columns name the login's own account: nobody records in another's name."""
    customer = _customer_id(pg_cluster, where)
    before = _snapshot(pg_cluster, where)
    _refused(where, COUNTER, BREACH.format(who="'manager'", cols="", vals=""))
    _refused(where, COUNTER, DISCLOSE.format(customer=customer, basis="''", who="'manager'"))
    for statement in (
            "UPDATE breach SET measures = 'nothing to do' WHERE id = 1",  # as it was
            "UPDATE breach SET measures = 'nothing to do', updated_by = 'admin' WHERE id = 1",
            "UPDATE breach SET reported_by = 'archive', updated_by = 'manager' WHERE id = 1",
            "UPDATE breach SET state = 'closed', closed_by = 'admin', "
            "closed_at = now()::text, close_reason = 'r', updated_by = 'manager' WHERE id = 1",
            "INSERT INTO breach_notice (breach_id, recipient, file_name, sha256, sent_by, "
            f"sent_at) VALUES (1, 'regulator', 'x.pdf', 'ab', 'admin', {AT})",
            "INSERT INTO partner (name, purpose, data_items, added_by, added_at) "
            f"VALUES ('Broker', 'resale', 'name', 'admin', {AT})",
            "INSERT INTO partner_check (partner_id, checked_on, finding, checked_by, "
            f"recorded_at) VALUES (1, '2026-11-01', 'fine', 'admin', {AT})",
            DISCLOSE.format(customer=customer, basis="'court order'", who="'counter'"),
            ASSESS.format(version=2, cols="", vals="").replace("'manager', '2026-11-01'",
                                                               "'admin', '2026-11-01'"),
            "INSERT INTO permission_review (started_at, started_by) VALUES (now()::text, "
            "'admin')",
            "INSERT INTO staff_agreement (username, signed_on, file_name, sha256, "
            f"recorded_by, recorded_at) VALUES ('counter', '2026-11-01', 'a.pdf', 'ab', "
            f"'admin', {AT})"):
        _refused(where, MANAGER, statement)
    assert _snapshot(pg_cluster, where) == before
    _allowed(where, MANAGER, "INSERT INTO staff_agreement (username, signed_on, file_name, "
             f"sha256, recorded_by, recorded_at) VALUES ('counter', '2026-11-01', 'a.pdf', "
             f"'ab', 'manager', {AT})")
    _allowed(where, MANAGER, "UPDATE breach SET state = 'closed', closed_by = 'manager', "
             "closed_at = now()::text, close_reason = 'r', updated_by = 'manager' "
             "WHERE id = 1")
