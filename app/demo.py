"""The demo database: one account per role and synthetic records — fake people, valid formats.

Demo passwords are printed on the login screen and by `custos demo`; they are for trying
the program, never for real data.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from app import accounts, clock
from app.accounts import access
from app.compliance import staff
from app.customers import records
from app.demo_audit import HISTORY_DAYS, fill_history
from app.demo_records import fill_records
from app.security.roles import Role
from app.store import sealing
from app.store.fields import FieldKeys
from app.store.keyring import FLOOR, KeyRing


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    username: str
    password: str
    display_name: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(Role.COUNTER, "counter", "counter-demo-1", "王芳"),
    DemoAccount(Role.ARCHIVE, "archive", "archive-demo-1", "李静"),
    DemoAccount(Role.MANAGER, "manager", "manager-demo-1", "张强"),
    DemoAccount(Role.ADMIN, "admin", "admin-demo-1", "刘洋"),
)


def sign_confidentiality(session, username: str, day: date | None = None) -> None:
    """A made-up signed confidentiality agreement of `username` on record (no real
    document: the checksum of a generated text), as the branch files the signed paper
    before the account's access is approved. The demo's, and the tests' set-up."""
    from app.compliance.staff import record_agreement

    day = day or clock.now_utc().astimezone().date()
    text = f"保密协议 Confidentiality agreement: {username}, signed {day.isoformat()}"
    record_agreement(session, username, day.isoformat(), f"confidentiality-{username}.pdf",
                     content=text.encode())


def demo_signers(ring: KeyRing) -> dict:
    """Each demo account's own signing key, opened from its slot with its demo password."""
    return {a.username: ring.open_account(a.username, a.password).signing
            for a in DEMO_ACCOUNTS}


def create_demo(path: Path, customers: int = 2000, seed: int = 2026,
                history: int | None = None) -> accounts.DatabaseCreated:
    """Create the demo database at `path`: the demo accounts, `history` past log events
    (1.5 a customer by default: half a year of a branch's work) and the records."""
    rng = random.Random(seed)
    admin = next(a for a in DEMO_ACCOUNTS if a.role is Role.ADMIN)
    # The branch opened half a year ago: accounts first, then its log, then today's records.
    with clock.set_back(timedelta(days=HISTORY_DAYS + 1)):
        # Demo slots use the Argon2id floor rather than the tuned cost: quick to try.
        created = accounts.create_database(path, admin.username, admin.password,
                                           display_name=admin.display_name, kdf=FLOOR)
        session = accounts.login(path, admin.username, admin.password)
    try:
        with clock.set_back(timedelta(days=HISTORY_DAYS + 1)):
            for account in DEMO_ACCOUNTS:
                if account is admin:
                    continue
                accounts.add_user(session, account.username, [account.role],
                                  account.password, display_name=account.display_name)
            _clear_first_login_change(session)
            for account in DEMO_ACCOUNTS:
                if account is not admin:
                    sign_confidentiality(session, account.username)
                    # Nobody holds the customer-data keys yet: the recovery code approves,
                    # as for a new branch's first manager. (The administrator holds none.)
                    access.approve_with_recovery(session, account.username,
                                                 created.recovery_code)
            # Their first training on the protection of customer data, the day they began.
            staff.record_training(session, staff.today().isoformat(), "客户信息保护与保密义务",
                                  [a.username for a in DEMO_ACCOUNTS])
        with _history_writer(session) as writer:
            fill_history(writer, customers * 3 // 2 if history is None else history,
                         random.Random(seed + 1), customers=customers,
                         signers=demo_signers(session.db.load_ring()))
        with recovery_keys(session, created.recovery_code):
            fill_records(session, customers, rng)
    finally:
        accounts.logout(session)
    if customers >= 50:
        alerts_of_the_day(path)
    return created


@contextmanager
def _history_writer(session):
    """Who writes the made-up past: on the file, the administrator's session. On the branch
    server every event must be written by its signer's own login (store/server_trail.py),
    so half a year of other accounts' events is written by the owner login that IT gave
    for `custos demo` (as for `custos init`), with the same keys; the events stay signed
    by their accounts."""
    db = session.db
    if not db.is_server:
        yield session
        return
    from app.store.server import ServerDatabase

    address = db.address
    password = address.owner_password or os.environ.get("PGPASSWORD", "")  # as init takes it
    owner = ServerDatabase(address, address.owner, password, key=db.key, db_id=db.db_id)
    owner.fields = db.fields
    try:
        yield replace(session, db=owner)
    finally:
        owner.engine.dispose()


def alerts_of_the_day(path: Path) -> None:
    """This morning at the branch, done as the staff would, so the alert rules see it: a
    customer opened "for a friend" (the manager has asked and noted why) and a counter
    clerk revealing ID numbers all morning (waiting for the manager)."""
    from app.oversight.review import acknowledge_alert, list_alerts

    counter, manager = (_login(path, role) for role in (Role.COUNTER, Role.MANAGER))
    try:
        records.open_customer(counter, "C000000042", "other", "帮朋友查询号码")
        for n in range(11):
            number = f"C{n + 10:09d}"
            records.open_customer(counter, number, "counter_service")
            records.reveal_field(counter, number, "id_number", "客户办理业务核对身份")
        other = next(a for a in list_alerts(manager) if a.rule == "purpose_other")
        acknowledge_alert(manager, other.id, "已与王芳核实：客户委托其朋友代为查询，"
                                             "已提醒须持授权委托书办理。")
    finally:
        accounts.logout(counter)
        accounts.logout(manager)


def _login(path: Path, role: Role):
    account = next(a for a in DEMO_ACCOUNTS if a.role is role)
    return accounts.login(path, account.username, account.password)


@contextmanager
def recovery_keys(session, code: str) -> Iterator[None]:
    """The session holds every customer-data key (the recovery slot's) for the duration:
    generated records are written by the administrator's session, which holds none."""
    db = session.db
    opened = db.load_ring().open_recovery(code)
    held, db.fields = db.fields, FieldKeys(opened.domain_keys, active=sealing.is_active(db))
    try:
        yield
    finally:
        db.fields.wipe()
        db.fields = held


def _clear_first_login_change(session) -> None:
    # Demo accounts keep their printed passwords; real accounts must change theirs.
    from app import audit
    from app.store import schema

    with session.db.write() as conn:
        conn.execute(schema.user.update().values(must_change_password=0))
        # On the record, in the same transaction (the branch server wants each change so).
        audit.append(conn, session.db, actor=session.username, action="demo.passwords_kept")


