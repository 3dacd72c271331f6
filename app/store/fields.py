"""Customer data sealed field by field under the keys of the roles that may read it.

SQLCipher encrypts the whole file under one key that every account holds (it must, to open
the file). Inside it, what only some roles may see is encrypted once more, field by field,
with AES-256-GCM under a *domain key* that only those roles' key-ring slots hold:

- `names`: a customer's name (counter staff, managers and archive clerks);
- `identity`: everything else that identifies a customer or tells their story (ID number,
  birth date, gender, phone, email, address, service numbers, case texts, request notes):
  counter staff and managers only.

Administrators hold neither. Each value is bound to its table, column and row id as
associated data, so a ciphertext copied to another row or column does not open. A sealed
value is bytes: version (1) | generation (2, big-endian) | nonce (12) | ciphertext+tag.
The generation names the domain key it was sealed under; a key rotation adds a generation
and re-seals row by row (a reader holds every live generation meanwhile).

Search runs on keyed tokens (blind indexes): HMAC-SHA256 under a key derived from the
domain key, of a kind and a value, cut to a signed 64-bit integer. Equal values give equal
tokens, so whoever reads the file sees which rows share a value (and how many), never the
value; without the domain key nobody can compute the token of a guess.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.errors import Damaged, PermissionDenied
from app.i18n import _
from app.store.memory import wipe

NAMES = "names"
IDENTITY = "identity"
DOMAINS = (NAMES, IDENTITY)

FORMAT = 2  # 1: unpadded (written while this was built; still read), 2: padded
_FORMATS = (1, 2)
_HEADER = 3  # version + generation
_NONCE = 12

# What is sealed, and under which domain. Everything not listed stays as it was (numbers,
# dates of record, statuses): the program needs them to work, and they identify nobody.
SEALED: dict[str, dict[str, str]] = {
    "customer": {
        "name": NAMES, "name_pinyin": NAMES,
        "id_number": IDENTITY, "birth_date": IDENTITY, "gender": IDENTITY,
        "phone": IDENTITY, "email": IDENTITY, "province": IDENTITY, "city": IDENTITY,
        "district": IDENTITY, "street": IDENTITY, "restriction_reason": IDENTITY,
    },
    "service": {"service_no": IDENTITY, "account_no": IDENTITY, "agreement_no": IDENTITY},
    "service_case": {"summary": IDENTITY, "details": IDENTITY, "resolution": IDENTITY},
    "rights_request": {"notes": IDENTITY},
    "consent_event": {"note": IDENTITY},  # typed at the counter ("said stop, call 139…")
    # Free text typed into an audit event's detail (evidence, reasons, notes): sealed inside
    # the signed detail, bound to no row (the chain already binds each detail to its event).
    "audit_detail": {"evidence": IDENTITY, "reason": IDENTITY, "note": IDENTITY},
    # Prepared access copies and portability files held for a manager's release: the whole
    # record, so under the identity key (row id: the artefact's id).
    "artefact_content": {"data": IDENTITY, "password": IDENTITY},
}
# The row id a table's values are bound to, where it is not the column `id`.
ROW_ID = {"artefact_content": "artefact_id"}
PAD = 16  # plaintext is padded to a multiple of this: a value's length shows only roughly
# Kept only to search by, and replaced by tokens once sealed: written empty from then on.
SEARCH_ONLY: dict[str, frozenset[str]] = {"customer": frozenset({"name_initials", "id_rev"})}


class AccessPending(PermissionDenied):
    """This account's key-ring slot does not (yet) hold the key of a domain its role reads."""


def pending_sentence() -> str:
    return _("Your access to customer data waits for a manager's approval; until then Custos "
             "cannot open customer records for you.")


@dataclass(frozen=True)
class DomainKey:
    """One generation of one domain's key, as a key-ring slot holds it."""

    domain: str
    generation: int
    secret: bytes

    def __repr__(self) -> str:  # never print key material
        return f"DomainKey({self.domain!r}, {self.generation})"


def _derive(secret: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"custos-fields-v1\x00" + label).derive(secret)


