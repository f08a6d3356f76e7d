"""`fairdepot backup DIR` / `fairdepot restore DIR`: consistent while uploads and deletes go on.

A backup is one database snapshot plus exactly the blobs that snapshot refers to:

1. the database is dumped from one snapshot (pg_dump of an exported snapshot, or SQLite's
   online backup), and the list of blobs it refers to is read from that same snapshot;
2. those blobs are copied into DIR/blobs, each checked against the size and sha256 its record
   holds. A blob deleted after the snapshot is still there, because blob deletions wait
   `blob_deletion_grace_seconds` after the last transaction that orphaned them; a backup whose
   copy outlasts that grace says so, and one that finds a blob missing is marked incomplete;
3. DIR/manifest.json records what the backup covers: times, the dump and the tool that made
   it, the schema revision, the grace period, the signing key (copied when it lives in the
   data folder), and DIR/blobs.jsonl lists every blob with its size and checksums.

A restore goes into an empty database and an empty blob store only, verifies every blob it
copies against the manifest, and is followed by `fairdepot check` (the CLI runs it).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fairdepot import __version__
from fairdepot.config import Settings
from fairdepot.core.errors import CatalogueError
from fairdepot.core.timestamps import isoformat_z, utcnow
from fairdepot.services.catalogue_location import locate
from fairdepot.services.runtime import Runtime, blob_store_for
from fairdepot.storage.blobs.interface import BlobStore
from fairdepot.storage.blobs.local import LocalBlobStore
from fairdepot.storage.db import blob_references as refs
from fairdepot.storage.db import dumps
from fairdepot.storage.db.engine import create_engine
from fairdepot.storage.db.migrate import head_revision, user_tables

FORMAT = "fairdepot-backup/1"
MANIFEST, BLOB_LIST, BLOB_DIR, KEY_FILE = "manifest.json", "blobs.jsonl", "blobs", "secret_key"
PG_DUMP, SQLITE_DUMP = "database.pgdump", "fairdepot.db"

Progress = Callable[[str], None]


class BackupError(CatalogueError):
    """The backup or restore cannot be made or used; the message says why."""


@dataclass
class BackupResult:
    manifest: dict[str, Any]
    missing: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.mismatched


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    blobs: int
    warnings: list[str] = field(default_factory=list)


def take_backup(
    runtime: Runtime,
    folder: Path,
    *,
    after_dump: Callable[[], None] | None = None,
    progress: Progress | None = None,
) -> BackupResult:
    """Back the catalogue up into `folder` (new or empty). `after_dump` runs between the dump
    and the blob copy (tests put concurrent uploads and deletes there)."""
    note = progress or (lambda _message: None)
    _require_empty_folder(folder)
    settings = runtime.settings
    started, clock = utcnow(), time.monotonic()
    with _snapshot(runtime, folder) as (references, facts):
        snapshot_at = utcnow()
        revision = references.schema_revision()
        needed = _needed_blobs(references)
    note(f"database dumped ({facts.tool}); copying {len(needed)} blobs")
    if after_dump is not None:
        after_dump()
    result = BackupResult({})
    target = LocalBlobStore(folder / BLOB_DIR)
    total = 0
    with (folder / BLOB_LIST).open("w") as listing:
        for ref in needed:
            copied = _copy_checked(runtime.blobs, target, ref, result)
            if copied is not None:
                total += copied["size"]
                listing.write(json.dumps(copied) + "\n")
    duration = time.monotonic() - clock
    grace = settings.blob_deletion_grace_seconds
    result.manifest = {
        "format": FORMAT,
        "fairdepot_version": __version__,
        "started_at": isoformat_z(started),
        "snapshot_at": isoformat_z(snapshot_at),
        "finished_at": isoformat_z(utcnow()),
        "duration_seconds": round(duration, 3),
        "blob_deletion_grace_seconds": grace,
        "within_grace": duration < grace,
        "complete": result.complete,
        "database": {
            "dialect": facts.dialect,
            "file": facts.file,
            "sha256": _sha256_file(folder / facts.file),
            "tool": facts.tool,
            "server_version": facts.server_version,
            "schema_revision": revision,
        },
        "source": {
            "database": locate(settings).database_url,
            "storage": locate(settings).storage_url,
        },
        "blobs": {"list": BLOB_LIST, "folder": BLOB_DIR, "count": len(needed), "bytes": total},
        "missing_blobs": result.missing,
        "mismatched_blobs": result.mismatched,
        "signing_key": _carry_signing_key(settings, folder),
    }
    (folder / MANIFEST).write_text(json.dumps(result.manifest, indent=2) + "\n")
    return result


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError as exc:
        raise BackupError(f"{folder} holds no {MANIFEST}: not a fairdepot backup") from exc
    except ValueError as exc:
        raise BackupError(f"{folder / MANIFEST} is not valid JSON: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder / MANIFEST} is not a {FORMAT} manifest")
    return manifest


def restore_backup(
    settings: Settings, folder: Path, progress: Progress | None = None
) -> RestoreResult:
    """Restore `folder` into the empty catalogue `settings` name (database and blob store)."""
    note = progress or (lambda _message: None)
    manifest = read_manifest(folder)
    if not manifest.get("complete"):
        damaged = [*manifest.get("missing_blobs", []), *manifest.get("mismatched_blobs", [])]
        raise BackupError(
            f"the backup in {folder} is incomplete; it lacks or holds damaged copies of "
            f"{len(damaged)} blobs, e.g. {', '.join(damaged[:3])}"
        )
    database = manifest["database"]
    dump = folder / database["file"]
    if _sha256_file(dump) != database["sha256"]:
        raise BackupError(f"{dump} does not match the checksum in the manifest")
    location = locate(settings)
    embedded = location.embedded_database is not None
    if (database["dialect"] == "sqlite") != embedded:
        raise BackupError(
            f"the backup holds a {database['dialect']} database; the target is "
            f"{location.database_url}. Restore into the same kind of database"
        )
    store = blob_store_for(settings)
    try:
        _require_empty_target(settings, store)
        note(f"restoring the database ({database['tool']} dump)")
        if embedded:
            assert location.embedded_database is not None
            dumps.restore_sqlite(dump, location.embedded_database)
        else:
            engine = create_engine(settings.resolved_database_url)
            try:
                dumps.restore_postgresql(engine, dump, database["tool"])
            finally:
                engine.dispose()
        note(f"copying {manifest['blobs']['count']} blobs into {location.storage_url}")
        copied = _restore_blobs(folder, store)
    finally:
        store.close()
    warnings = _restore_signing_key(settings, folder, manifest)
    if database.get("schema_revision") != head_revision():
        warnings.append(
            f"the restored schema is at revision {database.get('schema_revision')}; this release "
            f"expects {head_revision()}: run `fairdepot db upgrade`"
        )
    return RestoreResult(manifest, copied, warnings)


@contextmanager
def _snapshot(
    runtime: Runtime, folder: Path
) -> Iterator[tuple[refs.BlobReferences, dumps.DumpFacts]]:
    """Dump the database into `folder`; yield the references of exactly what was dumped."""
    location = locate(runtime.settings)
    if location.embedded_database is not None:
        dumped = dumps.sqlite_snapshot(location.embedded_database, folder / SQLITE_DUMP)
    elif runtime.database.dialect != "postgresql":
        raise BackupError(f"cannot back up a {runtime.database.dialect} database")
    else:
        dumped = dumps.postgresql_snapshot(runtime.database.engine, folder / PG_DUMP)
    with dumped as (connection, facts):
        yield refs.BlobReferences(connection), facts


def _needed_blobs(references: refs.BlobReferences) -> list[refs.BlobReference]:
    """Every blob the snapshot refers to, once (a crate's root and member share blobs)."""
    unique: dict[str, refs.BlobReference] = {}
    for ref in _all_references(references):
        unique.setdefault(ref.key, ref)
    return list(unique.values())


def _all_references(references: refs.BlobReferences) -> Iterator[refs.BlobReference]:
    yield from references.files()
    yield from references.archives()
    yield from references.uploads()
    yield from references.staged()


def _copy_checked(
    source: BlobStore, target: BlobStore, ref: refs.BlobReference, result: BackupResult
) -> dict[str, Any] | None:
    try:
        info = target.write(ref.key, source.iter_read(ref.key))
    except FileNotFoundError:
        result.missing.append(f"{ref.key} ({ref.describe()})")
        return None
    if (ref.size is not None and info.size != ref.size) or (
        ref.sha256 and info.sha256 != ref.sha256
    ):
        result.mismatched.append(f"{ref.key} ({ref.describe()})")
    return {"key": info.key, "size": info.size, "sha256": info.sha256, "md5": info.md5}


def _restore_blobs(folder: Path, store: BlobStore) -> int:
    source = LocalBlobStore(folder / BLOB_DIR)
    count = 0
    with (folder / BLOB_LIST).open() as listing:
        for line in listing:
            entry = json.loads(line)
            info = store.write(entry["key"], source.iter_read(entry["key"]))
            if info.size != entry["size"] or info.sha256 != entry["sha256"]:
                raise BackupError(f"the backup's copy of {entry['key']} is damaged")
            count += 1
    return count


def _require_empty_folder(folder: Path) -> None:
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty; back up into a new folder")
    folder.mkdir(parents=True, exist_ok=True)


def _require_empty_target(settings: Settings, store: BlobStore) -> None:
    location = locate(settings)
    if location.embedded_database is not None:
        if location.embedded_database.exists():
            raise BackupError(
                f"{location.embedded_database} exists: restore only into an empty catalogue"
            )
    else:
        engine = create_engine(settings.resolved_database_url)
        try:
            tables = user_tables(engine)
        finally:
            engine.dispose()
        if tables:
            raise BackupError(
                f"the database {location.database_url} is not empty ({len(tables)} tables, "
                f"e.g. {tables[0]}); restore into a new, empty database"
            )
    if next(iter(store.list_keys()), None) is not None:
        raise BackupError(f"the blob store {location.storage_url} is not empty")


def _carry_signing_key(settings: Settings, folder: Path) -> dict[str, Any]:
    if settings.secret_key:
        return {
            "included": False,
            "fingerprint": _fingerprint(settings.secret_key),
            "note": "FAIRDEPOT_SECRET_KEY is set outside the data folder; keep it with this "
            "backup (login tokens are signed with it)",
        }
    key = settings.signing_key()  # the key kept in the data folder (made now if there is none)
    copy = folder / KEY_FILE
    fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return {"included": True, "file": KEY_FILE, "fingerprint": _fingerprint(key)}


def _restore_signing_key(settings: Settings, folder: Path, manifest: dict[str, Any]) -> list[str]:
    facts = manifest.get("signing_key") or {}
    if settings.secret_key:
        if facts.get("fingerprint") and facts["fingerprint"] != _fingerprint(settings.secret_key):
            return [
                "FAIRDEPOT_SECRET_KEY differs from the key of the backed-up deployment: login "
                "tokens it issued will not be accepted (API tokens still work)"
            ]
        return []
    if not facts.get("included"):
        return [
            "this backup holds no signing key: set FAIRDEPOT_SECRET_KEY to the key the "
            "backed-up deployment used, or its login tokens will not be accepted"
        ]
    key = (folder / facts["file"]).read_text().strip()
    target = settings.data_dir / KEY_FILE
    if target.exists():
        if target.read_text().strip() != key:
            return [f"{target} already holds another signing key; it was kept"]
        return []
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return []


def _fingerprint(key: str) -> str:
    """Enough of a hash to tell two keys apart, nothing that helps guess one."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
