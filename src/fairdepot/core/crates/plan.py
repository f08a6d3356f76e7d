"""Turning a validated crate graph into records: which ARK each entity gets, which file it owns.

Entities that already carry a valid ARK (fairscape-cli mints them client-side) keep it; entities
the crate identifies locally (`./`, `#person`, `data/x.csv`, `file://...`) get a freshly minted
ARK and every reference to them in the graph is rewritten. Contextual entities named by a global
IRI (an ORCID, a licence URL) are not ours to name: they stay as they are, inside the crate.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from fairdepot.core import ark as arks
from fairdepot.core.crates.graph import CrateGraph, JsonObject, short_type, type_list
from fairdepot.core.errors import InvalidInput, Problem

_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_KIND_PRIORITY = ("ROCrate", "Dataset", "Software", "Computation", "Schema", "MLModel")
MAX_KIND_LENGTH = 64  # the catalogue stores kinds in that many characters
_DATA_TYPES = {"File", "Dataset", "MediaObject", "SoftwareSourceCode", "Software", "MLModel"}


@dataclass
class EntityPlan:
    original_id: str
    ark: str
    minted: bool
    kind: str
    types: list[str]
    metadata: JsonObject
    file_path: str | None = None
    folder_path: str | None = None  # a directory data entity owns every file below it


@dataclass
class CratePlan:
    context: Any
    descriptor: JsonObject
    root: EntityPlan
    members: list[EntityPlan]
    contextual: list[JsonObject] = field(default_factory=list)

    @property
    def all_entities(self) -> list[EntityPlan]:
        return [self.root, *self.members]


def record_kind(types: list[str]) -> str:
    """The record's kind, from its types; a type name too long to be a kind is just a Thing."""
    shorts = [short_type(t) for t in types]
    for preferred in _KIND_PRIORITY:
        if preferred in shorts:
            return "Dataset" if preferred == "Dataset" and "ROCrate" not in shorts else preferred
    return shorts[-1] if shorts and len(shorts[-1]) <= MAX_KIND_LENGTH else "Thing"


def is_global_iri(entity_id: str) -> bool:
    return bool(_SCHEME_RE.match(entity_id)) and not entity_id.lower().startswith(("file:", "ark:"))


def local_file_path(entity: JsonObject, *, plain: bool) -> str | None:
    """The zip-relative path of the bytes an entity describes, if they are in the crate."""
    content_url = entity.get("contentUrl")
    if isinstance(content_url, str) and content_url.lower().startswith("file:"):
        return unquote(
            urlsplit(content_url).path if "///" in content_url else content_url[7:]
        ).lstrip("/")
    entity_id = entity["@id"]
    shorts = {short_type(t) for t in type_list(entity)}
    if (
        plain
        and shorts & _DATA_TYPES
        and not _SCHEME_RE.match(entity_id)
        and not entity_id.startswith("#")
    ):
        return unquote(entity_id).removeprefix("./")
    return None


_NOT_AN_IDENTIFIER = frozenset({"./", ".", ""})


def own_crate_id(crate: CrateGraph) -> str | None:
    """The root's own `@id` as an identifier of the crate (`IdentifierScheme.CRATE_ID`), if any.

    An ARK is not one: the record keeps it as its ARK. `./` is not one either: it is what every
    crate calls itself (the RO-Crate default) and identifies nothing. Anything else the client
    chose (`https://doi.org/10.x/y`, `#thing`) names this crate, and finds its record.
    """
    root_id = crate.root["@id"]
    if root_id.strip() in _NOT_AN_IDENTIFIER or arks.submitted_ark(root_id) is not None:
        return None
    return str(root_id)


def plan_crate(
    crate: CrateGraph,
    member_paths: set[str],
    mint: Callable[[], str],
    *,
    root_ark: str | None = None,
) -> CratePlan:
    """`root_ark`: the ARK a root without one of its own takes instead of a new one (the record
    that already holds the crate's own `@id`, so that a re-upload is its next revision)."""
    plain = not crate.is_fairscape
    id_map: dict[str, str] = {}
    plans: list[EntityPlan] = []
    contextual: list[JsonObject] = []
    problems: list[Problem] = []
    seen_keys: dict[str, str] = {}

    for entity in [crate.root, *crate.entities]:
        entity_id = entity["@id"]
        types = type_list(entity)
        kept = arks.submitted_ark(entity_id)
        is_data = bool({short_type(t) for t in types} & _DATA_TYPES)
        if kept is None and is_global_iri(entity_id) and not (is_data or entity is crate.root):
            contextual.append(entity)
            continue
        new_id = kept or (root_ark if entity is crate.root and root_ark else None) or mint()
        key = arks.normalise(new_id)
        if key in seen_keys:
            problems.append(
                Problem(
                    f"same ARK as {seen_keys[key]!r} (hyphens do not count)", crate.where(entity_id)
                )
            )
            continue
        seen_keys[key] = entity_id
        id_map[entity_id] = new_id
        path = local_file_path(entity, plain=plain)
        plan = EntityPlan(
            entity_id, new_id, kept is None, record_kind(types), types, copy.deepcopy(entity)
        )
        if (path is not None and path.endswith("/")) or (path == "" and plain):
            plan.folder_path = path
        elif path is not None:
            if path not in member_paths:
                problems.append(
                    Problem(f"refers to {path!r}, which is not in the zip", crate.where(entity_id))
                )
            plan.file_path = path
        if kept is None and is_global_iri(entity_id):
            plan.metadata.setdefault("url", entity_id)  # a web-based data entity keeps its URL
        plans.append(plan)
    if problems:
        raise InvalidInput(
            "the crate refers to files or identifiers it cannot have", problems=problems
        )

    for plan in plans:
        plan.metadata = rewrite_ids(plan.metadata, id_map)
    root, members = plans[0], plans[1:]
    root.kind = "ROCrate"
    crate_ref = {"@id": root.ark}
    for plan in members:
        part_of = plan.metadata.get("isPartOf")
        refs = part_of if isinstance(part_of, list) else ([part_of] if part_of else [])
        if not any(isinstance(r, dict) and r.get("@id") == root.ark for r in refs):
            refs = [*refs, {**crate_ref, "name": root.metadata.get("name")}]
        plan.metadata["isPartOf"] = refs
    descriptor = rewrite_ids(copy.deepcopy(crate.descriptor), id_map)
    contextual = [rewrite_ids(copy.deepcopy(c), id_map) for c in contextual]
    return CratePlan(crate.context, descriptor, root, members, contextual)


def rewrite_ids(value: Any, id_map: dict[str, str]) -> Any:
    """Replace every `@id` found in `id_map`, at any depth."""
    if isinstance(value, dict):
        return {
            k: (id_map.get(v, v) if k == "@id" and isinstance(v, str) else rewrite_ids(v, id_map))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [rewrite_ids(v, id_map) for v in value]
    return value
