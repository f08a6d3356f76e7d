"""What GET dataset `include=` embeds: the dataset's blocks and attachments, each filtered by
its own access (an anonymous reader of a public dataset sees no files whose blocks are not
published, which scitacean's tests assert).

`embedded(store, actor, datasets, names)` embeds for a whole page of datasets with one query
for their rows and one for all their children (plus load_records' constant few), however many
datasets the page holds; `included(runtime, actor, dataset, names)` is the one-dataset form
the dataset routes call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fairdepot.core.crosswalks.scicat_files import ATTACHMENT, ORIGDATABLOCK
from fairdepot.core.crosswalks.scicat_validation import ApiVersion
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.policy import Actor
from fairdepot.core.records import Record
from fairdepot.services.records import parse_ark
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat import attachments, datablocks
from fairdepot.services.scicat.children import readable
from fairdepot.storage.db.records import RecordStore, load_records

RELATIONS = ("origdatablocks", "datablocks", "attachments")
"""The relations of a dataset we embed; `all` means every one of them. `datablocks`
(archive blocks, written by archive systems) is always empty here."""
OTHER_RELATIONS = ("instruments", "proposals", "samples")
"""Relations the backend also knows; they are accepted and embed nothing (yet)."""

_KINDS = {"origdatablocks": ORIGDATABLOCK, "attachments": ATTACHMENT}
"""The child kind each embedded relation is made of."""

Embedded = dict[str, list[dict[str, Any]]]


def wanted_relations(names: Sequence[str]) -> list[str]:
    """The relations `names` asks for, once each; an unknown name is an InvalidInput (400)."""
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
    return list(dict.fromkeys(wanted))


def embedded(
    store: RecordStore,
    actor: Actor,
    datasets: Sequence[Record],
    names: Sequence[str],
    version: ApiVersion = ApiVersion.V4,
) -> list[Embedded]:
    """For each dataset (in order) the relations `names` asks for, keyed by name; each
    embedded object filtered by its own access."""
    wanted = wanted_relations(names)
    if not wanted:
        return [{} for _ in datasets]
    rows = store.rows_by_keys([parse_ark(d.ark) for d in datasets])
    pk_of = {row.ark_key: row.pk for row in rows}
    kinds = [_KINDS[name] for name in wanted if name in _KINDS]
    children = store.members_of(rows, kinds) if kinds else []
    grouped: dict[tuple[int | None, str], list[Record]] = {}
    loaded = load_records(store.session, children, with_files=False)
    for row, child in zip(children, loaded, strict=True):
        grouped.setdefault((row.parent_pk, row.kind), []).append(child)
    answers = []
    for dataset in datasets:
        pk = pk_of.get(parse_ark(dataset.ark))
        answer: Embedded = {}
        for name in wanted:
            found = readable(actor, grouped.get((pk, _KINDS.get(name, "")), []))
            if name == "origdatablocks":
                answer[name] = [datablocks.view(r, version) for r in found]
            elif name == "attachments":
                answer[name] = [attachments.view(r) for r in found]
            else:
                answer[name] = []
        answers.append(answer)
    return answers


def included(
    runtime: Runtime,
    actor: Actor,
    dataset: Record,
    names: Sequence[str],
    version: ApiVersion = ApiVersion.V4,
) -> Embedded:
    """The relations `names` asks for, keyed by name, for a dataset the actor reads."""
    if not wanted_relations(names):
        return {}
    with runtime.reading() as store:
        return embedded(store, actor, [dataset], names, version)[0]
