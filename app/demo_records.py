"""Synthetic customer records for the demo and benchmark databases, written in bulk.

Every category is filled: identity (fake people, checksum-valid IDs), services, monthly
consumption, payments, cases (some open, about one in ten of those overdue), the consent
ledger, paper files and loans (app/demo_archive.py) and rights requests
(app/demo_requests.py). A few
customers are heavy (many services, five years of months, dozens of cases), some are
restricted and some closed. Rows go straight into the tables in large batches — this is
generated data, not counter work — and the run is one audit event. When the database seals
its customer fields, each row is sealed here (ids are assigned before the insert, as the
associated data binds them) and each customer's search tokens are written with it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import func, select

from app import audit, clock, synthetic
from app.customers.model import CASE_DUE_DAYS, CaseKind, CaseStatus
from app.customers.tables import (
    consent_event,
    consumption,
    customer,
    customer_token,
    payment,
    service,
    service_case,
)
from app.customers.tokens import customer_tokens
from app.demo_archive import files_for, loan, paper_file
from app.demo_requests import request_rows, rights_request
from app.security.session import Session
from app.store.fields import sealed_values

BATCH = 5000
MOBILE_PLANS = (("M19", 1900), ("M39", 3900), ("M59", 5900), ("M99", 9900), ("M129", 12900))
BROADBAND_PLANS = (("B100", 4900), ("B300", 7900), ("B1000", 12900))
CASE_SUMMARIES = {
    CaseKind.SERVICE: ("办理套餐变更", "补办SIM卡", "开通国际漫游", "更改账单寄送方式"),
    CaseKind.FAULT: ("家中宽带频繁掉线", "手机无信号", "固话有杂音", "光猫指示灯异常"),
    CaseKind.INQUIRY: ("咨询本月账单明细", "咨询5G套餐资费", "咨询积分兑换", "咨询携号转网"),
    CaseKind.COMPLAINT: ("对本月流量扣费有异议", "宽带维修上门超时", "营业厅等候时间过长",
                         "未经同意开通增值业务"),
    CaseKind.SUGGESTION: ("建议延长营业时间", "建议增加自助终端", "建议短信提醒更及时"),
}
CHANNELS = ("counter", "phone", "online", "letter")
OVERDUE_SHARE = 0.1  # of open cases and of files on loan


def _case_state(rng: random.Random, kind: CaseKind, since_months: int) -> tuple[CaseStatus, int]:
    """A case's state and age in days. A branch's open work is recent and mostly within
    its time limit; about one open case in ten is late (OVERDUE_SHARE)."""
    if rng.random() < 0.12:
        status = rng.choice((CaseStatus.OPEN, CaseStatus.IN_PROGRESS, CaseStatus.IN_PROGRESS,
                             CaseStatus.REOPENED))
        allowed = CASE_DUE_DAYS[kind]
        late = rng.random() < OVERDUE_SHARE
        return status, allowed + rng.randrange(1, 12) if late else rng.randrange(0, allowed + 1)
    return (rng.choice((CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.CLOSED)),
            rng.randrange(0, 30 * since_months))


def _months_back(today: date, n: int) -> list[str]:
    year, month, out = today.year, today.month, []
    for _i in range(n):
        out.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


class _Batches:
    """Collects rows per table and flushes them in large executemany batches."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.rows: dict = {}

    def add(self, table, row: dict) -> None:
        bucket = self.rows.setdefault(table, [])
        bucket.append(row)
        if len(bucket) >= BATCH:
            self.flush()

    def flush(self) -> None:
        # Tables appear in parent-before-child order, so foreign keys always resolve.
        for t in self.rows:
            if self.rows[t]:
                self.conn.execute(t.insert(), self.rows[t])
                self.rows[t] = []


