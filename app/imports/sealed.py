"""What an import needs from the database when it seals its fields.

A sealed column cannot be loaded whole and compared: the values a file brings are looked
up through their tokens instead (in batches), and what the tokens find is opened and
checked. So the import's context (`run._context`) holds only what concerns this file's rows.
Rows are written sealed under their own ids, and their customers' tokens written with them.
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select

from app.customers import lookup
from app.customers.tables import customer, customer_token, service
from app.customers.tokens import customer_tokens
from app.store import dialect
from app.store.fields import IDENTITY, FieldKeys, chunks, sealed_values


def _matching(conn, keys: FieldKeys, kind: str, values: set[str], column: str) -> dict:
    """value -> the opened customer rows whose `column` equals it, for many values."""
    if not values:
        return {}
    by_token = {t: v for v in values for t in keys.tokens(IDENTITY, kind, v)}
    found = lookup.tokens_to_customers(conn, by_token)
    ids = {cid for cids in found.values() for cid in cids}
    rows = lookup.opened_customers(conn, keys, ids, column, "restricted_at", "erased_at")
    out: dict[str, list] = {}
    for token, cids in found.items():
        value = by_token[token]
        out.setdefault(value, []).extend(rows[c] for c in sorted(cids)
                                         if rows[c][column] == value)
    return out


def prefetch(conn, keys: FieldKeys, kind: str, ctx: dict, rows: list[dict]) -> None:
    """Fill the context for these (converted) rows, as `run._context` does from whole
    tables when nothing is sealed."""
    if kind == "customers":
        numbers = {v["id_number"] for v in rows}
        ctx["id_numbers"] = set(_matching(conn, keys, "id_number", numbers, "id_number"))
        phones = _matching(conn, keys, "phone", {v["phone"] for v in rows}, "phone")
        ctx["phones"] = {phone: active[0]["customer_no"] for phone, found in phones.items()
                         if (active := [r for r in found if r["status"] == "active"])}
    if kind in ("services", "cases"):
        refs = {v["customer"] for v in rows}
        known: dict[str, SimpleNamespace] = {}
        for part in chunks(sorted(refs), 500):
            for r in conn.execute(select(customer.c.id, customer.c.customer_no,
                                         customer.c.restricted_at, customer.c.erased_at)
                                  .where(customer.c.customer_no.in_(part))):
                known[r.customer_no] = SimpleNamespace(**r._mapping)
        for number, found in _matching(conn, keys, "id_number", refs - set(known),
                                       "id_number").items():
            if found:
                known[number] = SimpleNamespace(**found[-1])
        ctx["customers"] = known
    if kind == "services":
        numbers = {v["service_no"] for v in rows}
        ctx["numbers"] = {s["service_no"] for s in lookup.services_numbered(conn, keys, numbers)
                          if s["status"] != "ended"}
    if kind == "consumption":
        found = lookup.services_numbered(conn, keys, {v["service_no"] for v in rows})
        ctx["services"] = {s["service_no"]: SimpleNamespace(**s)
                           for s in sorted(found, key=lambda s: s["id"])}


def catch_up(conn, keys: FieldKeys, kind: str, ctx: dict) -> None:
    """What other writers added since the context was read, opened."""
    if kind == "customers":
        for row in conn.execute(select(customer.c.id, customer.c.id_number)
                                .where(customer.c.id > ctx["read_upto"])):
            ctx["id_numbers"].add(keys.open("customer", "id_number", row.id, row.id_number))
    elif kind == "services":
        for row in conn.execute(select(service.c.id, service.c.service_no).where(
                service.c.id > ctx["read_upto"], service.c.status != "ended")):
            ctx["numbers"].add(keys.open("service", "service_no", row.id, row.service_no))


def seal_batch(keys: FieldKeys, kind: str, batch: list[dict]) -> tuple[list[dict], list]:
    """The batch's rows sealed under their ids, and the token rows of new customers."""
    table = {"customers": "customer", "services": "service", "cases": "service_case"}.get(kind)
    if table is None:
        return batch, []
    tokens: list[tuple[int, int]] = []
    if kind == "customers":
        for v in batch:
            cid = v["id"]
            tokens += [(t, cid) for t in customer_tokens(
                keys, name=v["name"], id_number=v["id_number"], phone=v["phone"])]
    return [sealed_values(keys, table, v["id"], v) for v in batch], tokens


def write_tokens(conn, tokens: list[tuple[int, int]]) -> None:
    """(token, customer id) rows, written as plainly as they come (an import's bulk)."""
    if tokens:
        dialect.bulk_insert(conn, customer_token, ("token", "customer_id"), tokens)


def rebuild(conn, keys: FieldKeys, customer_ids: set[int]) -> None:
    """Tokens of customers whose services changed."""
    for cid in sorted(customer_ids):
        lookup.rebuild_tokens(conn, keys, cid)


__all__ = ["catch_up", "prefetch", "rebuild", "seal_batch", "write_tokens"]
