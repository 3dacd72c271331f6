"""Many clients at once, each a process of its own with its own login, through the service
layer: search and open latency (p95 over every client's samples) and audit appends per
second. The same harness runs against a file path and a server address, so the two stores'
figures come from one method.

The clients are bench accounts clerk1..clerk8 (counter role, customer-data keys approved by
the demo manager), added once to each dataset: eight counters, not one account eight times
(the anomaly rules and the guessing budget count per account, as at a real branch).
"""

from __future__ import annotations

import logging
import multiprocessing
import random
import statistics
import time
import traceback

import app.oversight.alerts  # noqa: F401 - the alert rules watch the catalogue's actions
from app import accounts, audit
from app.customers.records import open_customer
from app.customers.search import find_customers
from app.security.roles import Role

CLERKS = 8
WARM_UP = 5  # operations each client does before the clock starts
SEARCHES = (lambda p: p.phone, lambda p: p.id_number, lambda p: p.phone[-4:],
            lambda p: p.id_number[-6:], lambda p: p.customer_no, lambda p: p.name,
            lambda p: p.name_initials)  # the kinds the file bench times one by one


def clerk(number: int) -> tuple[str, str]:
    return f"clerk{number}", f"clerk{number}-bench-1"


def ensure_clerks(where) -> None:
    """Add the bench's counter accounts to the dataset at `where` as a branch would: the
    administrator makes each, each chooses its own password at first login, and the
    manager approves its access to customer data. Each step is skipped once done."""
    from app.accounts import access
    from app.demo import sign_confidentiality

    names = [clerk(n) for n in range(1, CLERKS + 1)]
    admin = accounts.login(where, "admin", "admin-demo-1")
    try:
        have = {u.username: u for u in accounts.list_users(admin)}
        for name, password in names:
            if name not in have:
                accounts.add_user(admin, name, [Role.COUNTER], f"{password}-first",
                                  display_name=name)
                sign_confidentiality(admin, name)  # before a manager may approve it
    finally:
        accounts.logout(admin)
    for name, password in names:
        if name not in have or have[name].must_change_password:
            first = accounts.login(where, name, f"{password}-first")
            accounts.change_own_password(first, f"{password}-first", password)
            accounts.logout(first)
    manager = accounts.login(where, "manager", "manager-demo-1")
    try:
        waiting = {p.username for p in access.pending_accounts(manager)}
        for name, _password in names:
            if name in waiting:
                access.approve_access(manager, name)
    finally:
        accounts.logout(manager)


def _search(session, picks: list, i: int) -> None:
    kind = SEARCHES[i % len(SEARCHES)]
    find_customers(session, kind(picks[(i // len(SEARCHES)) % len(picks)]), limit=50)


def _open(session, picks: list, i: int) -> None:
    open_customer(session, picks[i % len(picks)].customer_no, "counter_service")


def _append(session, picks: list, i: int) -> None:
    audit.record(session.db, actor=session.username, action="bench.appended",
                 detail={"n": i})


WORK = {"search": _search, "open": _open, "append": _append}


def _client(where, number: int, work: str, picks: list, rounds: int, barrier, out,
            pace_ms: float = 0.0) -> None:
    """One client: log in, warm up, wait for the others, then time `rounds` operations,
    back to back, or (pace_ms) one starting every pace_ms, as a counter PC asks."""
    try:
        # The bench's own action ("bench.appended") is not the program's: not noted as missing.
        logging.getLogger("app.audit_actions").setLevel(logging.ERROR)
        name, password = clerk(number)
        session = accounts.login(where, name, password)
        try:
            fn = WORK[work]
            offset = number * 17  # the clients do not ask for the same customer in step
            for i in range(WARM_UP):
                fn(session, picks, offset + rounds + i)
            barrier.wait()
            began, times = time.perf_counter(), []
            pace = random.Random(number)
            for i in range(rounds):
                if pace_ms:  # the next call's turn, jittered so the clients do not march
                    turn = began + (i + pace.uniform(0.0, 0.5)) * pace_ms / 1000
                    time.sleep(max(0.0, turn - time.perf_counter()))
                start = time.perf_counter()
                fn(session, picks, offset + i)
                times.append((time.perf_counter() - start) * 1000)
            out.put((number, times, began, time.perf_counter()))
        finally:
            accounts.logout(session)
    except BaseException:
        out.put((number, traceback.format_exc(), 0.0, 0.0))
        barrier.abort()


def run(where, work: str, clients: int, rounds: int, picks: list | None = None,
        pace_ms: float = 0.0) -> tuple[list[float], float]:
    """`clients` processes doing `work` `rounds` times each, all at once: every sample (ms)
    and the seconds from the first start to the last finish."""
    ctx = multiprocessing.get_context("spawn")  # no inherited connections or keys
    barrier, out = ctx.Barrier(clients), ctx.Queue()
    procs = [ctx.Process(target=_client, args=(str(where), n, work, picks or [], rounds,
                                               barrier, out, pace_ms))
             for n in range(1, clients + 1)]
    for p in procs:
        p.start()
    results = _collect(out, procs)
    failed = [r[1] for r in results if isinstance(r[1], str)]
    if failed:
        raise RuntimeError(f"a bench client failed:\n{failed[0]}")
    samples = [t for r in results for t in r[1]]
    return samples, max(r[3] for r in results) - min(r[2] for r in results)


def _collect(out, procs) -> list:
    """Every client's report; a client that died without one (killed, crashed while
    starting) ends the run with its exit code instead of leaving the bench waiting."""
    import queue

    results = []
    while len(results) < len(procs):
        try:
            results.append(out.get(timeout=1))
        except queue.Empty:
            dead = [p for p in procs if p.exitcode not in (None, 0)]
            if dead and out.empty():
                for p in procs:
                    p.kill()
                raise RuntimeError(f"a bench client ended with exit code {dead[0].exitcode}"
                                   " before reporting") from None
    for p in procs:
        p.join()
    return results


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def latencies(where, picks: list, clients: int, rounds: int, pace_ms: float = 0.0
              ) -> dict[str, float]:
    """Search p95 (the seven kinds in turn) and open p95, `clients` at once (ms)."""
    return {work: p95(run(where, work, clients, rounds, picks, pace_ms)[0])
            for work in ("search", "open")}


def appends_per_second(where, writers: int, rounds: int) -> float:
    samples, seconds = run(where, "append", writers, rounds)
    return len(samples) / seconds
