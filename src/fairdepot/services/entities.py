"""Registering single records outside a crate (FAIRSCAPE POST /dataset, /software, ...)."""

from __future__ import annotations

from typing import Any

from fairdepot.core import ark as arks
from fairdepot.core.accounts import User
from fairdepot.core.crates.graph import type_list
from fairdepot.core.crates.plan import record_kind
from fairdepot.core.errors import Conflict, InvalidInput, Problem
from fairdepot.core.json_input import check_json
from fairdepot.core.links import download_link
from fairdepot.core.metadata.contexts import CANONICAL_CONTEXT
from fairdepot.core.records import (
    Face,
    Record,
    RecordFile,
    check_metadata,
    summarise,
)
from fairdepot.core.relations import extract_relations
from fairdepot.services.accounts import actor_for
from fairdepot.services.crates.ingest import minter
from fairdepot.services.crates.records import (
    StoredFile,
    describe_file,
    fairscape_access,
    fairscape_owner_group,
    record_file,
)
from fairdepot.services.runtime import Runtime, json_limits


def entity_key(entity_id: str) -> str:
    return f"entities/{entity_id}/"


def register_entity(
    runtime: Runtime,
    owner: User,
    metadata: Any,
    expected_kind: str | None,
    stored: StoredFile | None = None,
) -> Record:
    """Create one record; a valid ARK in `@id` is kept if free, anything else gets a new ARK."""
    owner_group = fairscape_owner_group(
        actor_for(owner, runtime.settings.facility_groups), owner.groups
    )
    if not isinstance(metadata, dict):
        raise InvalidInput("the metadata must be a JSON object")
    check_json(metadata, json_limits(runtime.settings))
    check_metadata(metadata)
    types = type_list(metadata)
    if not types:
        raise InvalidInput("missing @type", problems=[Problem("@type is required", "@type")])
    kind = record_kind(types)
    if expected_kind and kind != expected_kind:
        raise InvalidInput(
            f"this endpoint registers {expected_kind} records, not {kind}",
            problems=[Problem(f"expected a {expected_kind}", "@type")],
        )
    name = metadata.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("missing name", problems=[Problem("name is required", "name")])
    given = metadata.get("@id")
    ark_text = arks.submitted_ark(given) or minter(runtime)()
    document = {**metadata, "@id": ark_text}
    document.setdefault("@context", CANONICAL_CONTEXT)
    files: list[RecordFile] = []
    if stored is not None:
        describe_file(
            document,
            stored,
            download_link(kind, ark_text),
            fairscape=True,
        )
        files = [record_file(stored)]
    summary = summarise(document)
    record = Record(
        ark=ark_text,
        kind=kind,
        face=Face.FAIRSCAPE,
        metadata=document,
        access=fairscape_access(owner.id, owner_group),
        types=types,
        name=name,
        description=summary.description,
        keywords=summary.keywords,
        relations=extract_relations(document),
        files=files,
    )
    with runtime.writing() as store:
        if store.row_by_key(arks.normalise(ark_text)) is not None:
            raise Conflict(f"identifier already exists: {ark_text}")
        store.insert(record)
    return record
