"""Password-protected ZIP files in the WinZip AES format (AE-2, AES-256), for the portable
data: 7-Zip, WinRAR, Windows 11's Explorer, Keka and The Unarchiver open them with the
password; the ZipCrypto of plain `zipfile` is broken and not offered.

Written with `cryptography` (already a dependency) rather than one more package: the format
is small — PBKDF2-HMAC-SHA1 (1,000 rounds) of the password and a 16-byte salt gives the AES
key, the HMAC key and a 2-byte verifier; AES runs in counter mode with a little-endian
counter from 1; HMAC-SHA1 of the ciphertext, cut to 10 bytes, closes each entry. `read`
opens what `write` made (the manager's look at a held copy).
"""

from __future__ import annotations

import hmac
import io
import os
import struct
import zipfile
import zlib
from collections.abc import Iterable

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

AES_METHOD = 99
DEFLATED = 8
SALT_BYTES = 16          # AES-256
_DOS_TIME, _DOS_DATE = 0, (2020 - 1980) << 9 | 1 << 5 | 1  # 2020-01-01 00:00
_EXTRA = struct.pack("<HHH2sBH", 0x9901, 7, 2, b"AE", 3, DEFLATED)


class WrongPassword(ValueError):
    pass


def _keys(password: str, salt: bytes) -> tuple[bytes, bytes, bytes]:
    derived = PBKDF2HMAC(SHA1(), 66, salt, 1000).derive(password.encode("utf-8"))
    return derived[:32], derived[32:64], derived[64:]


def _ctr(key: bytes, data: bytes) -> bytes:
    """AES-CTR with WinZip's little-endian counter starting at 1."""
    blocks = (len(data) + 15) // 16
    counters = b"".join(i.to_bytes(16, "little") for i in range(1, blocks + 1))
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    stream = encryptor.update(counters) + encryptor.finalize()
    size = len(data)
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream[:size], "big")).to_bytes(
        size, "big") if size else b""


def _sealed(password: str, plain: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed = packer.compress(plain) + packer.flush()
    salt = os.urandom(SALT_BYTES)
    aes_key, mac_key, verifier = _keys(password, salt)
    cipher = _ctr(aes_key, compressed)
    return salt + verifier + cipher + hmac.new(mac_key, cipher, "sha1").digest()[:10]


def write(members: Iterable[tuple[str, bytes]], password: str) -> bytes:
    """A ZIP whose every member is deflated, then encrypted under `password`."""
    out, central = io.BytesIO(), io.BytesIO()
    count = 0
    for name, plain in members:
        raw_name, body = name.encode("ascii"), _sealed(password, plain)
        offset = out.tell()
        # version 51, flag 1 (encrypted), CRC 0: AE-2 authenticates with the HMAC instead.
        fields = (51, 1, AES_METHOD, _DOS_TIME, _DOS_DATE, 0, len(body), len(plain),
                  len(raw_name), len(_EXTRA))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + raw_name + _EXTRA + body)
        central.write(struct.pack("<IH", 0x02014B50, 51) + struct.pack("<HHHHHIIIHH", *fields)
                      + struct.pack("<HHHII", 0, 0, 0, 0, offset) + raw_name + _EXTRA)
        count += 1
    start, directory = out.tell(), central.getvalue()
    out.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count,
                                      len(directory), start, 0))
    return out.getvalue()


def _open_member(data: bytes, info: zipfile.ZipInfo, password: str) -> bytes:
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26:
                                                    info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    body = data[start:start + info.compress_size]
    salt, verifier = body[:SALT_BYTES], body[SALT_BYTES:SALT_BYTES + 2]
    cipher, mac = body[SALT_BYTES + 2:-10], body[-10:]
    aes_key, mac_key, expected = _keys(password, salt)
    if not hmac.compare_digest(verifier, expected) or not hmac.compare_digest(
            mac, hmac.new(mac_key, cipher, "sha1").digest()[:10]):
        raise WrongPassword(info.filename)
    return zlib.decompress(_ctr(aes_key, cipher), -15)


def read(data: bytes, password: str) -> dict[str, bytes]:
    """name -> content of every member of a ZIP made by `write`."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {info.filename: _open_member(data, info, password) for info in z.infolist()}
