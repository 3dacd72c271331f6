"""Which customer-data keys an account may trust: a key planted in its slot is refused.

Anyone who can write the key ring can seal a key of their own into every slot (sealing
needs only a slot's public key). If a clerk's session then sealed under it, whoever planted
it could read what the clerk writes. So a domain key is used only when it is proven:

- generation 1 by its check value (an HMAC under the key itself), recorded when the keys
  were made, in the audit log's `fields.keys_made` event (chained and signed: rewriting it
  breaks `audit verify`) and in meta;
- each later generation by an endorsement under the generation before it (an HMAC of the
  new key's check value under the old key), written by the rotation, which holds both.

Nobody without a real key can make a check value or an endorsement that matches it. Slots
keep every generation (old ones open nothing new; they prove the chain).
"""

from __future__ import annotations

import hashlib
import hmac
import json

from sqlalchemy import select

from app.store import schema
from app.store.fields import DomainKey

KEYS_MADE = "fields.keys_made"


def check_value(key: DomainKey, db_id: str) -> str:
    return hmac.new(key.secret, f"custos-key-check\x00{db_id}\x00{key.domain}\x00"
                    f"{key.generation}".encode(), hashlib.sha256).hexdigest()[:32]


def endorsement(previous: DomainKey, new: DomainKey, db_id: str) -> str:
    return hmac.new(previous.secret, f"custos-key-next\x00{db_id}\x00{new.domain}\x00"
                    f"{new.generation}\x00{check_value(new, db_id)}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def _meta(conn, key: str) -> str | None:
    return conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar()


def _put(conn, key: str, value: str) -> None:
    conn.execute(schema.meta.delete().where(schema.meta.c.key == key))
    conn.execute(schema.meta.insert().values(key=key, value=value))


def roots_detail(keys: list[DomainKey], db_id: str) -> dict:
    """What the `fields.keys_made` event records: each first key's check value."""
    return {"checks": {k.domain: check_value(k, db_id) for k in keys}}


def record_roots(conn, keys: list[DomainKey], db_id: str) -> None:
    for key in keys:
        _put(conn, f"keyroot:{key.domain}", check_value(key, db_id))


def record_next(conn, previous: list[DomainKey], new: list[DomainKey], db_id: str) -> None:
    by_domain = {k.domain: k for k in previous}
    for key in new:
        _put(conn, f"keynext:{key.domain}:{key.generation}",
             endorsement(by_domain[key.domain], key, db_id))


def _base(conn) -> int:
    """The last expired event's seq (0 when none expired): retained events come after it."""
    base = _meta(conn, "audit_base")
    try:
        return int(base.split(":", 1)[0]) if base else 0
    except ValueError:
        return 0


def keys_recorded(conn) -> bool:
    """Were customer-data keys ever made for this database (the event, or its expired
    part's record in meta)?"""
    return bool(_roots(conn))


def _roots(conn) -> dict[str, str]:
    """The first key's check value per domain: from the first `fields.keys_made` event of
    the chain (a row slipped in below its start is not one: `audit verify` names it), else,
    only once that part of the log has expired, from meta."""
    base = _base(conn)
    checks: dict = {}
    for detail in conn.execute(select(schema.audit_event.c.detail)
                               .where(schema.audit_event.c.action == KEYS_MADE,
                                      schema.audit_event.c.seq > max(base, 0))
                               .order_by(schema.audit_event.c.seq)).scalars():
        try:
            checks = json.loads(detail)["checks"]
        except (ValueError, KeyError, TypeError):
            checks = {}
        if isinstance(checks, dict) and checks:
            break  # the first event that made keys
        checks = {}
    if not checks and base:
        for row in conn.execute(select(schema.meta.c.key, schema.meta.c.value)
                                .where(schema.meta.c.key.like("keyroot:%"))):
            checks.setdefault(row.key.split(":", 1)[1], row.value)
    return {d: c for d, c in checks.items() if isinstance(c, str)}


def trusted(conn, db_id: str, keys) -> tuple[list[DomainKey], list[DomainKey]]:
    """(the keys proven, the keys refused). With no record of a domain's first key, none of
    its keys is proven."""
    roots = _roots(conn)
    good: list[DomainKey] = []
    bad: list[DomainKey] = []
    by_domain: dict[str, dict[int, DomainKey]] = {}
    for key in keys:
        by_domain.setdefault(key.domain, {})[key.generation] = key
    for domain, gens in by_domain.items():
        proven: DomainKey | None = None
        for gen in sorted(gens):
            key = gens[gen]
            if proven is None:
                root = roots.get(domain)
                ok = gen == 1 and root is not None and hmac.compare_digest(
                    root, check_value(key, db_id))
            else:
                mark = _meta(conn, f"keynext:{domain}:{gen}") or ""
                ok = proven.generation == gen - 1 and hmac.compare_digest(
                    mark, endorsement(proven, key, db_id))
            if ok:
                proven = key
                good.append(key)
            else:
                bad.append(key)
    return good, bad
