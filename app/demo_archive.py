"""Synthetic paper files and loans for the demo: files in boxes, some on loan, some overdue,
some returned damaged, some past their retention and due for destruction."""

from __future__ import annotations

import random
from datetime import date, timedelta

from app.archive.model import FileKind, add_working_days, retain_until_for
from app.archive.tables import loan, paper_file

DESCRIPTIONS = {
    FileKind.SERVICE_AGREEMENT: "入网服务协议(签字原件)",
    FileKind.ID_COPY: "居民身份证复印件",
    FileKind.SIM_REGISTRATION: "SIM卡实名登记表",
    FileKind.COMPLAINT_FILE: "投诉受理材料",
}
STAFF = ("counter", "manager")
OVERDUE_SHARE = 0.05  # of loans out; fill_records adds one late loan in 250 customers


def files_for(cid: int, opened: date, rng: random.Random, today: date, next_file: int,
              next_loan: int, late_loan: bool = False) -> tuple[list[dict], list[dict]]:
    """Rows for one customer's paper files and their loans; with `late_loan`, the first
    file is out on a loan past its due date (so that every demo has some)."""
    files, loans = [], []
    kinds = [FileKind.SERVICE_AGREEMENT]
    if rng.random() < 0.5:
        kinds.append(FileKind.ID_COPY)
    if rng.random() < 0.3:
        kinds.append(FileKind.SIM_REGISTRATION)
    if rng.random() < 0.05:
        kinds.append(FileKind.COMPLAINT_FILE)
    for kind in kinds:
        fid = next_file + len(files)
        received = opened if rng.random() > 0.04 else opened - timedelta(days=365 * 6)
        box = f"B{received.year}-{(fid // 40) % 300 + 1:03d}"
        status = "in_archive"
        roll = rng.random()
        forced, late_loan = late_loan, False
        if roll < 0.03 or forced:  # out on loan now: about one in ten overdue
            late = forced or rng.random() < OVERDUE_SHARE
            lent = today - timedelta(days=rng.randrange(6, 14) if late else rng.randrange(0, 3))
            due = add_working_days(lent, 3)
            status = "on_loan"
            loans.append(_loan(next_loan + len(loans), fid, kind, lent, due, "on_loan",
                               rng))
        elif roll < 0.05 and kind is FileKind.ID_COPY:  # asked for, awaiting a manager
            loans.append(_requested(next_loan + len(loans), fid, today, rng))
        elif roll < 0.10:  # an earlier loan, returned (now and then damaged)
            lent = today - timedelta(days=rng.randrange(20, 400))
            loans.append(_loan(next_loan + len(loans), fid, kind, lent,
                               add_working_days(lent, 3), "returned", rng))
        files.append({
            "id": fid, "file_no": f"PF{received.year}{fid:06d}", "kind": kind.value,
            "customer_id": cid, "description": DESCRIPTIONS[kind], "room": "档案室A",
            "cabinet": f"柜{(fid // 400) % 20 + 1:02d}", "shelf": f"{(fid // 80) % 5 + 1}",
            "box": box, "received_on": received.isoformat(),
            "retain_until": retain_until_for(kind, received).isoformat(), "status": status,
            "sensitive": int(kind is FileKind.ID_COPY),
            "created_at": f"{received.isoformat()}T02:00:00.000000Z", "created_by": "archive",
            "updated_at": f"{received.isoformat()}T02:00:00.000000Z"})
    return files, loans


def _loan(lid: int, fid: int, kind: FileKind, lent: date, due: date, status: str,
          rng: random.Random) -> dict:
    stamp = f"{lent.isoformat()}T03:00:00.000000Z"
    returned = lent + timedelta(days=rng.randrange(1, 6)) if status == "returned" else None
    damaged = status == "returned" and rng.random() < 0.1
    return {
        "id": lid, "file_id": fid, "borrower_kind": "staff", "borrower": rng.choice(STAFF),
        "purpose": "核对客户资料", "status": status, "requested_at": stamp,
        "requested_by": "archive", "due_date": due.isoformat(),
        "needs_approval": int(kind is FileKind.ID_COPY),
        "decided_by": "manager" if kind is FileKind.ID_COPY else None,
        "decided_at": stamp if kind is FileKind.ID_COPY else None, "lent_at": stamp,
        "lent_by": "archive", "renewals": 0,
        "returned_at": f"{returned.isoformat()}T04:00:00.000000Z" if returned else None,
        "received_by": "archive" if returned else None,
        "condition": ("damaged" if damaged else "intact") if returned else None,
        "condition_note": "封面破损" if damaged else None, "escalation": 0}


def _requested(lid: int, fid: int, today: date, rng: random.Random) -> dict:
    """A counter's request to borrow an ID copy, waiting for a manager's approval."""
    stamp = f"{today.isoformat()}T01:{rng.randrange(60):02d}:00.000000Z"
    return {
        "id": lid, "file_id": fid, "borrower_kind": "staff", "borrower": "counter",
        "purpose": "核对客户资料", "status": "requested", "requested_at": stamp,
        "requested_by": "counter", "due_date": add_working_days(today, 3).isoformat(),
        "needs_approval": 1, "decided_by": None, "decided_at": None, "lent_at": None,
        "lent_by": None, "renewals": 0, "returned_at": None, "received_by": None,
        "condition": None, "condition_note": None, "escalation": 0}


__all__ = ["files_for", "loan", "paper_file"]
