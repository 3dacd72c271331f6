"""The `.custos-backup` file: a ZIP (stored, not compressed — the database is already
ciphertext) of database.custos, database.custos.keys and manifest.json.

Written as `<name>.partial` in the destination, fsynced, then renamed: a backup that was
cut off by a full or vanishing disk never has the name of a complete one.

A backup is a file from outside: anyone with access to its folder may have edited it. Its
manifest is read with a size limit and every field checked for type and shape before use
(`Manifest.from_json`); parts are unpacked into files only we created, readable by us alone.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from zlib import error as zlib_error

from app.errors import StoreError
from app.i18n import _
from app.store.atomic import create_exclusive, fsync_dir
from app.store.keyring import RING_MAX_BYTES

SUFFIX = ".custos-backup"
DB_NAME = "database.custos"
RING_NAME = "database.custos.keys"
MANIFEST_NAME = "manifest.json"
DUMP_NAME = "database.pgdump"  # a branch server's backup: pg_dump's custom format
FORMAT = "custos-backup"
FILE_STORE, SERVER_STORE = "file", "server"
# Where a server backup's key ring is: the database holds it (table key_ring), so the dump
# carries it; a copy of the same bytes is a part of its own, to check a password before
# anything is restored.
RING_IN_DUMP = f"table key_ring in {DUMP_NAME}, and {RING_NAME}"
CHUNK = 4 << 20


@dataclass(frozen=True)
class Manifest:
    format: str
    version: int
    created_at: str
    created_by: str
    program_version: str
    schema_version: int
    db_id: str
    source_name: str
    row_counts: dict[str, int]
    audit_events: int
    audit_head: str
    sha256: dict[str, str]
    sizes: dict[str, int]
    # A file's manifest leaves these two out (it reads as before); a server's says them.
    store: str = FILE_STORE
    key_ring: str = RING_NAME

    @property
    def is_server(self) -> bool:
        return self.store == SERVER_STORE

    def to_json(self) -> bytes:
        fields = asdict(self)
        if not self.is_server:
            del fields["store"], fields["key_ring"]
        return json.dumps(fields, indent=1, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        """The manifest, or ValueError when any field is missing, extra or of the wrong shape."""
        fields = json.loads(data.decode("utf-8"))
        every = set(cls.__dataclass_fields__)
        if not isinstance(fields, dict) or not every - {"store", "key_ring"} <= set(fields) \
                or not set(fields) <= every:
            raise ValueError("manifest fields")
        for name in ("format", "created_at", "created_by", "program_version", "db_id",
                     "source_name", "audit_head"):
            _text(fields[name])
        if fields.setdefault("store", FILE_STORE) not in (FILE_STORE, SERVER_STORE):
            raise ValueError("manifest store")
        _text(fields.setdefault("key_ring", RING_NAME))
        for name in ("version", "schema_version", "audit_events"):
            _count(fields[name])
        for name in ("row_counts", "sizes"):
            _mapping(fields[name], _count)
        _mapping(fields["sha256"], _digest)
        if fields["format"] != FORMAT:
            raise ValueError("not a Custos backup")
        datetime.fromisoformat(fields["created_at"].rstrip("Z"))  # listing sorts and buckets by it
        return cls(**fields)


MANIFEST_MAX_BYTES = 1 << 20  # a real one is a few KiB: one line per table
_TEXT_MAX = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _text(value: object) -> str:
    # Control characters have no business in a manifest: they are how a forged line or a
    # terminal escape would reach whoever lists the backups.
    if not isinstance(value, str) or len(value) > _TEXT_MAX or _CONTROL.search(value):
        raise ValueError("manifest text")
    return value


def _count(value: object) -> int:
    if type(value) is not int or not 0 <= value < 1 << 62:
        raise ValueError("manifest number")
    return value


def _digest(value: object) -> str:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise ValueError("manifest checksum")
    return value


def _mapping(value: object, check: Callable[[object], object]) -> None:
    if not isinstance(value, dict) or len(value) > 10_000:
        raise ValueError("manifest table")
    for key, item in value.items():
        _text(key)
        check(item)


def one_line(text: object, limit: int = _TEXT_MAX) -> str:
    """`text` safe to print on a terminal or show in one cell: control characters (escape
    sequences, line breaks, direction overrides) become a visible "?", and it is cut to
    `limit` characters. For every field that comes from a file someone may have edited."""
    line = _CONTROL.sub("?", str(text))
    return line if len(line) <= limit else line[: limit - 1] + "…"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def write_backup(target: Path, fill: Callable[[zipfile.ZipFile], Manifest]) -> Manifest:
    """Pack the parts into `target` (complete, or not there at all).

    `fill` streams the database and key ring into the open archive and returns the manifest,
    which is written last: it describes what was actually packed.
    """
    partial = target.with_name(target.name + ".partial")
    try:
        # Created by us, 0600 from the start, never through a link planted under its name.
        with open(create_exclusive(partial), "wb") as raw:
            with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
                manifest = fill(z)
                z.writestr(MANIFEST_NAME, manifest.to_json())
            raw.flush()
            os.fsync(raw.fileno())
        if target.is_symlink():
            target.unlink()  # the name is ours to take; a link there is not followed
        os.replace(partial, target)
        fsync_dir(target.parent)
    except OSError as error:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise StoreError(_("The backup could not be written to {folder}: {problem}. The "
                           "database was not touched.").format(
            folder=target.parent, problem=error.strerror or type(error).__name__)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return manifest


def stream_part(z: zipfile.ZipFile, name: str, source: BinaryIO, size: int,
                progress: Callable[[int, int], object] | None = None) -> str:
    """Copy `size` bytes of `source` into the archive as `name`; returns their SHA-256.

    One pass: the bytes are hashed on their way in, never read back.
    """
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o600 << 16
    info.file_size = size
    digest = hashlib.sha256()
    done = 0
    with z.open(info, "w", force_zip64=size > 0x7FFF0000) as dst:
        while done < size:
            block = source.read(min(CHUNK, size - done))
            if not block:
                raise OSError(errno.EIO, "the source file ended early")
            digest.update(block)
            dst.write(block)
            done += len(block)
            if progress is not None:
                progress(done, size)
    return digest.hexdigest()


def store_bytes(z: zipfile.ZipFile, name: str, data: bytes) -> str:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.external_attr = 0o600 << 16
    z.writestr(info, data)
    return hashlib.sha256(data).hexdigest()


def _manifest_bytes(z: zipfile.ZipFile) -> bytes:
    """The manifest part, never more than MANIFEST_MAX_BYTES of it in memory: the size its
    header claims is checked first, and the reading stops at the limit whatever it claims."""
    info = z.getinfo(MANIFEST_NAME)
    if info.file_size > MANIFEST_MAX_BYTES or info.compress_size > MANIFEST_MAX_BYTES:
        raise ValueError("manifest too large")
    with z.open(info) as part:
        data = part.read(MANIFEST_MAX_BYTES + 1)
    if len(data) > MANIFEST_MAX_BYTES:
        raise ValueError("manifest too large")
    return data


def read_manifest(path: Path) -> Manifest:
    name = one_line(Path(path).name)
    if Path(path).exists() and not Path(path).is_file():
        # A folder, a pipe or a device named like a backup: reading it could wait forever.
        raise StoreError(_("{name} is damaged or is not a Custos backup.").format(name=name))
    try:
        with zipfile.ZipFile(path) as z:
            data = _manifest_bytes(z)
    except FileNotFoundError:
        raise StoreError(_("The backup {name} does not exist.").format(name=name)) from None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError,
            NotImplementedError, RuntimeError, zlib_error):
        raise StoreError(_("{name} is damaged or is not a Custos backup.").format(
            name=name)) from None
    try:
        return Manifest.from_json(data)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise StoreError(_("The manifest of the backup {name} is damaged.").format(
            name=name)) from None


def _member_offset(path: Path, info: zipfile.ZipInfo) -> int:
    """Where a stored member's bytes begin: after its local header, name and extra field."""
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    return info.header_offset + 30 + int.from_bytes(header[26:28], "little") \
        + int.from_bytes(header[28:30], "little")


