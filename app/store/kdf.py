"""The password-hashing cost of key-ring slots (Argon2id): its bounds, and tuning it to
this PC. A ring is a file someone may have edited, so every cost read from one is checked
before any derivation runs."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, replace

from argon2.low_level import Type, hash_secret_raw

from app.errors import StoreError
from app.i18n import _
from app.store.memory import wipe

KEY_BYTES = 32


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The floor is OWASP's recommendation (19 MiB, t=2, p=1)."""

    time_cost: int = 2
    memory_kib: int = 19456
    parallelism: int = 1

    def as_dict(self) -> dict[str, int]:
        return {"t": self.time_cost, "m": self.memory_kib, "p": self.parallelism}

    @classmethod
    def from_dict(cls, data: dict) -> KdfParams:
        if not isinstance(data, dict):
            raise ValueError("KDF parameters are not an object")
        values = (data["t"], data["m"], data["p"])
        if not all(type(v) is int for v in values):  # bool, float or text: a damaged ring
            raise ValueError("KDF parameters are not integers")
        params = cls(*values)
        params.check_bounds()
        return params

    def check_bounds(self) -> None:
        """Refuse, before any derivation runs, a cost that is too weak or would take minutes
        and gigabytes: a ring is a file someone may have edited."""
        if not (KDF_TIME_RANGE[0] <= self.time_cost <= KDF_TIME_RANGE[1]
                and KDF_MEMORY_RANGE[0] <= self.memory_kib <= KDF_MEMORY_RANGE[1]
                and KDF_PARALLELISM_RANGE[0] <= self.parallelism <= KDF_PARALLELISM_RANGE[1]
                and self.time_cost * self.memory_kib <= KDF_COST_MAX):
            raise StoreError(_("The key ring asks for a password-hashing cost outside safe "
                               "bounds; it was refused without being used."))


# Bounds on both sides. The floor is FLOOR itself (what every ring has been written with at
# least). Above, the time one derivation takes grows with passes x memory, so that product
# is bounded, not only each factor: `tune_kdf` now picks at most 152 MiB and 768
# MiB-passes (about 2 s on a slow shared two-core test machine; t=2 at 1 GiB: 6.8 s), where
# each parameter's own ceiling alone (t=64 at 1 GiB) ran minutes.
KDF_TIME_RANGE = (2, 64)
KDF_MEMORY_RANGE = (19456, 256 << 10)  # KiB: 19 MiB .. 256 MiB
KDF_PARALLELISM_RANGE = (1, 16)
# passes x KiB: what earlier versions' tuning could write on a fast PC (16 passes at 152 MiB,
# about 7 s on the slow test machine) stays valid: a ring must never lock its branch out.
KDF_COST_MAX = 16 * (152 << 10)

TUNE_COST_MAX = 768 << 10  # what new rings may cost: t=5 at 152 MiB, t=40 at 19 MiB

FLOOR = KdfParams()


def derive(secret: str, salt: bytes, params: KdfParams) -> bytes:
    encoded = secret.encode("utf-8")
    try:
        return hash_secret_raw(encoded, salt, params.time_cost, params.memory_kib,
                               params.parallelism, KEY_BYTES, Type.ID)
    finally:
        wipe(encoded)


def tune_kdf(target_seconds: float = 0.5) -> KdfParams:
    """Raise memory, then passes, until one derivation takes about `target_seconds` here."""
    params = FLOOR
    salt = secrets.token_bytes(16)

    def measure(p: KdfParams) -> float:
        start = time.perf_counter()
        derive("calibration", salt, p)
        return time.perf_counter() - start

    elapsed = measure(params)
    while elapsed < target_seconds / 4 and params.memory_kib < 131072:
        params = replace(params, memory_kib=params.memory_kib * 2)
        elapsed = measure(params)
    passes = max(FLOOR.time_cost, round(params.time_cost * target_seconds / max(elapsed, 1e-3)))
    # Within the ceiling every reader checks (check_bounds): a ring it writes always opens.
    return replace(params, time_cost=min(passes, 16, TUNE_COST_MAX // params.memory_kib))
