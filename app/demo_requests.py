"""Synthetic rights requests for the demo: a year of decided ones (a few answered late,
with the reason) and the open ones a branch is working on — new, due this week, one or two
past their date. Rows like the rest of the generated records (app/demo_records.py)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from app.rights.model import DEFAULT_DUE_DAYS, OPEN_STATES, RequestKind, RequestStatus
from app.rights.tables import rights_request

CHECK = "居民身份证原件与本人核对一致"
REFUSAL = "客户未能提供授权委托书，无法核实代理人身份。"
LATE_REASON = "等待客户补充授权材料"
# (days since received, state) of the open requests: most well within the 30 days,
# some due within the week, two past their date.
OPEN_AGES = (1, 2, 4, 6, 9, 12, 15, 18, 24, 26, 27, 29, 33, 38)
DECIDED_KINDS = (RequestKind.OBJECT_MARKETING, RequestKind.WITHDRAW_CONSENT,
                 RequestKind.INFORMATION, RequestKind.ERASURE)


def request_rows(customers: range, rng: random.Random, today: date,
                 next_id: int) -> Iterator[dict]:
    """Rows for rights requests of customers in `customers` (ids), numbered from next_id."""
    ages = [(age, None) for age in OPEN_AGES] + [
        (rng.randrange(20, 360), rng.choice((4, 9, 14, 21, 26, 29, 33, 44)))
        for _i in range(min(30, max(len(customers) // 20, 4)))]
    for n, (age, took) in enumerate(sorted(ages, key=lambda a: -a[0])):
        received = today - timedelta(days=age)
        rid = next_id + n
        row = {
            "id": rid, "request_no": f"R{received.year}-{rid:05d}",
            "customer_id": rng.choice(customers), "channel": rng.choice(("counter", "letter")),
            "identity_check": CHECK, "notes": "", "language": "zh_CN",
            "received_at": f"{received.isoformat()}T02:{rng.randrange(60):02d}:00.000000Z",
            "received_by": "counter",
            "due_date": (received + timedelta(days=DEFAULT_DUE_DAYS)).isoformat(),
            "extended_to": None, "extension_reason": None, "extended_by": None,
            "verified_by": None, "verified_at": None, "decided_by": None, "decided_at": None,
            "outcome": None, "refusal_reason": None, "late_reason": None,
            "updated_at": None, "updated_by": None}
        if took is None:
            row["kind"] = rng.choice(list(RequestKind)).value
            row["status"] = rng.choice(OPEN_STATES).value
        else:
            row.update(_decided(rng, received, took))
        if row["status"] != RequestStatus.RECEIVED.value:
            row["verified_by"], row["verified_at"] = "counter", row["received_at"]
        yield row


def _decided(rng: random.Random, received: date, took: int) -> dict:
    kind = rng.choice(DECIDED_KINDS)
    refused = kind is RequestKind.ERASURE  # a contract still running: refused, with why
    decided = received + timedelta(days=took)
    return {"kind": kind.value,
            "status": (RequestStatus.REFUSED if refused else RequestStatus.COMPLETED).value,
            "decided_by": "manager",
            "decided_at": f"{decided.isoformat()}T06:{rng.randrange(60):02d}:00.000000Z",
            "outcome": None if refused else "已按客户要求办理并书面告知。",
            "refusal_reason": REFUSAL if refused else None,
            "late_reason": LATE_REASON if took > DEFAULT_DUE_DAYS else None}


__all__ = ["request_rows", "rights_request"]
