"""What the SciCat frontend's publishing form asks before a PublishedData exists:
`GET /api/v4/publisheddata/config` (the metadata the form edits, as a JSON Schema) and
`GET /api/v4/publisheddata/formpopulate?pid=` (fields pre-filled from a dataset).

The backend answers its configured `publishedDataConfig`; fairdepot's is fixed and says
what its registration reads from `metadata` (core/crosswalks/scicat_published.py
`datacite_fields`): DataCite's names, none required, others kept as sent. formpopulate
fills `resourceType` and `description` from the dataset, `title` and `abstract` from its
(first) proposal and `thumbnail` from its first attachment, each only if the caller may read
it; the dataset itself must be readable (404 unknown, 403 not readable), where the backend
answers `{}` for an unknown pid and does not check who asks.
"""

from __future__ import annotations

from typing import Any

from fairdepot.core.crosswalks.scicat_objects import PROPOSAL
from fairdepot.core.errors import InvalidInput, NotFound, PermissionDenied, Problem
from fairdepot.core.policy import Actor
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat import attachments, datasets, objects

_TEXT = {"type": "string"}
_NAMED = {"type": "object", "properties": {"name": _TEXT}, "required": ["name"]}

METADATA_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2019-09/schema",
    "type": "object",
    "properties": {
        "creators": {"type": "array", "items": _NAMED},
        "publisher": {"oneOf": [_NAMED, _TEXT]},
        "publicationYear": {"type": "integer"},
        "resourceType": _TEXT,
        "subjects": {"type": "array"},
        "contributors": {"type": "array"},
        "descriptions": {"type": "array"},
        "rightsList": {"type": "array"},
        "fundingReferences": {"type": "array"},
        "relatedIdentifiers": {"type": "array"},
        "landingPage": _TEXT,
    },
    "additionalProperties": True,
}
"""The DataCite names a registration reads from `metadata`; anything else is kept."""


def config() -> dict[str, Any]:
    """The published-data configuration (anyone reads it, as on the backend)."""
    return {"metadataSchema": METADATA_SCHEMA, "uiSchema": {}}


def form_populate(runtime: Runtime, actor: Actor, pids: list[str]) -> dict[str, Any]:
    """The form's fields taken from the dataset `pids` names (one) and what the caller may
    read around it."""
    if len(pids) != 1 or not pids[0]:
        raise InvalidInput(
            "pid is required", problems=[Problem("pid must name one dataset", "pid")]
        )
    pid = pids[0]
    dataset = datasets.get(runtime, actor, pid)
    form: dict[str, Any] = {}
    if isinstance(dataset.get("type"), str):
        form["resourceType"] = dataset["type"]
    if isinstance(dataset.get("description"), str):
        form["description"] = dataset["description"]
    proposal = _first_proposal(runtime, actor, dataset)
    if proposal is not None:
        for name in ("title", "abstract"):
            if isinstance(proposal.get(name), str):
                form[name] = proposal[name]
    first = attachments.of_dataset(runtime, actor, pid, limit=1)
    if first and isinstance(first[0].get("thumbnail"), str):
        form["thumbnail"] = first[0]["thumbnail"]
    return form


def _first_proposal(
    runtime: Runtime, actor: Actor, dataset: dict[str, Any]
) -> dict[str, Any] | None:
    ids = dataset.get("proposalIds") or []
    if not ids and isinstance(dataset.get("proposalId"), str):
        ids = [dataset["proposalId"]]
    if not ids or not isinstance(ids[0], str):
        return None
    try:
        return objects.get(runtime, actor, PROPOSAL, ids[0])
    except (NotFound, PermissionDenied):  # a proposal one may not read fills nothing
        return None
