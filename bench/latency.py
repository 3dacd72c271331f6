"""Search and open-customer latency through the real service layer (permission check and
audit write included), median and p95 over many samples, on an existing demo database.

    python bench/latency.py PATH [SAMPLES]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

import app.oversight.alerts  # noqa: F401 - the alert rules watch the catalogue's actions
from app import accounts
from app.customers.records import open_customer
from app.customers.search import find_customers
from app.customers.tables import customer


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def measure(path: Path, samples: int = 200, seed: int = 1) -> dict[str, tuple[float, float]]:
    rng = random.Random(seed)
    session = accounts.login(path, "counter", "counter-demo-1")
    try:
        with session.db.read() as conn:
            top = conn.execute(select(func.max(customer.c.id))).scalar()
            picks = [conn.execute(select(customer).where(customer.c.id == rng.randint(1, top))
                                  ).first() for _i in range(samples)]
        picks = [p for p in picks if p is not None and p.phone]
        queries = {
            "search phone": lambda p: p.phone,
            "search ID full": lambda p: p.id_number,
            "search ID last 6": lambda p: p.id_number[-6:],
            "search customer no": lambda p: p.customer_no,
            "search Chinese name": lambda p: p.name,
            "search pinyin initials": lambda p: p.name_initials,
        }
        out = {}
        for label, q in queries.items():
            times = [_timed(lambda p=p, q=q: find_customers(session, q(p), limit=50))
                     for p in picks]
            out[label] = (statistics.median(times), statistics.quantiles(times, n=20)[18])
        times = [_timed(lambda p=p: open_customer(session, p.customer_no, "counter_service"))
                 for p in picks]
        out["open customer"] = (statistics.median(times), statistics.quantiles(times, n=20)[18])
        return out
    finally:
        accounts.logout(session)


if __name__ == "__main__":
    result = measure(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 200)
    for label, (median, p95) in result.items():
        print(f"{label:24s} median {median:7.2f} ms   p95 {p95:7.2f} ms")
