"""Typed links between records, read from their JSON-LD: what depends on what."""

from __future__ import annotations

from typing import Any

from fairdepot.core import ark as arks
from fairdepot.core.crates.graph import id_refs
from fairdepot.core.records import Relation

_NOT_LINKS = {"@id", "@type", "@context", "@graph", "conformsTo"}

MEMBERSHIP = frozenset({"isPartOf", "hasPart"})
# Links are kept in columns of these widths. ARKs are at most ark.MAX_LENGTH, so a longer
# target is some other IRI and a longer predicate no vocabulary's: neither is a dependency.
MAX_PREDICATE_LENGTH, MAX_TARGET_LENGTH = 128, 1024


def extract_relations(metadata: dict[str, Any]) -> list[Relation]:
    """Every `{"@id": ...}` a record's metadata points to, with the property as predicate."""
    own = metadata.get("@id")
    own_key = arks.identifier_key(own) if isinstance(own, str) else None
    found: dict[tuple[str, str], Relation] = {}
    for prop, value in metadata.items():
        if prop in _NOT_LINKS or len(prop) > MAX_PREDICATE_LENGTH:
            continue
        for ref in id_refs(value):
            key = arks.identifier_key(ref)
            if key != own_key and len(key) <= MAX_TARGET_LENGTH:
                found.setdefault((prop, key), Relation(prop, key))
    return list(found.values())
