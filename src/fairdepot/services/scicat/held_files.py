"""A SciCat dataset's held file by pid and path: what the scitacean transfer downloads.

The dataset is found by its pid; reading its bytes is the core policy's READ_FILES of the
dataset's record **and** READ_METADATA of an origdatablock that lists the path: a block has
its own access, so an anonymous reader of a published dataset does not get the bytes of an
unpublished block's files. Files the facility keeps (`sourceFolder` only, no bytes here) are
404 here.
"""

from __future__ import annotations

from fairdepot.core.crosswalks.scicat_files import DATASET_KINDS, ORIGDATABLOCK, listed_paths
from fairdepot.core.errors import AuthenticationRequired, NotFound, PermissionDenied
from fairdepot.core.policy import Action, Actor, allows
from fairdepot.core.records import Face, IdentifierScheme, RecordFile
from fairdepot.services.records import check_row, load
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat.children import children


def held_file(runtime: Runtime, actor: Actor, pid: str, path: str) -> RecordFile:
    """The file at `path` of dataset `pid` whose bytes this repository holds."""
    with runtime.reading() as store:
        row = store.row_by_identifier(IdentifierScheme.SCICAT_PID.value, pid)
        if row is None or row.face != Face.SCICAT.value or row.kind not in DATASET_KINDS:
            raise NotFound(f"dataset {pid[:200]!r} not found")
        try:
            check_row(store, actor, row, Action.READ_FILES)
        except AuthenticationRequired:
            raise PermissionDenied(f"you may not read the files of {pid[:200]!r}") from None
        record = load(store, row)
        listing = [
            block
            for block in children(store, row, ORIGDATABLOCK)
            if path in listed_paths([block.native or {}])
        ]
    if listing and not any(allows(actor, Action.READ_METADATA, b.access) for b in listing):
        raise PermissionDenied(f"you may not read the files of {pid[:200]!r}")
    for f in record.files:
        if f.path == path and f.blob_key is not None:
            return f
    raise NotFound(f"dataset {pid[:200]!r} holds no file {path[:200]!r}")
