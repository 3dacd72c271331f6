"""What the server's trail costs one client (store/server_trail.py): the median time of an
audit append (one event in a transaction of its own) and of a customer save (a
rectification: the row, its search tokens and its event), on a durable PostgreSQL cluster
over its local socket.

    python -m bench.trail_cost [N]          # a throwaway cluster of its own
    python -m bench.trail_cost N SOCKET:PORT DBNAME   # a running one (superuser password
                                                    # in PGPASSWORD): to compare two trees

Run it from two source trees against the same cluster to compare them.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("CUSTOS_TEST_LOGIN_KDF_FLOOR", "1")  # logins: not what is measured

import psycopg

from app import accounts, audit
from app.customers import editing
from app.security.roles import Role
from tests.conftest import PASSWORDS, make_database


def _median_ms(step, n: int) -> float:
    times = []
    for i in range(n):
        started = time.perf_counter()
        step(i)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure(socket_dir: str, port: int, dbname: str, n: int) -> dict[str, float]:
    with psycopg.connect(host=socket_dir, port=port, dbname="postgres", autocommit=True,
                         user="postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    where = f"postgresql:///{dbname}?host={socket_dir}&port={port}"
    make_database(where + "&user=postgres")
    counter = accounts.login(where, "counter", PASSWORDS[Role.COUNTER])
    try:
        number = editing.create_customer(counter, editing.NewCustomer(
            name="欧阳明月", id_type="resident_id", id_number="11010519491231002X",
            phone="13912345678", original_checked=True, consents={"contract": True}))
        append = _median_ms(lambda i: audit.record(counter.db, actor="counter",
                                                   action="bench.append"), n)
        save = _median_ms(lambda i: editing.update_identity(
            counter, number, {"email": f"ouyang{i}@example.cn"}, "ID card seen"), n)
    finally:
        accounts.logout(counter)
    return {"audit append ms": append, "customer save ms": save}


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 200
    if len(argv) >= 3:
        socket_dir, _, port = argv[1].rpartition(":")
        print(measure(socket_dir, int(port), argv[2], n))
        return
    from scripts.pgcluster import Cluster

    cluster = Cluster.start(durable=True)
    try:
        os.environ["PGPASSWORD"] = cluster.superuser_password
        print(measure(str(cluster.socket_dir), cluster.port, "trail_cost", n))
    finally:
        cluster.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