def _copy_range(path: Path, offset: int, size: int, target: Path) -> None:
    """Copy bytes [offset, offset+size) of `path` into `target`, in the kernel where it can."""
    with open(path, "rb") as src, open(create_exclusive(target), "wb") as dst:
        left, pos = size, offset
        copy_range = getattr(os, "copy_file_range", None)
        if copy_range is not None:
            with contextlib.suppress(OSError):
                while left:
                    done = copy_range(src.fileno(), dst.fileno(), min(left, 1 << 30), pos)
                    if not done:
                        break
                    left, pos = left - done, pos + done
        src.seek(pos)
        while left:
            block = src.read(min(CHUNK, left))
            if not block:
                raise zipfile.BadZipFile("member cut short")
            dst.write(block)
            left -= len(block)


def _ring_part(z: zipfile.ZipFile) -> bytes:
    info = z.getinfo(RING_NAME)
    if info.file_size > RING_MAX_BYTES:
        raise zipfile.BadZipFile("key ring too large")
    with z.open(info) as part:
        ring = part.read(RING_MAX_BYTES + 1)
    if len(ring) > RING_MAX_BYTES:
        raise zipfile.BadZipFile("key ring too large")
    return ring


def read_ring(path: Path) -> bytes:
    """The key ring part alone, checked against the manifest: enough to check a password
    before anything is unpacked."""
    manifest = read_manifest(path)
    name = one_line(Path(path).name)
    try:
        with zipfile.ZipFile(path) as z:
            ring = _ring_part(z)
    except (zipfile.BadZipFile, KeyError, EOFError, OSError, NotImplementedError,
            RuntimeError, zlib_error):
        raise StoreError(_("{name} is damaged or is not a Custos backup.").format(
            name=name)) from None
    if hashlib.sha256(ring).hexdigest() != manifest.sha256.get(RING_NAME):
        raise StoreError(damaged_part(name, RING_NAME))
    return ring


