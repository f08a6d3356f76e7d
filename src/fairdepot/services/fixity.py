"""`fairdepot check`: are the bytes every record promises in the blob store, and intact?

Each stored file is read back whole and its size and sha256 compared with what its record
says (all of them, or a random sample); the kept crate zips, the uploads of unfinished jobs
and SciCat files staged for a dataset not created yet must exist with the recorded size. Then
the store is listed for orphans: blobs that no record, no unfinished job, no staged upload and
no queued deletion accounts for. A blob written in the last `orphan_min_age` is reported
apart, not as a problem: an upload streams its bytes before the row that will refer to them
is committed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from fairdepot.core.timestamps import utcnow
from fairdepot.storage.blobs.interface import BlobEntry, BlobStore
from fairdepot.storage.db import blob_references as refs

MISSING, WRONG_SIZE, WRONG_CHECKSUM, UNREADABLE, ORPHAN = (
    "missing",
    "wrong size",
    "wrong checksum",
    "unreadable",
    "orphan",
)


@dataclass(frozen=True)
class Finding:
    kind: str
    key: str
    where: str  # record ARK and path, or job, or "no record"
    detail: str


@dataclass
class CheckReport:
    files_checked: int = 0
    files_total: int = 0
    bytes_read: int = 0
    other_blobs_checked: int = 0
    blobs_listed: int = 0
    recent_unreferenced: list[BlobEntry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def check_catalogue(
    references: refs.BlobReferences,
    blobs: BlobStore,
    *,
    sample: int | None = None,
    orphans: bool = True,
    orphan_min_age: timedelta = timedelta(hours=24),
    progress: Callable[[str], None] | None = None,
) -> CheckReport:
    """Verify the blobs the database of `references` refers to; list the ones nobody needs."""
    report = CheckReport()
    note = progress or (lambda _message: None)
    file_refs = list(references.files(sample=sample))
    report.files_total = len(file_refs) if sample is None else sum(1 for _ in references.files())
    note(f"reading {len(file_refs)} files")
    for ref in _unique(file_refs):
        report.findings.extend(_verify_bytes(blobs, ref, report))
        report.files_checked += 1
    others = [*references.archives(), *references.uploads(), *references.staged()]
    for ref in _unique(others):
        report.findings.extend(_verify_size(blobs, ref))
        report.other_blobs_checked += 1
    if orphans:
        note("listing the blob store for orphans")
        _find_orphans(references, blobs, report, orphan_min_age)
    return report


def _unique(references: Iterable[refs.BlobReference]) -> list[refs.BlobReference]:
    """A crate's root record and its member share one blob: read it once."""
    seen: dict[str, refs.BlobReference] = {}
    for ref in references:
        seen.setdefault(ref.key, ref)
    return list(seen.values())


def _verify_bytes(blobs: BlobStore, ref: refs.BlobReference, report: CheckReport) -> list[Finding]:
    digest = hashlib.sha256()
    size = 0
    try:
        for chunk in blobs.iter_read(ref.key):
            digest.update(chunk)
            size += len(chunk)
    except FileNotFoundError:
        return [Finding(MISSING, ref.key, ref.describe(), "the blob is not in the store")]
    except OSError as exc:
        return [Finding(UNREADABLE, ref.key, ref.describe(), str(exc))]
    report.bytes_read += size
    if ref.size is not None and size != ref.size:
        return [Finding(WRONG_SIZE, ref.key, ref.describe(), f"{size} bytes, recorded {ref.size}")]
    if ref.sha256 and digest.hexdigest() != ref.sha256:
        return [
            Finding(
                WRONG_CHECKSUM,
                ref.key,
                ref.describe(),
                f"sha256 {digest.hexdigest()[:16]}…, recorded {ref.sha256[:16]}…",
            )
        ]
    return []


def _verify_size(blobs: BlobStore, ref: refs.BlobReference) -> list[Finding]:
    try:
        size = blobs.size(ref.key)
    except FileNotFoundError:
        return [Finding(MISSING, ref.key, ref.describe(), "the blob is not in the store")]
    if ref.size is not None and size != ref.size:
        return [Finding(WRONG_SIZE, ref.key, ref.describe(), f"{size} bytes, recorded {ref.size}")]
    return []


def _find_orphans(
    references: refs.BlobReferences, blobs: BlobStore, report: CheckReport, min_age: timedelta
) -> None:
    needed = {ref.key for ref in references.files()}
    needed |= {ref.key for ref in references.archives()}
    needed |= {ref.key for ref in references.uploads()}
    needed |= {ref.key for ref in references.staged()}
    queued = references.queued_deletions()
    queued_keys = {key for key, is_prefix in queued if not is_prefix}
    prefixes = tuple(
        [key for key, is_prefix in queued if is_prefix] + references.unfinished_job_prefixes()
    )
    cutoff = utcnow() - min_age
    for entry in blobs.list_blobs():
        report.blobs_listed += 1
        if entry.key in needed or entry.key in queued_keys or entry.key.startswith(prefixes):
            continue
        if entry.modified is not None and entry.modified > cutoff:
            report.recent_unreferenced.append(entry)
            continue
        report.findings.append(
            Finding(ORPHAN, entry.key, "no record", f"{entry.size} bytes nobody refers to")
        )
