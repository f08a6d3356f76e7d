"""One unit of work for every write: one transaction, its repositories, then its side effects.

A use case that changes the catalogue writes through `unit_of_work(runtime)`: the records,
accounts and jobs repositories share one session, so what they write commits or rolls
back together; clashes arrive as core errors (`Conflict`, `PreconditionFailed`,
`DependencyUnavailable`: storage maps the driver's). Blobs the transaction orphaned are only
queued (the outbox) and deleted after the commit, so a failed commit never leaves a record
pointing at deleted bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING

from fairdepot.core.errors import DependencyUnavailable
from fairdepot.core.timestamps import utcnow
from fairdepot.storage.db.transaction import Repositories, reading, transaction

if TYPE_CHECKING:
    from fairdepot.services.runtime import Runtime

log = logging.getLogger(__name__)

UnitOfWork = Repositories
"""What a unit of work offers: `records`, `accounts`, `jobs`, `outbox`, on one transaction."""


@contextmanager
def unit_of_work(runtime: Runtime) -> Iterator[UnitOfWork]:
    """Commit at the end of the block (or roll back); then apply the blob outbox."""
    with transaction(runtime.database.write_sessions, runtime.search) as work:
        yield work
    if not work.records.queued_deletions:
        return  # most writes orphan nothing: no second transaction for them
    try:  # best effort: what fails here is retried by the workers' housekeeping
        apply_blob_outbox(runtime)
    except DependencyUnavailable as exc:
        log.warning("deleting orphaned blobs postponed (housekeeping will retry): %s", exc)
    except Exception:
        log.exception("deleting orphaned blobs failed; housekeeping will retry")


@contextmanager
def read_only(runtime: Runtime) -> Iterator[UnitOfWork]:
    """The same repositories over a read session, for use cases that change nothing."""
    with reading(runtime.database.read_sessions, runtime.search) as work:
        yield work


def apply_blob_outbox(runtime: Runtime) -> int:
    """Delete queued blobs that no record references any more; safe to run anywhere, twice.

    A queued blob is deleted only once `blob_deletion_grace_seconds` have passed since the
    *last* transaction that queued it: every transaction that drops a reference queues the
    blob, so a blob referenced by a database snapshot outlives that snapshot by the grace
    period, and a backup that copies blobs within the grace finds every one it needs.
    """
    cutoff = utcnow() - timedelta(seconds=runtime.settings.blob_deletion_grace_seconds)
    removed = 0
    with transaction(runtime.database.write_sessions, runtime.search) as work:
        due = work.outbox.due(cutoff)
        still_in_grace = work.outbox.queued_since(cutoff, {item.blob_key for item in due})
        for item in due:
            work.outbox.remove(item)
            if item.blob_key in still_in_grace:
                continue  # a later queueing of the same blob restarts its grace period
            if item.is_prefix:  # an attempt's or a failed job's folder: nobody refers to it
                removed += runtime.blobs.delete_prefix(item.blob_key)
            elif not work.outbox.is_referenced(item.blob_key):
                runtime.blobs.delete(item.blob_key)
                removed += 1
    return removed
