"""The key ring beside the database: the database key, once per user, plus a recovery slot.

Each slot holds an X25519 key pair. Its private key is wrapped with AES-256-GCM under a key
derived from the slot's secret (a user's password or the recovery code) with Argon2id; the
database key is sealed to its public key (ephemeral X25519, HKDF-SHA256, AES-256-GCM).
Opening needs the secret; re-sealing a new database key to every slot (key rotation) needs
no one's password. The associated data binds each slot to the database id, the slot id, its
kind and its user, so a slot copied into another ring or renamed to another user does not
open. The file holds no password, no key and no customer data in the clear; it is written
atomically.

Each slot also seals the account's own secrets (today its Ed25519 audit signing key; the
payload is a versioned JSON object so later per-account keys find a place) to the slot's
public key under an ephemeral key of their own, so re-sealing the database key at rotation
leaves them untouched. The slot carries the signing key's public half (`verify`) in the
clear, and the ring remembers the audit head it last saw (`audit_head`): one of the anchors
that reveal a database put back from an older copy.

A slot also holds the customer-data domain keys its account was granted (`grants`, see
store/fields.py), each sealed to the slot's public key the same way: whoever holds a key
can grant it without anyone's password. Which grants are genuine is not the ring's to say
(anyone who can write it can add one): store/keychecks.py proves them at login.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.errors import LoginFailed, StoreError
from app.i18n import _
from app.store.atomic import write_atomic
from app.store.fields import DomainKey
from app.store.kdf import (  # noqa: F401 (KDF_* and tune_kdf: read from here by callers)
    FLOOR,
    KDF_COST_MAX,
    KDF_MEMORY_RANGE,
    KDF_PARALLELISM_RANGE,
    KDF_TIME_RANGE,
    KEY_BYTES,
    TUNE_COST_MAX,
    KdfParams,
    derive,
    tune_kdf,
)
from app.store.memory import wipe

FORMAT = "custos-keyring"
VERSION = 1  # slots: X25519 pair, private key under Argon2id, db key sealed
RING_MAX_BYTES = 16 << 20  # a slot is about 1 KiB: room for thousands of accounts
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: it is typed from paper
RECOVERY_SIGNER = "(recovery)"  # the name the recovery slot signs audit events under
SECRETS_VERSION = 1  # the sealed per-account payload: {"v": 1, "sign": <Ed25519 private>}


def new_recovery_code() -> str:
    """25 characters from a 32-letter alphabet (125 bits), in groups of five."""
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(25))
    return "-".join(raw[i : i + 5] for i in range(0, 25, 5))


def normalise_recovery_code(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(raw[i : i + 5] for i in range(0, len(raw), 5))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


_RAW = serialization.Encoding.Raw


def _public_bytes(public: X25519PublicKey) -> bytes:
    return public.public_bytes(_RAW, serialization.PublicFormat.Raw)


def _seal_key(shared: bytes, aad: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"custos-keyring-seal\x00" + aad).derive(shared)


@dataclass(frozen=True)
class Slot:
    id: str
    kind: str  # "user", "recovery", or "disabled" (a tombstone that holds no key material)
    user: str | None
    salt: bytes = b""
    kdf: KdfParams = FLOOR
    nonce: bytes = b""          # for the wrapped private key
    wrapped: bytes = b""        # the X25519 private key, AES-GCM under the Argon2id key
    public: bytes = b""         # the X25519 public key
    ephemeral: bytes = b""      # the sealing side's public key
    seal_nonce: bytes = b""
    sealed: bytes = b""         # the database key, AES-GCM under HKDF(ECDH)
    # The account's own secrets (absent in slots written before audit signing).
    verify: bytes = b""         # the Ed25519 public key its audit events are checked with
    s_ephemeral: bytes = b""
    s_nonce: bytes = b""
    s_sealed: bytes = b""       # JSON {"v": 1, "sign": ...}, AES-GCM under HKDF(ECDH)
    # The customer-data domain keys this slot holds (store/fields.py), each sealed to the
    # public key like the secrets: (domain, generation, ephemeral, nonce, sealed).
    grants: tuple[tuple[str, int, bytes, bytes, bytes], ...] = ()

    _BINARY = ("salt", "nonce", "wrapped", "public", "ephemeral", "seal_nonce", "sealed")
    _OPTIONAL = ("verify", "s_ephemeral", "s_nonce", "s_sealed")

    def as_dict(self) -> dict:
        data: dict = {"id": self.id, "kind": self.kind, "user": self.user}
        if self.kind != "disabled":
            data["kdf"] = self.kdf.as_dict()
            data.update({name: _b64(getattr(self, name)) for name in self._BINARY})
            data.update({name: _b64(getattr(self, name)) for name in self._OPTIONAL
                         if getattr(self, name)})
            if self.grants:
                data["grants"] = [{"domain": d, "gen": g, "e": _b64(e), "n": _b64(n),
                                   "c": _b64(c)} for d, g, e, n, c in self.grants]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Slot:
        _check_slot(data)
        if data["kind"] == "disabled":
            return cls(id=data["id"], kind="disabled", user=data["user"])
        grants = data.get("grants", [])
        if not isinstance(grants, list) or len(grants) > 64:
            raise ValueError("a slot's grants are not a short list")
        return cls(id=data["id"], kind=data["kind"], user=data.get("user"),
                   kdf=KdfParams.from_dict(data["kdf"]),
                   **{name: _unb64(data[name]) for name in cls._BINARY},
                   **{name: _unb64(data[name]) for name in cls._OPTIONAL if name in data},
                   grants=tuple(_grant_from(g) for g in grants))

    @property
    def domains(self) -> frozenset[str]:
        """The domains whose keys this slot holds (readable without opening it)."""
        return frozenset(g[0] for g in self.grants)


def _grant_from(data: object) -> tuple[str, int, bytes, bytes, bytes]:
    if not isinstance(data, dict) or not isinstance(data.get("domain"), str) \
            or type(data.get("gen")) is not int or not 0 < data["gen"] < 1 << 16:
        raise ValueError("a grant has the wrong shape")
    return (data["domain"], data["gen"], _unb64(data["e"]), _unb64(data["n"]),
            _unb64(data["c"]))


@dataclass(frozen=True)
class Opened:
    """What a slot's secret opens: the database key, the signing key if the slot has one,
    and the customer-data domain keys it was granted."""

    db_key: bytes
    signing: Ed25519PrivateKey | None
    domain_keys: tuple[DomainKey, ...] = ()


def _check_slot(data: object) -> None:
    """The shape of one slot, before any of it is used: a ring is a file someone may edit."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise ValueError("a slot is not an object with an id")
    kind, user = data.get("kind"), data.get("user")
    if kind not in ("user", "recovery", "disabled"):
        raise ValueError("unknown slot kind")
    if not (isinstance(user, str) if kind in ("user", "disabled") else user is None):
        raise ValueError("a slot's user has the wrong type")
    if kind != "disabled" and not all(isinstance(data.get(name), str)
                                      for name in Slot._BINARY):
        raise ValueError("a slot's key material is not text")


