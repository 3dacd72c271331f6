"""Search tokens (blind indexes) of a customer: what `find_customers` looks up once the
database seals its fields, instead of plaintext indexes on names and numbers.

Each reading of the search box has its own token kind; each token is keyed with the domain
key of what it stands for (names for names and their pinyin, identity for numbers), so an
archive clerk can search names and nothing else, and nobody without a key can compute the
token of a guess. Prefix readings (name, pinyin, initials) store one token per prefix
length; number readings store the whole value and, where the mask shows it anyway, the
last digits. A name reading's candidates are opened, checked against the query (it may be
longer than the stored prefixes) and sorted; a number reading's token is of the whole value
looked up, so its candidates are the answer (a 64-bit keyed hash: a false match once in
some 10^13 lookups) and only the rows on screen are opened.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.customers.pinyin import pinyin_of
from app.customers.tables import customer_token
from app.store.fields import IDENTITY, NAMES, FieldKeys

NAME_PREFIX_MAX = 8      # characters of a name: a longer query is checked after opening
PINYIN_PREFIX_MAX = 24   # letters of full pinyin
INITIALS_PREFIX_MAX = 8
TAIL = 4                 # the last digits of a phone (or phone-like service number)
ID_TAILS = (4, 5, 6)
PHONE_SERVICES = ("mobile", "fixed_line")

# kind -> (domain, how a query of that reading becomes the looked-up value)
KINDS = {
    "name": NAMES, "pinyin": NAMES, "initials": NAMES,
    "id_number": IDENTITY, "id_tail": IDENTITY, "phone": IDENTITY, "phone_tail": IDENTITY,
    "service_no": IDENTITY,
}


def _prefixes(text: str, first: int, last: int) -> Iterable[str]:
    return (text[:n] for n in range(first, min(len(text), last) + 1))


def customer_tokens(keys: FieldKeys, *, name: str, id_number: str, phone: str,
                    services: Iterable[tuple[str, str]] = ()) -> set[int]:
    """Every token of one customer. `services`: (service_no, kind) pairs. Values are as
    stored (normalised); an erased customer's placeholders give no tokens worth having,
    so the caller passes none for them."""
    out: set[int] = set()
    if keys.holds(NAMES) and name:
        full, initials = pinyin_of(name)
        out.update(keys.token(NAMES, "name", p) for p in _prefixes(name, 1, NAME_PREFIX_MAX))
        out.update(keys.token(NAMES, "pinyin", p)
                   for p in _prefixes(full, 1, PINYIN_PREFIX_MAX))
        out.update(keys.token(NAMES, "initials", p)
                   for p in _prefixes(initials, 1, INITIALS_PREFIX_MAX))
    if keys.holds(IDENTITY):
        if id_number:
            out.add(keys.token(IDENTITY, "id_number", id_number))
            out.update(keys.token(IDENTITY, "id_tail", id_number[-n:])
                       for n in ID_TAILS if len(id_number) > n)
        if phone:
            out.add(keys.token(IDENTITY, "phone", phone))
            out.add(keys.token(IDENTITY, "phone_tail", phone[-TAIL:]))
        for number, kind in services:
            out.add(keys.token(IDENTITY, "service_no", number))
            if kind in PHONE_SERVICES:
                out.add(keys.token(IDENTITY, "phone_tail", number[-TAIL:]))
    return out


def query_tokens(keys: FieldKeys, kind: str, value: str) -> list[int]:
    """What a search reading looks up: the value's token under every generation held
    (more than one only while a key rotation is under way). A name or pinyin query longer
    than the stored prefixes looks up its longest stored prefix and is checked after."""
    if kind == "name":
        value = value[:NAME_PREFIX_MAX]
    elif kind == "pinyin":
        value = value[:PINYIN_PREFIX_MAX]
    elif kind == "initials":
        value = value[:INITIALS_PREFIX_MAX]
    elif kind == "id_tail":
        value = value[-max(ID_TAILS):]
    domain = KINDS[kind]
    return keys.tokens(domain, kind, value) if keys.holds(domain) else []


def replace_tokens(conn, customer_id: int, tokens: set[int]) -> None:
    """The customer's tokens become exactly `tokens` (after a create, an edit, an erasure)."""
    conn.execute(customer_token.delete().where(customer_token.c.customer_id == customer_id))
    if tokens:  # one statement, not one per token: a round trip and a trail row each
        conn.execute(customer_token.insert().values(
            [{"token": t, "customer_id": customer_id} for t in sorted(tokens)]))
