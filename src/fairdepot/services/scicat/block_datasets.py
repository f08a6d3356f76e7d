"""What a block's `include` embeds: its dataset, as the backend's `$lookup` does (a list under
`dataset`, the matching datasets: one, or none), here only when the caller may read that
dataset (`[]` otherwise: a block readable by its own access does not open its dataset).

For a page of blocks the datasets are read with one statement for their rows and
`load_records`' constant few, however many blocks the page holds (no query per block).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fairdepot.core.crosswalks.scicat_fields import ApiVersion
from fairdepot.core.policy import Action, Actor, allows
from fairdepot.core.records import Record, RecordState
from fairdepot.services.records import parse_ark
from fairdepot.services.scicat.reverse import rendered
from fairdepot.storage.db.records import RecordStore

DATASET = "dataset"


def with_datasets(
    store: RecordStore,
    actor: Actor,
    blocks: Sequence[Record],
    views: list[dict[str, Any]],
    include: Sequence[str],
    version: ApiVersion,
) -> list[dict[str, Any]]:
    """`views` (the blocks as shown, in order) each with `dataset` added when `include` names
    it: `[the dataset]` if the actor may read it, else `[]`."""
    if DATASET not in include:
        return views
    keys = list(dict.fromkeys(parse_ark(b.parent_ark) for b in blocks if b.parent_ark))
    rows = [r for r in store.rows_by_keys(keys) if r.state == RecordState.ACTIVE.value]
    readable = {
        parse_ark(d.ark): rendered(d, version)
        for d in store.load(rows, with_files=False)
        if allows(actor, Action.READ_METADATA, d.access)
    }
    for block, view in zip(blocks, views, strict=True):
        found = readable.get(parse_ark(block.parent_ark)) if block.parent_ark else None
        view[DATASET] = [found] if found is not None else []
    return views
