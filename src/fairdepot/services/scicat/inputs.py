"""The ARKs of a derived dataset's inputs: which of its `inputDatasets` pids are records here.

A SciCat client names inputs by pid; FAIRSCAPE's evidence graphs and RDF follow `{"@id"}`
ARKs. Before the crosswalk writes a dataset's JSON-LD, this looks every pid up at once (one
statement): the SciCat dataset holding it, or the FAIRSCAPE crate whose ARK it is (a crate's
pid, services/scicat/reverse.py). A pid found in neither is some other catalogue's and stays
an `{identifier}`. Records in the trash still count (they keep their identifiers and come
back); purged ones do not (their pid is free again).

The lookup does not ask whether the writer may read the input: the link is part of the
dataset's own document, rewritten by whoever writes it (a block's owner too), and reading the
input through it is still decided by the input's access (the evidence graph only crosses
records its reader may read).
"""

from __future__ import annotations

from collections.abc import Iterable

from fairdepot.core import ark as arks
from fairdepot.core.crosswalks.scicat import InputArks
from fairdepot.core.crosswalks.scicat_files import DATASET_KINDS
from fairdepot.core.records import Face, IdentifierScheme, RecordState
from fairdepot.services.scicat.reverse import is_crate
from fairdepot.storage.db.records import RecordStore

_LISTED = (RecordState.ACTIVE.value, RecordState.TRASHED.value)


def input_arks(store: RecordStore, pids: Iterable[object]) -> InputArks:
    """pid → ARK for each of `pids` that names a SciCat dataset or a crate here."""
    wanted = sorted({pid for pid in pids if isinstance(pid, str) and pid})
    keys = {key: pid for pid in wanted if (key := _ark_key(pid)) is not None}
    found: dict[str, str] = {}
    for value, row in store.rows_named(IdentifierScheme.SCICAT_PID.value, wanted, list(keys)):
        if row.state not in _LISTED:
            continue
        if value is not None and row.face == Face.SCICAT.value and row.kind in DATASET_KINDS:
            found[value] = row.ark
        elif row.ark_key in keys and is_crate(row):
            found.setdefault(keys[row.ark_key], row.ark)
    return found


def _ark_key(pid: str) -> str | None:
    try:
        return arks.normalise(pid)
    except arks.InvalidArk:
        return None
