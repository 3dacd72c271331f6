"""an administrator, who holds no customer-data key,
anonymises closed customers all the same; their search tokens go with their identity."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select

from app.customers.tables import customer, customer_token, service
from app.customers.tokens import customer_tokens, replace_tokens
from app.demo_records import fill_records
from app.retention import service as retention
from app.rights.erasure import ERASED_NAME
from app.security.roles import Role
from app.store.fields import open_row


def test_anonymising_needs_no_key_and_drops_the_tokens(login):
    manager, admin = login(Role.MANAGER), login(Role.ADMIN)
    fill_records(manager, 5, random.Random(4))
    assert not admin.db.fields.domains  # an administrator holds no customer-data key
    keys = manager.db.fields
    long_ago = date(date.today().year - 6, 1, 31).isoformat()
    with manager.db.write() as conn:
        row = conn.execute(select(customer).where(customer.c.customer_no == "C000000002")
                           ).one()
        plain = open_row(keys, "customer", row)
        conn.execute(customer.update().where(customer.c.id == row.id).values(status="closed"))
        conn.execute(service.update().where(service.c.customer_id == row.id)
                     .values(status="ended", end_date=long_ago))
        replace_tokens(conn, row.id, customer_tokens(keys, name=plain["name"],
                                                     id_number=plain["id_number"],
                                                     phone=plain["phone"]))
    report = retention.run_retention(admin, apply=True)
    assert report.counts["closed_identity"] >= 1
    with manager.db.read() as conn:
        after = conn.execute(select(customer).where(customer.c.id == row.id)).one()
        left = conn.execute(select(func.count()).select_from(customer_token)
                            .where(customer_token.c.customer_id == row.id)).scalar_one()
    # On the server a sealed column is BYTEA: the placeholder text is stored as its bytes.
    assert after.name in (ERASED_NAME, ERASED_NAME.encode()) and after.phone in ("", b"") \
        and after.erased_at
    id_number = after.id_number.decode() if isinstance(after.id_number, bytes) \
        else after.id_number
    assert after.id_rev == "" and plain["id_number"] not in id_number
    assert left == 0
