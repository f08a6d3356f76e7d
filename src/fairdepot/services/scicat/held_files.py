"""A SciCat dataset's held file by pid and path: what the scitacean transfer downloads.

The dataset is found by its pid (404 none, or gone); reading its bytes is the core policy's
READ_FILES of the dataset's record (403 if not: SciCat answers 403 for a dataset that exists
but may not be read, as GET /datasets/{pid}) and then services/file_access.py's rule, the one
every download of a held file goes through (the FAIRSCAPE face's too): a held file goes to
those who may read an origdatablock that lists it (403 otherwise), so an anonymous reader of
a published dataset does not get the bytes of an unpublished block's files. Files the
facility keeps (`sourceFolder` only, no bytes here) are 404 here.
"""

from __future__ import annotations

from fairdepot.core.errors import NotFound, PermissionDenied
from fairdepot.core.policy import Action, Actor, allows
from fairdepot.core.records import RecordFile, RecordState
from fairdepot.services import file_access
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat.dataset_lookup import dataset_by_pid


def held_file(runtime: Runtime, actor: Actor, pid: str, path: str) -> RecordFile:
    """The file at `path` of dataset `pid` whose bytes this repository holds, in a bounded
    number of statements however many files and blocks the dataset has (scitacean's
    `download_files` asks once per file): the dataset's row and access, then
    `file_access.file_for_reader`; none of its documents, other files or blocks is loaded."""
    with runtime.reading() as store:
        row = dataset_by_pid(store, pid, documents=False)
        if row is None or row.state != RecordState.ACTIVE.value:
            raise NotFound(f"dataset {pid[:200]!r} not found")
        if not allows(actor, Action.READ_FILES, store.access_of(row)):  # SciCat: it exists, 403
            raise PermissionDenied(f"you may not read the files of {pid[:200]!r}")
        found = file_access.file_for_reader(store, actor, row, path)
    if found is None or found.blob_key is None:
        raise NotFound(f"dataset {pid[:200]!r} holds no file {path[:200]!r}")
    return found
