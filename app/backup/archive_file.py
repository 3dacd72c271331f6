"""The `.custos-backup` file: a ZIP (stored, not compressed — the database is already
ciphertext) of database.custos, database.custos.keys and manifest.json.

Written as `<name>.partial` in the destination, fsynced, then renamed: a backup that was
cut off by a full or vanishing disk never has the name of a complete one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from app.errors import StoreError
from app.i18n import _
from app.store.atomic import fsync_dir

SUFFIX = ".custos-backup"
DB_NAME = "database.custos"
RING_NAME = "database.custos.keys"
MANIFEST_NAME = "manifest.json"
FORMAT = "custos-backup"
CHUNK = 1 << 20


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

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=1, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        return cls(**json.loads(data.decode("utf-8")))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def write_backup(target: Path, db_file: Path, ring_file: Path, manifest: Manifest) -> Path:
    """Pack the parts into `target` (complete, or not there at all)."""
    partial = target.with_name(target.name + ".partial")
    try:
        with open(partial, "wb") as raw:
            with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
                z.write(db_file, DB_NAME)
                z.write(ring_file, RING_NAME)
                z.writestr(MANIFEST_NAME, manifest.to_json())
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(partial, 0o600)
        os.replace(partial, target)
        fsync_dir(target.parent)
    except OSError as error:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise StoreError(_("The backup could not be written to {folder}: {problem}. The "
                           "database was not touched.").format(
            folder=target.parent, problem=error.strerror or type(error).__name__)) from None
    return target


def read_manifest(path: Path) -> Manifest:
    try:
        with zipfile.ZipFile(path) as z:
            return Manifest.from_json(z.read(MANIFEST_NAME))
    except FileNotFoundError:
        raise StoreError(_("The backup {name} does not exist.").format(name=Path(path).name)) \
            from None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        raise StoreError(_("{name} is damaged or is not a Custos backup.").format(
            name=Path(path).name)) from None


def extract(path: Path, folder: Path) -> tuple[Path, Path, Manifest]:
    """Unpack into `folder` and check every part against the manifest's checksums."""
    manifest = read_manifest(path)
    try:
        with zipfile.ZipFile(path) as z:
            for name in (DB_NAME, RING_NAME):
                with z.open(name) as src, open(folder / name, "wb") as dst:
                    while block := src.read(CHUNK):
                        dst.write(block)
    except (zipfile.BadZipFile, KeyError, EOFError):
        raise StoreError(_("{name} is damaged or is not a Custos backup.").format(
            name=Path(path).name)) from None
    except OSError as error:
        raise StoreError(_("The backup could not be unpacked: {problem}.").format(
            problem=error.strerror or type(error).__name__)) from None
    for name in (DB_NAME, RING_NAME):
        if sha256_file(folder / name) != manifest.sha256.get(name):
            raise StoreError(_("The backup {name} is damaged: {part} does not match its "
                               "checksum.").format(name=Path(path).name, part=name))
    return folder / DB_NAME, folder / RING_NAME, manifest