class _Generation:
    __slots__ = ("aead", "token_key", "token_mac")

    def __init__(self, secret: bytes) -> None:
        enc = _derive(secret, b"seal")
        self.aead = AESGCM(enc)
        self.token_key = bytearray(_derive(secret, b"token"))
        # Keyed once; each token copies it (a fresh HMAC per token pads the key every time,
        # and an import computes some forty tokens a customer).
        self.token_mac = hmac.new(bytes(self.token_key), digestmod=hashlib.sha256)
        wipe(enc)


def _aad(table: str, column: str, row_id: int) -> bytes:
    return f"custos-field\x00{table}\x00{column}\x00{int(row_id)}".encode()


def domain_of(table: str, column: str) -> str:
    return SEALED[table][column]


class FieldKeys:
    """The domain keys one account holds (none for an administrator), for sealing, opening
    and search tokens. Kept by the open Database and wiped with its key at lock."""

    def __init__(self, keys: Iterable[DomainKey] = (), active: bool = False) -> None:
        # `active`: this database seals (meta "fields_sealed"). Before its sealing pass has
        # run, values are written as text and searched through the old plaintext indexes.
        self.active = active
        self._gens: dict[str, dict[int, _Generation]] = {}
        self._current: dict[str, int] = {}
        self._held: list[DomainKey] = []
        for key in keys:
            self.add(key)

    def add(self, key: DomainKey) -> None:
        if key.domain not in DOMAINS:
            return  # a domain from a newer version: not ours to use
        self._gens.setdefault(key.domain, {})[key.generation] = _Generation(key.secret)
        self._current[key.domain] = max(self._current.get(key.domain, 0), key.generation)
        self._held.append(key)

    # --- what is held --------------------------------------------------------------------
    def holds(self, domain: str) -> bool:
        return domain in self._gens

    @property
    def domains(self) -> frozenset[str]:
        return frozenset(self._gens)

    def held(self) -> list[DomainKey]:
        """Every generation held, to seal to another slot (a manager's approval)."""
        return list(self._held)

    def current(self, domain: str) -> int:
        self._need(domain)
        return self._current[domain]

    def generations(self, domain: str) -> list[int]:
        return sorted(self._gens.get(domain, {}))

    def wipe(self) -> None:
        for gens in self._gens.values():
            for gen in gens.values():
                wipe(gen.token_key)
                gen.token_mac = None
        self._gens.clear()
        self._current.clear()
        self._held.clear()

    def _need(self, domain: str) -> None:
        if domain not in self._gens:
            raise AccessPending(pending_sentence())

    # --- sealing ---------------------------------------------------------------------------
    def seal(self, table: str, column: str, row_id: int, value: str | None) -> bytes | None:
        if value is None or not self.active:
            return value
        return self.seal_bytes(table, column, row_id, value.encode("utf-8"))

    def seal_bytes(self, table: str, column: str, row_id: int, data: bytes) -> bytes:
        domain = domain_of(table, column)
        self._need(domain)
        gen_no = self._current[domain]
        nonce = os.urandom(_NONCE)
        padded = data + b"\x80" + bytes(-(len(data) + 1) % PAD)  # ISO/IEC 7816-4 padding
        body = self._gens[domain][gen_no].aead.encrypt(nonce, padded,
                                                       _aad(table, column, row_id))
        return bytes((FORMAT,)) + gen_no.to_bytes(2, "big") + nonce + body

    def open(self, table: str, column: str, row_id: int, value) -> str | None:
        """The plain text of a sealed value. Text is returned as it is: a database whose
        sealing pass has not reached this row yet (it runs at the first login after the
        upgrade) or a value that was never secret (an erased record's placeholder)."""
        if value is None or isinstance(value, str):
            return value
        if not len(value) or bytes(value[:1])[0] not in _FORMATS:
            # Text as the server's BYTEA columns hold it (schema.SealedText): a sealed value
            # always starts with its format byte, which no printable text does.
            return bytes(value).decode("utf-8")
        return self.open_bytes(table, column, row_id, value).decode("utf-8")

    def open_bytes(self, table: str, column: str, row_id: int, value) -> bytes:
        domain = domain_of(table, column)
        self._need(domain)
        blob = bytes(value)
        if len(blob) < _HEADER + _NONCE + 16 or blob[0] not in _FORMATS:
            raise Damaged(_("A sealed value in the database is damaged ({table}.{column})."
                            ).format(table=table, column=column))
        gen = self._gens[domain].get(int.from_bytes(blob[1:3], "big"))
        if gen is None:
            raise AccessPending(pending_sentence())
        try:
            plain = gen.aead.decrypt(blob[_HEADER:_HEADER + _NONCE], blob[_HEADER + _NONCE:],
                                     _aad(table, column, row_id))
        except InvalidTag:
            raise Damaged(_("A sealed value in the database does not open: it was altered or "
                            "moved from another record ({table}.{column}).")
                          .format(table=table, column=column)) from None
        if blob[0] == 1:
            return plain
        # Padding is 0x80 then zeros, after the data: the data's own trailing zeros (a ZIP's)
        # come before the marker and stay.
        end = plain.rstrip(b"\x00")
        if not end.endswith(b"\x80"):
            raise Damaged(_("A sealed value in the database is damaged ({table}.{column}).")
                          .format(table=table, column=column))
        return end[:-1]

    def generation_of(self, value) -> int | None:
        """The generation a sealed value was written under (None for text)."""
        if not isinstance(value, bytes | bytearray | memoryview) or len(value) < _HEADER:
            return None
        return int.from_bytes(bytes(value)[1:3], "big")

    # --- search tokens ---------------------------------------------------------------------
    def token(self, domain: str, kind: str, value: str, generation: int | None = None) -> int:
        self._need(domain)
        gen = self._gens[domain][self._current[domain] if generation is None else generation]
        digest = gen.token_mac.copy()
        digest.update(f"{kind}\x00{value}".encode())
        return int.from_bytes(digest.digest()[:8], "big", signed=True)

    def tokens(self, domain: str, kind: str, value: str) -> list[int]:
        """The value's token under every generation held: what a search looks for."""
        return [self.token(domain, kind, value, g) for g in self.generations(domain)]