def fill_records(session: Session, customers: int, rng: random.Random,
                 progress: Callable[[int, int], object] | None = None,
                 today: date | None = None) -> None:
    today = today or date.today()
    staff = ["counter", "manager"]
    months60 = _months_back(today, 60)
    now = clock.stamp()
    seen_ids: set[str] = set()
    seen_phones: set[str] = set()
    db = session.db
    keys = db.fields  # every customer-data key (app/demo.py recovery_keys) when sealing
    with db.write() as conn:
        # A fill is one transaction. At bench sizes its search tokens go into the token
        # tree in random order; a page cache that holds what it writes keeps SQLite from
        # spilling and rewriting the same pages again and again (hours at a million).
        big = customers >= 50_000 and not db.is_server
        if big:
            conn.exec_driver_sql(f"PRAGMA cache_size = -{min(customers * 8, 8_000_000)}")
        start_id = (conn.execute(select(func.max(customer.c.id))).scalar() or 0) + 1
        next_service = (conn.execute(select(func.max(service.c.id))).scalar() or 0) + 1
        next_case = (conn.execute(select(func.max(service_case.c.id))).scalar() or 0) + 1
        next_file = (conn.execute(select(func.max(paper_file.c.id))).scalar() or 0) + 1
        next_loan = (conn.execute(select(func.max(loan.c.id))).scalar() or 0) + 1
        out = _Batches(conn)
        for i in range(customers):
            cid = start_id + i
            p = synthetic.person(rng)
            while p.id_number in seen_ids or p.mobile in seen_phones:
                p = synthetic.person(rng)
            seen_ids.add(p.id_number)
            seen_phones.add(p.mobile)
            heavy = i < max(1, customers // 500)  # the first few carry long histories
            since_months = 60 if heavy else rng.choice((12, 18, 24, 36, 48))
            opened = date.fromisoformat(months60[-since_months] + "-01") + timedelta(
                days=rng.randrange(0, 27))
            closed = not heavy and rng.random() < 0.03
            # One customer in 200 restricted (the 100th first), so every demo has some.
            restricted = not heavy and not closed and i % 200 == 99
            created = f"{opened.isoformat()}T02:{rng.randrange(60):02d}:00.000000Z"
            out.add(customer, sealed_values(keys, "customer", cid, dict(
                id=cid, customer_no=f"C{cid:09d}", kind="person", name=p.name,
                name_pinyin=p.pinyin_full, name_initials=p.pinyin_initials,
                id_type="resident_id", id_number=p.id_number, id_rev=p.id_number[::-1],
                birth_date=p.birth_date.isoformat(), gender=p.gender, phone=p.mobile,
                email=p.email, province=p.address.province, city=p.address.city,
                district=p.address.district, street=p.address.street,
                verified_how="original_checked", verified_by=rng.choice(staff),
                verified_at=created, status="closed" if closed else "active",
                restricted_at=now if restricted else None,
                restricted_by="manager" if restricted else None,
                restriction_reason="客户对资料准确性提出异议，核实期间限制处理" if restricted
                else None,
                created_at=created, created_by=rng.choice(staff), updated_at=created)))
            lines = [("mobile", p.mobile, rng.choice(MOBILE_PLANS))]
            if heavy:
                lines += [("mobile", synthetic.mobile(rng), rng.choice(MOBILE_PLANS))
                          for _j in range(rng.randrange(2, 5))]
            if heavy or rng.random() < 0.35:
                lines.append(("broadband", f"BB{cid:010d}", rng.choice(BROADBAND_PLANS)))
            if heavy or rng.random() < 0.08:
                lines.append(("fixed_line", f"010-6{rng.randrange(10**6, 10**7)}",
                              ("F10", 1000)))
            for n, (kind, number, (plan_code, fee)) in enumerate(lines):
                sid = next_service
                next_service += 1
                out.add(service, sealed_values(keys, "service", sid, dict(
                    id=sid, customer_id=cid, service_no=number, kind=kind, plan_code=plan_code,
                    account_no=f"A{cid:09d}", agreement_no=f"AG{opened:%Y%m%d}{sid:07d}",
                    start_date=opened.isoformat(),
                    end_date=today.isoformat() if closed else None,
                    status="ended" if closed else "active", created_at=created)))
                periods = months60[-since_months:] if n == 0 or heavy else months60[-12:]
                for period in periods:
                    extra = rng.randrange(0, fee // 2 + 1)
                    out.add(consumption, dict(
                        service_id=sid, period=period,
                        voice_minutes=rng.randrange(0, 900) if kind != "broadband" else 0,
                        sms_count=rng.randrange(0, 120) if kind == "mobile" else 0,
                        data_mb=rng.randrange(200, 60000) if kind != "fixed_line" else 0,
                        billed_fen=fee + extra))
                for period in periods[-6:]:
                    out.add(payment, dict(
                        service_id=sid, paid_on=f"{period}-{rng.randrange(1, 28):02d}",
                        channel=rng.choice(("counter", "online", "bank", "autopay")),
                        amount_fen=fee + rng.randrange(0, fee // 2 + 1), period=period))
            for purpose, granted in (("contract", True), ("marketing", rng.random() < 0.45),
                                     ("partner_sharing", rng.random() < 0.15),
                                     ("analytics", rng.random() < 0.3)):
                out.add(consent_event, dict(customer_id=cid, purpose=purpose,
                                            granted=int(granted), channel="counter",
                                            at=created, recorded_by="counter",
                                            note="at account opening"))
            if rng.random() < 0.06:
                out.add(consent_event, dict(customer_id=cid, purpose="marketing", granted=0,
                                            channel=rng.choice(CHANNELS[:3]), at=now,
                                            recorded_by="counter", note="客户要求停止营销联系"))
            n_cases = rng.randrange(24, 40) if heavy else (
                rng.randrange(1, 4) if rng.random() < 0.3 else 0)
            for _k in range(n_cases):
                kind = rng.choice(list(CaseKind))
                status, age = _case_state(rng, kind, since_months)
                created_on = today - timedelta(days=age)
                due = created_on + timedelta(days=CASE_DUE_DAYS[kind])
                done = status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)
                stamp = f"{created_on.isoformat()}T03:{rng.randrange(60):02d}:00.000000Z"
                took = created_on + timedelta(days=rng.randrange(0, CASE_DUE_DAYS[kind] + 4))
                done_stamp = f"{min(took, today).isoformat()}T07:{rng.randrange(60):02d}:00.000000Z"
                out.add(service_case, sealed_values(keys, "service_case", next_case, dict(
                    id=next_case, case_no=f"CS{next_case:08d}", customer_id=cid,
                    service_id=None, kind=kind.value, channel=rng.choice(CHANNELS),
                    summary=rng.choice(CASE_SUMMARIES[kind]), details="客户来电/到厅反映，已记录。",
                    status=status.value, assignee=rng.choice(staff), due_date=due.isoformat(),
                    resolution="已核实并处理，客户认可。" if done else None,
                    satisfaction=rng.randrange(3, 6) if done else None,
                    created_at=stamp, created_by=rng.choice(staff), updated_at=stamp,
                    resolved_at=done_stamp if done else None,
                    closed_at=done_stamp if status is CaseStatus.CLOSED else None)))
                next_case += 1
            if keys.active:  # what find_customers looks up instead of plaintext indexes
                for token in customer_tokens(keys, name=p.name, id_number=p.id_number,
                                             phone=p.mobile,
                                             services=[(n, k) for k, n, _p in lines]):
                    out.add(customer_token, {"token": token, "customer_id": cid})
            files, loans = files_for(cid, opened, rng, today, next_file, next_loan,
                                     late_loan=i % 250 == 0)
            for row in files:
                out.add(paper_file, row)
            for row in loans:
                out.add(loan, row)
            next_file += len(files)
            next_loan += len(loans)
            if progress is not None and i % 1000 == 0:
                progress(i, customers)
        next_request = (conn.execute(select(func.max(rights_request.c.id))).scalar() or 0) + 1
        for row in request_rows(range(start_id, start_id + customers), rng, today,
                                next_request):
            out.add(rights_request, sealed_values(keys, "rights_request", row["id"], row))
        out.flush()
        audit.append(conn, db, actor=session.username, action="demo.generated",
                     detail={"customers": customers})
        if big:
            conn.exec_driver_sql("PRAGMA cache_size = -2000")  # SQLite's default again