def extract(path: Path, folder: Path, check_database: bool = True
            ) -> tuple[Path, Path, Manifest]:
    """Unpack into `folder` and check every part against the manifest's checksum.

    The database part is stored uncompressed, so it is copied as one byte range. With
    check_database=False its checksum is left to the caller (`file_matches`), who can run
    it alongside other checks.
    """
    manifest = read_manifest(path)
    name = one_line(Path(path).name)
    with _unpacking(name):
        with zipfile.ZipFile(path) as z:
            ring = _ring_part(z)
        _copy_member(Path(path), DB_NAME, folder / DB_NAME)
        with open(create_exclusive(folder / RING_NAME), "wb") as fh:
            fh.write(ring)
    parts = [RING_NAME, DB_NAME] if check_database else [RING_NAME]
    for part in parts:
        if not file_matches(folder / part, manifest.sha256.get(part)):
            raise StoreError(damaged_part(name, part))
    return folder / DB_NAME, folder / RING_NAME, manifest


@contextlib.contextmanager
def _unpacking(name: str):
    """A backup that is not what its manifest says, or a disk that refuses: one sentence."""
    try:
        yield
    except (zipfile.BadZipFile, KeyError, EOFError, NotImplementedError, RuntimeError,
            zlib_error):
        raise StoreError(_("{name} is damaged or is not a Custos backup.").format(
            name=name)) from None
    except OSError as error:
        raise StoreError(_("The backup could not be unpacked: {problem}.").format(
            problem=error.strerror or type(error).__name__)) from None


def _copy_member(path: Path, part: str, target: Path) -> None:
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(part)
    if info.compress_type != zipfile.ZIP_STORED:
        raise zipfile.BadZipFile("compressed part")
    _copy_range(path, _member_offset(path, info), info.file_size, target)


def unpack_part(path: Path, manifest: Manifest, part: str, target: Path) -> Path:
    """The stored part `part` copied to `target` (a new file of ours) and checked against
    the manifest's checksum."""
    name = one_line(Path(path).name)
    with _unpacking(name):
        _copy_member(Path(path), part, target)
    if not file_matches(target, manifest.sha256.get(part)):
        raise StoreError(damaged_part(name, part))
    return target


def of_kind(path: Path, manifest: Manifest, server: bool) -> Manifest:
    """The manifest, when its backup is of the kind of database wanted (a branch server's
    or a file's); else one sentence."""
    name = one_line(Path(path).name)
    if manifest.is_server and not server:
        raise StoreError(_("{name} is a backup of a branch server, not of a database file; "
                           "name the server with --db postgresql://HOST/DBNAME.")
                         .format(name=name))
    if server and not manifest.is_server:
        raise StoreError(_("{name} is a backup of a database file, not of a branch server; "
                           "it is verified and restored as a file.").format(name=name))
    return manifest


def damaged_part(name: str, part: str) -> str:
    return _("The backup {name} is damaged: {part} does not match its checksum.").format(
        name=name, part=part)


def file_matches(path: Path, expected: str | None) -> bool:
    return expected is not None and sha256_file(path) == expected
