"""What GET dataset `include=` embeds: the dataset's blocks and attachments, each filtered by
its own access (an anonymous reader of a public dataset sees no files whose blocks are not
published, which scitacean's tests assert).

`included(runtime, actor, dataset, names)` is the one entry point the dataset routes call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fairdepot.core.crosswalks.scicat_files import ATTACHMENT, ORIGDATABLOCK
from fairdepot.core.crosswalks.scicat_validation import ApiVersion
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.policy import Actor
from fairdepot.core.records import Record
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat import attachments, datablocks
from fairdepot.services.scicat.children import children, readable

RELATIONS = ("origdatablocks", "datablocks", "attachments")
"""The relations of a dataset we embed; `all` means every one of them. `datablocks`
(archive blocks, written by archive systems) is always empty here."""
OTHER_RELATIONS = ("instruments", "proposals", "samples")
"""Relations the backend also knows; they are accepted and embed nothing (yet)."""


def included(
    runtime: Runtime,
    actor: Actor,
    dataset: Record,
    names: Sequence[str],
    version: ApiVersion = ApiVersion.V4,
) -> dict[str, list[dict[str, Any]]]:
    """The relations `names` asks for, keyed by name, for a dataset the actor reads.

    Each embedded object is filtered by its own access fields. An unknown name is an
    InvalidInput (400) saying which.
    """
    wanted: list[str] = []
    for name in names:
        if name == "all":
            wanted.extend(RELATIONS)
        elif name in RELATIONS:
            wanted.append(name)
        elif name not in OTHER_RELATIONS:
            raise InvalidInput(
                f"{name[:80]} is not a relation of a dataset",
                problems=[
                    Problem(f"{name[:80]} is not one of {', '.join(RELATIONS)}, all", "include")
                ],
            )
    if not wanted:
        return {}
    with runtime.reading() as store:
        row = store.row_by_key(_key(dataset.ark))
        if row is None:
            return {name: [] for name in wanted}
        answer: dict[str, list[dict[str, Any]]] = {}
        for name in dict.fromkeys(wanted):
            if name == "origdatablocks":
                found = readable(actor, children(store, row, ORIGDATABLOCK))
                answer[name] = [datablocks.view(r, version) for r in found]
            elif name == "attachments":
                found = readable(actor, children(store, row, ATTACHMENT))
                answer[name] = [attachments.view(r) for r in found]
            else:
                answer[name] = []
        return answer


def _key(ark: str) -> str:
    from fairdepot.services.records import parse_ark

    return parse_ark(ark)
