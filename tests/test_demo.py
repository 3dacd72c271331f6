"""The demo database: every account holds its role's customer-data keys, and in sealed
mode the generated records are sealed and searchable through their tokens."""

from __future__ import annotations

import pytest

from app import accounts
from app.accounts.login import load_ring
from app.archive import registry
from app.customers.tokens import query_tokens
from app.demo import DEMO_ACCOUNTS, create_demo
from app.security.roles import domains_for
from app.store import dialect
from app.store.fields import IDENTITY, NAMES, open_row


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.custos"
    create_demo(path, customers=30, seed=5, history=50)
    return path


def test_every_demo_account_holds_its_roles_keys(demo):
    ring = load_ring(demo)
    for account in DEMO_ACCOUNTS:
        assert ring.domains_of(account.username) == domains_for([account.role])
    assert ring.domains_of("admin") == frozenset()


def test_demo_records_are_sealed_and_tokenised(demo):
    counter = accounts.login(demo, "counter", "counter-demo-1")
    try:
        keys = counter.db.fields
        assert keys.active and keys.domains == {NAMES, IDENTITY}
        with counter.db.read() as conn:
            raw = dialect.raw(conn, "SELECT * FROM customer ORDER BY id").all()
            people = [open_row(keys, "customer", r) for r in raw]
            for r, p in zip(raw, people, strict=True):
                m = r._mapping
                assert isinstance(m["name"], bytes) and p["name"].encode() not in m["name"]
                assert isinstance(m["id_number"], bytes) and isinstance(m["phone"], bytes)
                assert m["name_initials"] == "" and m["id_rev"] == ""
            services = dialect.raw(conn, "SELECT service_no FROM service").scalars().all()
            assert services and all(isinstance(s, bytes) for s in services)
            summaries = dialect.raw(conn, "SELECT summary FROM service_case").scalars().all()
            assert summaries and all(isinstance(s, bytes) for s in summaries)
            # Each customer is found through its phone and name tokens.
            for p in people[:5]:
                for kind, value in (("phone", p["phone"]), ("name", p["name"][:2]),
                                    ("id_number", p["id_number"])):
                    ids = dialect.raw(conn,
                        "SELECT customer_id FROM customer_token WHERE token = ?",
                        (query_tokens(keys, kind, value)[0],)).scalars().all()
                    assert p["id"] in ids, kind
            # No identity number or phone is left as text anywhere in the file.
            secrets = {p["id_number"] for p in people} | {p["phone"] for p in people}
            tables = [r[0] for r in dialect.raw(conn,
                "SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                for row in dialect.raw(conn, f'SELECT * FROM "{table}"'):
                    texts = [v for v in row if isinstance(v, str)]
                    assert not any(s in t for s in secrets for t in texts), table
    finally:
        accounts.logout(counter)
    archive = accounts.login(demo, "archive", "archive-demo-1")
    try:
        assert archive.db.fields.domains == {NAMES}
        with archive.db.read() as conn:
            cid, raw_name = dialect.raw(conn,
                "SELECT c.id, c.name FROM customer c JOIN paper_file f ON f.customer_id = c.id "
                "WHERE f.status = 'in_archive' ORDER BY c.id LIMIT 1").one()
        name = archive.db.fields.open("customer", "name", cid, raw_name)
        found = registry.find_files(archive, name)
        assert found and all(f.customer_name.startswith(name) for f in found)
    finally:
        accounts.logout(archive)


@pytest.fixture(scope="module")
def branch(tmp_path_factory):
    path = tmp_path_factory.mktemp("branch") / "demo.custos"
    create_demo(path, customers=300, seed=7, history=50)
    return path


def test_the_demo_is_a_believable_branch(branch):
    """Some open work late, not most of it; alerts to acknowledge and one acknowledged;
    requests new, due this week and past due; decided ones for the turnaround chart."""
    from app.oversight.dashboard import dashboard
    from app.oversight.review import list_alerts

    manager = accounts.login(branch, "manager", "manager-demo-1")
    try:
        figures = dashboard(manager)
        alerts = list_alerts(manager, open_only=False)
    finally:
        accounts.logout(manager)
    open_cases, late_cases = sum(figures.cases_open.values()), sum(figures.cases_overdue.values())
    assert open_cases >= 10 and 0 < late_cases <= 0.2 * open_cases
    files = figures.files
    assert files["on_loan"] >= 5 and 0 < files["overdue"] / files["on_loan"] <= 0.25
    assert files["awaiting_approval"] > 0
    requests = figures.requests
    assert requests["open"] >= 10 and requests["due_this_week"] > 0
    assert 0 < requests["overdue"] <= requests["open"] // 4
    assert figures.turnaround and any(took > allowed for _n, took, allowed in figures.turnaround)
    assert figures.alerts_open >= 1
    assert any(a.acknowledged_at for a in alerts) and any(not a.acknowledged_at for a in alerts)
