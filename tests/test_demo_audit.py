"""The demo's half year of access log: chained like real events, in time order, masked."""

from __future__ import annotations

from app import accounts, audit
from app.demo import create_demo
from app.store import schema


def test_demo_history_is_a_sound_log_in_time_order(tmp_path):
    path = tmp_path / "demo.custos"
    create_demo(path, customers=40, seed=3, history=600)
    session = accounts.login(path, "manager", "manager-demo-1")
    try:
        report = audit.verify(session.db)
        assert report.intact, report
        with session.db.read() as conn:
            rows = conn.execute(schema.audit_event.select().order_by(
                schema.audit_event.c.seq)).all()
        times = [r.at for r in rows]
        assert times == sorted(times)  # the log never runs backwards
        assert times[-1][:10] > times[0][:10]  # spread over months, not one moment
        actions = {r.action for r in rows}
        assert {"database.created", "login", "customer.searched", "customer.opened",
                "loan.lent", "backup.created", "demo.generated"} <= actions
        assert len(rows) >= 600
        # Signed by the acting demo account's own key, as a real event would be.
        assert all(r.signer == r.actor and r.signature for r in rows)
        refs = {r.customer_ref for r in rows if r.customer_ref}
        assert all(ref.startswith("C") and 1 <= int(ref[1:]) <= 40 for ref in refs)
        for r in rows:  # searches are stored masked, as the service stores them
            if r.action == "customer.searched" and '"phone"' in r.detail:
                assert "****" in r.detail
    finally:
        accounts.logout(session)
