"""Registering a crate that carries no files: its data lives elsewhere (URLs, other archives)."""

from __future__ import annotations

from typing import Any

from fairdepot.core.accounts import User
from fairdepot.core.crates.graph import parse_document
from fairdepot.core.crates.parts import CrateParts
from fairdepot.core.crates.plan import plan_crate
from fairdepot.core.crates.validation import validate_crate
from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.json_input import check_json
from fairdepot.services.accounts import actor_for
from fairdepot.services.crates.ingest import (
    check_identifiers,
    crate_id_holder,
    keep_crate_id,
    minter,
    write_crate,
)
from fairdepot.services.crates.records import build_crate_records, fairscape_owner_group
from fairdepot.services.runtime import Runtime, json_limits


def register(runtime: Runtime, owner: User, document: Any) -> tuple[str, list[str]]:
    actor = actor_for(owner, runtime.settings.facility_groups)
    owner_group = fairscape_owner_group(actor, owner.groups)
    check_json(document, json_limits(runtime.settings))
    crate = parse_document(document)
    local = [
        Problem(
            f"contentUrl {e.get('contentUrl')!r} is a local file reference", crate.where(e["@id"])
        )
        for e in [crate.root, *crate.entities]
        if isinstance(e.get("contentUrl"), str) and e["contentUrl"].lower().startswith("file:")
    ]
    if local:
        raise InvalidInput(
            "Metadata-only ROCrates cannot contain local file references (file://)", problems=local
        )
    validate_crate(crate)
    plan = plan_crate(
        crate, set(), minter(runtime), root_ark=crate_id_holder(runtime, crate, actor)
    )
    check_identifiers(runtime, plan, actor)
    root, members = build_crate_records(
        plan,
        {},
        owner_id=owner.id,
        owner_group=owner_group,
        fairscape=crate.is_fairscape,
        archive_layout=None,
        arrival=CrateParts(metadata_only=True),
    )
    keep_crate_id(root, crate)
    with runtime.writing() as store:
        write_crate(store, root, members, actor)
    return root.ark, [root.ark, *(m.ark for m in members)]