def _check_ring(data: object) -> None:
    """The ring's own fields: an object of the right format, version and types."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not a key ring")
    version = data.get("version", 0)
    if type(version) is not int:  # 1e400, "1", true: a damaged ring
        raise ValueError("the version is not a whole number")
    if version > VERSION:
        raise StoreError(_("The key ring was written by a newer version of Custos."))
    if not (isinstance(data.get("db_id"), str) and isinstance(data.get("db_salt"), str)
            and isinstance(data.get("slots"), list)):
        raise ValueError("a key ring field has the wrong type")


def _check_unique(slots) -> None:
    """One slot per account and one recovery slot: a second slot under a clerk's name (a
    "shadow" someone added with a password of their own) would receive every key granted
    to that clerk."""
    names = [_user_key(s.user) for s in slots if s.user is not None]
    if len(names) != len(set(names)) or sum(s.kind == "recovery" for s in slots) > 1:
        raise StoreError(_("The key ring holds a second slot for one account; it was "
                           "refused. Restore the key ring from a backup."))


def _user_key(name: str) -> str:
    return name.strip().casefold()


@dataclass(frozen=True)
class KeyRing:
    db_id: str
    db_salt: str  # hex of the database file's first 16 bytes: which file this ring belongs to
    slots: tuple[Slot, ...]
    kdf: KdfParams = FLOOR  # cost used for new slots
    audit_head: dict | None = None  # {"seq", "hash", "at"}: the newest head this ring saw

    # --- reading and writing -------------------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> KeyRing:
        try:
            with open(path, "rb") as fh:
                raw = fh.read(RING_MAX_BYTES + 1)  # a ring is a file someone may have edited
        except FileNotFoundError:
            raise StoreError(_("The key ring {name} is missing; it must lie beside the database.")
                             .format(name=Path(path).name)) from None
        return cls.load_bytes(raw)

    @classmethod
    def load_bytes(cls, raw: bytes) -> KeyRing:
        try:
            if len(raw) > RING_MAX_BYTES:
                raise ValueError("too large for a key ring")
            data = json.loads(raw.decode("utf-8"))
            _check_ring(data)
            head = data.get("audit_head")
            if head is not None:
                head = {"seq": int(head["seq"]), "hash": str(head["hash"]),
                        "at": str(head.get("at", ""))}
            slots = tuple(Slot.from_dict(s) for s in data["slots"])
            _check_unique(slots)
            return cls(db_id=data["db_id"], db_salt=data["db_salt"], slots=slots,
                       kdf=KdfParams.from_dict(data.get("kdf", FLOOR.as_dict())),
                       audit_head=head)
        except StoreError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError,
                UnicodeDecodeError):
            # ValueError also covers bad JSON, bad base64 and a bad version number; the
            # others stand for any shape the checks above did not foresee.
            raise StoreError(_("The key ring is damaged or is not a Custos key ring.")) from None

    def to_bytes(self) -> bytes:
        data = {"format": FORMAT, "version": VERSION, "db_id": self.db_id,
                "db_salt": self.db_salt, "kdf": self.kdf.as_dict(),
                "slots": [s.as_dict() for s in self.slots]}
        if self.audit_head is not None:
            data["audit_head"] = self.audit_head
        return json.dumps(data, indent=1, ensure_ascii=True).encode("ascii")

    def save(self, path: Path) -> None:
        write_atomic(Path(path), self.to_bytes())

    # --- slots ---------------------------------------------------------------------------
    def _aad(self, slot_id: str, kind: str, user: str | None) -> bytes:
        return "\x00".join(("custos-keyring-v1", self.db_id, slot_id, kind,
                            _user_key(user) if user else "")).encode("utf-8")

    def _seal(self, slot: Slot, db_key: bytes) -> Slot:
        """The database key sealed to the slot's public key: no secret needed."""
        ephemeral = X25519PrivateKey.generate()
        aad = self._aad(slot.id, slot.kind, slot.user)
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(slot.public))
        nonce = os.urandom(12)
        sealed = AESGCM(_seal_key(shared, aad)).encrypt(nonce, db_key, aad)
        return replace(slot, ephemeral=_public_bytes(ephemeral.public_key()),
                       seal_nonce=nonce, sealed=sealed)

    def _seal_secrets(self, slot: Slot, signing: Ed25519PrivateKey) -> Slot:
        """The account's secrets sealed to the slot's public key (no password needed), under
        an ephemeral key of their own: re-sealing the database key leaves them alone."""
        ephemeral = X25519PrivateKey.generate()
        aad = self._aad(slot.id, slot.kind, slot.user) + b"\x00secrets"
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(slot.public))
        raw = signing.private_bytes(_RAW, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption())
        payload = json.dumps({"v": SECRETS_VERSION, "sign": _b64(raw)}).encode("ascii")
        nonce = os.urandom(12)
        sealed = AESGCM(_seal_key(shared, aad)).encrypt(nonce, payload, aad)
        verify = signing.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
        return replace(slot, verify=verify, s_ephemeral=_public_bytes(ephemeral.public_key()),
                       s_nonce=nonce, s_sealed=sealed)

    def _wrap(self, kind: str, user: str | None, secret: str, db_key: bytes,
              signing: Ed25519PrivateKey | None = None) -> Slot:
        slot_id = secrets.token_hex(8)
        salt = secrets.token_bytes(16)
        private = X25519PrivateKey.generate()
        raw = private.private_bytes(_RAW, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption())
        nonce = os.urandom(12)
        wrapped = AESGCM(derive(secret, salt, self.kdf)).encrypt(
            nonce, raw, self._aad(slot_id, kind, user))
        slot = Slot(slot_id, kind, user, salt, self.kdf, nonce, wrapped,
                    _public_bytes(private.public_key()))
        # Every new slot gets a signing key: a fresh one unless the holder's is carried over.
        slot = self._seal_secrets(slot, signing or Ed25519PrivateKey.generate())
        return self._seal(slot, db_key)

    def _open(self, slot: Slot, secret: str) -> Opened | None:
        aad = self._aad(slot.id, slot.kind, slot.user)
        wrapping = raw = shared = s_shared = plain = None
        try:
            try:
                wrapping = derive(secret, slot.salt, slot.kdf)
                raw = AESGCM(wrapping).decrypt(slot.nonce, slot.wrapped, aad)
                private = X25519PrivateKey.from_private_bytes(raw)
                shared = private.exchange(X25519PublicKey.from_public_bytes(slot.ephemeral))
                db_key = AESGCM(_seal_key(shared, aad)).decrypt(slot.seal_nonce, slot.sealed,
                                                                aad)
            except (InvalidTag, ValueError):
                return None
            signing = None
            if slot.s_sealed:
                s_aad = aad + b"\x00secrets"
                try:
                    s_shared = private.exchange(X25519PublicKey.from_public_bytes(
                        slot.s_ephemeral))
                    plain = AESGCM(_seal_key(s_shared, s_aad)).decrypt(
                        slot.s_nonce, slot.s_sealed, s_aad)
                    signing = Ed25519PrivateKey.from_private_bytes(
                        _unb64(json.loads(plain)["sign"]))
                except (InvalidTag, ValueError, KeyError, TypeError):
                    signing = None  # a damaged payload: the account gets a new signing key
            return Opened(db_key, signing, self._open_grants(slot, private))
        finally:
            for secret_bytes in (wrapping, raw, shared, s_shared, plain):
                wipe(secret_bytes)

    def _grant_aad(self, slot: Slot, domain: str, generation: int) -> bytes:
        return (self._aad(slot.id, slot.kind, slot.user)
                + f"\x00grant\x00{domain}\x00{generation}".encode())

    def _seal_grant(self, slot: Slot, key: DomainKey) -> tuple[str, int, bytes, bytes, bytes]:
        ephemeral = X25519PrivateKey.generate()
        aad = self._grant_aad(slot, key.domain, key.generation)
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(slot.public))
        nonce = os.urandom(12)
        sealed = AESGCM(_seal_key(shared, aad)).encrypt(nonce, key.secret, aad)
        return (key.domain, key.generation, _public_bytes(ephemeral.public_key()), nonce,
                sealed)

    def _open_grants(self, slot: Slot, private: X25519PrivateKey) -> tuple[DomainKey, ...]:
        keys = []
        for domain, generation, ephemeral, nonce, sealed in slot.grants:
            aad = self._grant_aad(slot, domain, generation)
            shared = None
            try:
                shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
                keys.append(DomainKey(domain, generation,
                                      AESGCM(_seal_key(shared, aad)).decrypt(nonce, sealed, aad)))
            except (InvalidTag, ValueError):
                continue  # a grant someone damaged or forged: the account lacks that key
            finally:
                wipe(shared)
        return tuple(keys)

    def _target(self, user: str | None):
        def target(s: Slot) -> bool:
            if user is None:
                return s.kind == "recovery"
            return s.kind == "user" and _user_key(s.user or "") == _user_key(user)
        return target

    def with_grants(self, user: str | None, keys) -> KeyRing:
        """`user`'s slot (None: the recovery slot) also holds these domain keys, sealed to its
        public key: whoever holds the keys can grant them, no password needed. A grant of the
        same domain and generation is replaced."""
        keys = list(keys)
        target = self._target(user)

        def granted(s: Slot) -> Slot:
            new = {(k.domain, k.generation) for k in keys}
            kept = tuple(g for g in s.grants if (g[0], g[1]) not in new)
            return replace(s, grants=kept + tuple(self._seal_grant(s, k) for k in keys))
        return replace(self, slots=tuple(granted(s) if target(s) else s for s in self.slots))

    def without_grants(self, user: str | None, domains=None) -> KeyRing:
        """`user`'s slot (None: the recovery slot) loses its grants of `domains` (all when
        None)."""
        target = self._target(user)

        def dropped(s: Slot) -> Slot:
            return replace(s, grants=tuple(g for g in s.grants
                                           if domains is not None and g[0] not in domains))
        return replace(self, slots=tuple(dropped(s) if target(s) else s for s in self.slots))

    def domains_of(self, user: str | None) -> frozenset[str]:
        target = self._target(user)
        return next((s.domains for s in self.slots if target(s)), frozenset())

    def _try(self, slot: Slot, secret: str) -> bytes | None:
        opened = self._open(slot, secret)
        return opened.db_key if opened is not None else None

    def with_signing(self, user: str | None, signing: Ed25519PrivateKey) -> KeyRing:
        """A slot written before audit signing gains a signing key (sealed to its public key:
        no password needed); `user` None is the recovery slot."""
        target = self._target(user)
        return replace(self, slots=tuple(self._seal_secrets(s, signing) if target(s) else s
                                         for s in self.slots))

    def verify_key(self, user: str | None) -> bytes:
        """The public half of the account's (or, for None, the recovery slot's) signing key."""
        target = self._target(user)
        return next((s.verify for s in self.slots if target(s)), b"")

    def with_audit_head(self, seq: int, digest: str, at: str) -> KeyRing:
        return replace(self, audit_head={"seq": seq, "hash": digest, "at": at})

    def resealed(self, new_db_key: bytes) -> KeyRing:
        """Every slot opening `new_db_key` instead (key rotation); tombstones stay."""
        return replace(self, slots=tuple(s if s.kind == "disabled" else self._seal(s, new_db_key)
                                         for s in self.slots))

    def with_password(self, user: str, old_password: str, new_password: str) -> KeyRing:
        """The same slot under a new password (the user's own change)."""
        db_key = self.unlock(user, old_password)
        return self.with_user(user, new_password, db_key)

    def slot_for(self, user: str) -> Slot | None:
        for slot in self.slots:
            if slot.user is not None and _user_key(slot.user) == _user_key(user):
                return slot
        return None

    def users(self) -> list[str]:
        return [s.user for s in self.slots if s.kind == "user" and s.user]

    def is_disabled(self, user: str) -> bool:
        slot = self.slot_for(user)
        return slot is not None and slot.kind == "disabled"

    def unlock(self, user: str, password: str) -> bytes:
        """The database key, or LoginFailed — the same sentence for unknown user and bad password."""
        return self.open_account(user, password).db_key

    def open_account(self, user: str, password: str) -> Opened:
        """The database key and the account's signing key (None in a slot from before signing)."""
        slot = self.slot_for(user)
        if slot is None or slot.kind != "user":
            # Spend the same time as a real attempt: the delay must not tell who exists.
            derive(password, b"\x00" * 16, self.kdf)
            raise LoginFailed(_("Wrong username or password."))
        opened = self._open(slot, password)
        if opened is None:
            raise LoginFailed(_("Wrong username or password."))
        return opened

    def unlock_recovery(self, code: str) -> bytes:
        return self.open_recovery(code).db_key

    def open_recovery(self, code: str) -> Opened:
        code = normalise_recovery_code(code)
        for slot in self.slots:
            if slot.kind == "recovery":
                opened = self._open(slot, code)
                if opened is not None:
                    return opened
        raise LoginFailed(_("The recovery code is not correct."))

    def with_user(self, user: str, password: str, db_key: bytes,
                  signing: Ed25519PrivateKey | None = None, grants=()) -> KeyRing:
        """A ring where `user` opens with `password` (new user, reset or changed password).

        The account keeps `signing` when given (its own password change); otherwise the slot
        gets a new signing key, which the caller registers in the audit log. The new slot
        holds the domain keys in `grants` only: a password reset by an administrator (who
        holds none) leaves the account waiting for a manager's approval again."""
        others = tuple(s for s in self.slots
                       if s.user is None or _user_key(s.user) != _user_key(user))
        ring = replace(self, slots=others + (self._wrap("user", user, password, db_key,
                                                        signing),))
        return ring.with_grants(user, grants) if grants else ring

    def without_user(self, user: str, tombstone: bool = True) -> KeyRing:
        """Remove a user's key material; a tombstone remembers that the account is disabled."""
        others = tuple(s for s in self.slots
                       if s.user is None or _user_key(s.user) != _user_key(user))
        if tombstone:
            others += (Slot(secrets.token_hex(8), "disabled", user),)
        return replace(self, slots=others)

    def with_recovery(self, code: str, db_key: bytes,
                      signing: Ed25519PrivateKey | None = None, grants=()) -> KeyRing:
        """The recovery slot: printed, kept off the computer, holding every domain key."""
        others = tuple(s for s in self.slots if s.kind != "recovery")
        ring = replace(self, slots=others + (self._wrap("recovery", None,
                                                         normalise_recovery_code(code), db_key,
                                                         signing),))
        return ring.with_grants(None, grants) if grants else ring