NO_KEYS = FieldKeys()


def is_sealed(value) -> bool:
    """Bytes in our sealed format (a held PDF or ZIP from before sealing is not)."""
    return (isinstance(value, bytes | bytearray | memoryview)
            and len(value) >= _HEADER + _NONCE + 16 and bytes(value[:1])[0] in _FORMATS)


def open_row(keys: FieldKeys, table: str, row, row_id: int | None = None,
             prefix: str = "") -> dict:
    """A result row as a dict, every sealed column of `table` in it opened. `row_id` defaults
    to the row's own `id`; `prefix` maps labelled columns (`customer_name` → `name`)."""
    data = dict(row._mapping) if hasattr(row, "_mapping") else dict(row)
    rid = data["id"] if row_id is None else row_id
    for column in SEALED[table]:
        label = prefix + column
        if label in data:
            data[label] = keys.open(table, column, rid, data[label])
    return data


def sealed_values(keys: FieldKeys, table: str, row_id: int, values: dict) -> dict:
    """`values` for an insert or update, every sealed column of `table` in it sealed."""
    columns = SEALED[table]
    blank = SEARCH_ONLY.get(table, frozenset()) if keys.active else frozenset()
    return {name: (keys.seal(table, name, row_id, value) if name in columns
                   else "" if name in blank else value)
            for name, value in values.items()}


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


SEALED_TEXT = "sealed:"


def seal_note(keys: FieldKeys, column: str, text: str) -> str:
    """Free text for an audit detail: sealed under the identity key as "sealed:<base64>"
    when this account holds it (always, for those who may type such text)."""
    if not (keys.active and keys.holds(domain_of("audit_detail", column))):
        return text
    blob = keys.seal_bytes("audit_detail", column, 0, text.encode("utf-8"))
    return SEALED_TEXT + base64.b64encode(blob).decode("ascii")


def open_detail(keys: FieldKeys, detail: str) -> str:
    """An audit detail (JSON) as its reader may see it: sealed text opened for a holder of
    the key, "(sealed)" for anyone else."""
    if SEALED_TEXT not in detail:
        return detail
    try:
        data = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return detail
    for name, value in data.items():
        if isinstance(value, str) and value.startswith(SEALED_TEXT) \
                and name in SEALED["audit_detail"]:
            try:
                blob = base64.b64decode(value[len(SEALED_TEXT):], validate=True)
                data[name] = keys.open_bytes("audit_detail", name, 0, blob).decode("utf-8")
            except (ValueError, AccessPending, Damaged):
                data[name] = "(sealed)"
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
