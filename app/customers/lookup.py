"""Finding customers and services by a sealed value, once the database seals its fields.

A sealed column cannot be compared in SQL: its tokens (customers/tokens.py) find the
candidates, which are then opened (and, for prefix readings, checked) in Python.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from app.customers.tables import customer, customer_token, service
from app.customers.tokens import query_tokens
from app.store import dialect
from app.store.fields import SEALED, FieldKeys, chunks

_BATCH = 500  # bound parameters per IN (...)


def token_candidates(conn, keys: FieldKeys, kind: str, value: str,
                     cap: int | None = None) -> list[int]:
    """Customer ids holding a token of this reading (at most `cap`), smallest id first.
    Plain SQL: this runs at every keystroke-search, and building the statement through
    the expression language cost more than running it."""
    tokens = query_tokens(keys, kind, value)
    if not tokens:
        return []
    marks = ",".join("?" * len(tokens))
    limit = f" LIMIT {int(cap)}" if cap is not None else ""
    return [r[0] for r in dialect.raw(conn,
        f"SELECT DISTINCT customer_id FROM customer_token WHERE token IN ({marks}) "
        f"ORDER BY customer_id{limit}", tuple(tokens))]


def tokens_to_customers(conn, tokens: Iterable[int]) -> dict[int, set[int]]:
    """token -> the customer ids holding it, for many tokens at once (imports)."""
    out: dict[int, set[int]] = {}
    for part in chunks(sorted(set(tokens)), _BATCH):
        for token, cid in conn.execute(select(customer_token.c.token,
                                              customer_token.c.customer_id)
                                       .where(customer_token.c.token.in_(part))):
            out.setdefault(token, set()).add(cid)
    return out


def opened_customers(conn, keys: FieldKeys, ids: Iterable[int], *columns) -> dict[int, dict]:
    """id -> row dict (id, customer_no, status and `columns`), sealed columns opened."""
    names = ["id", "customer_no", "status", *(customer.c[name].name for name in columns)]
    sealed = [n for n in names if n in SEALED["customer"]]
    out: dict[int, dict] = {}
    for part in chunks(sorted(set(ids)), _BATCH):
        marks = ",".join("?" * len(part))
        for row in dialect.raw(conn,
                f"SELECT {', '.join(names)} FROM customer WHERE id IN ({marks})", tuple(part)):
            data = dict(zip(names, row, strict=True))
            for name in sealed:
                data[name] = keys.open("customer", name, data["id"], data[name])
            out[data["id"]] = data
    return out


def opened_services(conn, keys: FieldKeys, customer_ids: Iterable[int]) -> dict[int, list]:
    """customer id -> its services as dicts (id, service_no opened, kind, status, dates)."""
    s = service.c
    out: dict[int, list] = {}
    for part in chunks(sorted(set(customer_ids)), _BATCH):
        for row in conn.execute(select(s.id, s.customer_id, s.service_no, s.kind, s.status,
                                       s.start_date, s.end_date)
                                .where(s.customer_id.in_(part)).order_by(s.id)):
            data = dict(row._mapping)
            data["service_no"] = keys.open("service", "service_no", row.id, row.service_no)
            out.setdefault(row.customer_id, []).append(data)
    return out


def services_numbered(conn, keys: FieldKeys, numbers: Iterable[str]) -> list[dict]:
    """The services whose number is one of `numbers` (opened and compared in Python)."""
    wanted = set(numbers)
    ids: set[int] = set()
    for number in wanted:
        ids.update(token_candidates(conn, keys, "service_no", number))
    return [svc for rows in opened_services(conn, keys, ids).values() for svc in rows
            if svc["service_no"] in wanted]


def service_tokens_of(conn, keys: FieldKeys, customer_id: int) -> list[tuple[str, str]]:
    """(service_no, kind) of every service of a customer, opened: for customer_tokens."""
    return [(svc["service_no"], svc["kind"])
            for svc in opened_services(conn, keys, [customer_id]).get(customer_id, [])]


def rebuild_tokens(conn, keys: FieldKeys, customer_id: int) -> None:
    """The customer's tokens written again from what is stored now (after any change to
    its name, ID number, phone or services). Nothing to do while the database does not
    seal."""
    if not keys.active:
        return
    from app.customers.tokens import customer_tokens, replace_tokens

    row = opened_customers(conn, keys, [customer_id], "name", "id_number", "phone",
                           "erased_at")[customer_id]
    if row["erased_at"] is not None:
        replace_tokens(conn, customer_id, set())
        return
    replace_tokens(conn, customer_id, customer_tokens(
        keys, name=row["name"], id_number=row["id_number"], phone=row["phone"],
        services=service_tokens_of(conn, keys, customer_id)))
