"""RO-Crate -> Croissant 1.0: the document served for the Croissant media type.

The mapping follows fairscape-models (`fairscape_models.conversion.mapping.croissant`), which is
what the FAIRSCAPE server returns, so FAIRSCAPE clients see the same fields. It also reads plain
RO-Crates (ro-crate-py), and departs from fairscape-models where that mapping yields documents
mlcroissant rejects or warns about; docs/crosswalks.md lists every field and every departure.
The function is pure: no I/O, and nothing is fetched, not even JSON-LD contexts.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final

from fairdepot.core.crates.graph import (
    CrateGraph,
    JsonObject,
    as_list,
    local_type_names,
    ref_id,
    text,
)
from fairdepot.core.metadata.croissant_distribution import file_objects
from fairdepot.core.metadata.croissant_records import SPLIT_PREFIXES, record_sets

CROISSANT_MEDIA_TYPE: Final = "application/vnd.mlcommons-croissant+json"
CROISSANT_CONFORMS_TO: Final = (
    "http://mlcommons.org/croissant/1.0",
    "http://mlcommons.org/croissant/RAI/1.0",
)

#: The standard Croissant 1.0 context (as in the spec's example datasets). fairscape-models'
#: DEFAULT_CROISSANT_CONTEXT lacks six of its terms, which makes mlcroissant log "not standard".
CROISSANT_CONTEXT: Final[JsonObject] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

_RAI = "rai:"
_RAI_IRI = "http://mlcommons.org/croissant/RAI/"
#: RAI properties that take one text in Croissant; mlcroissant warns when they get a list.
_RAI_SINGLE = frozenset(
    _RAI + name
    for name in (
        "dataCollection",
        "dataCollectionMissingData",
        "dataCollectionRawData",
        "dataImputationProtocol",
        "dataManipulationProtocol",
        "annotationsPerItem",
        "dataSocialImpact",
        "dataReleaseMaintenancePlan",
    )
)
#: FAIRSCAPE crates (D4D-style) carry some RAI answers as `additionalProperty` entries.
_RAI_FALLBACKS: Final = {
    "rai:dataUseCases": ("Intended Use",),
    "rai:dataLimitations": ("Limitations", "Prohibited Uses"),
    "rai:dataBiases": ("Potential Sources of Bias",),
    "rai:dataReleaseMaintenancePlan": ("Maintenance Plan",),
}
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_YEAR_OR_MONTH = re.compile(r"^\d{4}(-\d{2})?$")


def crate_to_croissant(crate: Mapping[str, Any]) -> JsonObject:
    """Describe a stored RO-Crate as a Croissant 1.0 (+ RAI 1.0) dataset.

    Raises `InvalidInput` when the document has no `@graph` or no findable root entity. The
    input is not modified. Files lacking a checksum still appear in `distribution`: dropping
    them would hide data; the caller decides what an invalid Croissant document means.
    """
    graph = CrateGraph.read(crate)
    files = file_objects(graph)
    sets = record_sets(graph, {ident: fo["@id"] for ident, fo in files.items()})
    return croissant_document(graph, list(files.values()), sets)


def croissant_document(
    graph: CrateGraph, distribution: list[JsonObject], sets: list[JsonObject] | None
) -> JsonObject:
    """The Croissant document of `graph`'s root with the given FileObjects and RecordSets
    (`None`: no `recordSet` key at all); what crates and single Dataset records share
    (core/metadata/croissant_dataset.py)."""
    doc: JsonObject = {
        "@context": copy.deepcopy(CROISSANT_CONTEXT),
        "@type": "sc:Dataset",
        "dct:conformsTo": list(CROISSANT_CONFORMS_TO),
    }
    doc.update(_dataset_properties(graph))
    doc["distribution"] = distribution
    if sets is not None:
        doc["recordSet"] = sets
        if any(rs.get("@id") == "splits" for rs in sets):
            doc["@context"].update(SPLIT_PREFIXES)
    doc.update(_rai_properties(graph, graph.root))
    return doc


def _dataset_properties(graph: CrateGraph) -> JsonObject:
    """The `sc:Dataset` properties that come from the root data entity."""
    root = graph.root
    name = text(root.get("name"))
    out: JsonObject = {
        "name": name.replace(" ", "_") if name else None,
        "description": text(root.get("description")),
        "license": _one_or_many(_licenses(graph, root.get("license"))),
        "url": text(root.get("url")) or ref_id(_first(root.get("url"))),
        "keywords": _keywords(graph, root.get("keywords")) or None,
        "version": text(root.get("version")),
        "creator": _agents(graph, root.get("author"), "sc:Person", split=True) or None,
        "publisher": _one_or_many(_agents(graph, root.get("publisher"), "sc:Organization")),
        "datePublished": _iso_date(root.get("datePublished")),
        "dateCreated": _iso_date(root.get("dateCreated")),
        "dateModified": _iso_date(root.get("dateModified")),
    }
    out["citeAs"] = _publication(graph, root) or _derived_citation(root, out)
    return {key: value for key, value in out.items() if value is not None}


def _first(value: Any) -> Any:
    values = as_list(value)
    return values[0] if values else None


def _one_or_many(values: list[Any]) -> Any:
    """One value as itself (the shape fairscape-models emits), several as a list, none as None."""
    if not values:
        return None
    return values[0] if len(values) == 1 else values


def _licenses(graph: CrateGraph, value: Any) -> list[str]:
    """License IRIs or names; a reference to a contextual entity gives its IRI (or url/name)."""
    found: list[str] = []
    for item in as_list(value):
        identifier = ref_id(item)
        entity = graph.resolve(item)
        if isinstance(item, str):
            found.append(item.strip())
        elif identifier and _ABSOLUTE_IRI.match(identifier):
            found.append(identifier)
        elif entity is not None and (label := text(entity.get("url")) or text(entity.get("name"))):
            found.append(label)
    return [item for item in dict.fromkeys(found) if item]


def _keywords(graph: CrateGraph, value: Any) -> list[str]:
    """Keywords as a list; schema.org also allows one comma-separated string."""
    words: list[str] = []
    for item in as_list(value):
        if isinstance(item, str):
            words += item.split(",") if isinstance(value, str) else [item]
        elif (entity := graph.resolve(item)) is not None and (name := text(entity.get("name"))):
            words.append(name)
    return [word for word in dict.fromkeys(w.strip() for w in words) if word]


def _agents(graph: CrateGraph, value: Any, default_type: str, *, split: bool = False) -> list[Any]:
    """schema.org Persons/Organizations from names, inline objects or `@id` references.

    `split` reproduces fairscape-models: a single author string is a list of names separated
    by `,` or `;` (how fairscape-cli's `--author "A, B"` is meant).
    """
    agents: list[JsonObject] = []
    for item in as_list(value):
        if isinstance(item, str):
            names = (
                item.replace(";", ",").split(",") if split and isinstance(value, str) else [item]
            )
            agents += [{"@type": default_type, "name": n.strip()} for n in names if n.strip()]
        elif (entity := graph.resolve(item)) is not None:
            agents += _agent(entity, default_type)
        elif (identifier := ref_id(item)) and identifier.startswith(("http://", "https://")):
            agents.append({"@type": default_type, "url": identifier})
    return agents


def _agent(entity: JsonObject, default_type: str) -> list[JsonObject]:
    """The agent as a Croissant Person/Organization; an http(s) `@id` (ORCID, ROR) is its url.

    Returns no agent when nothing but the type would be left.
    """
    types = local_type_names(entity)
    kind = next((f"sc:{t}" for t in ("Organization", "Person") if t in types), default_type)
    identifier = ref_id(entity) or ""
    web_id = identifier if identifier.startswith(("http://", "https://")) else None
    agent: JsonObject = {
        "@type": kind,
        "name": text(entity.get("name")),
        "url": text(entity.get("url")) or web_id,
        "email": text(entity.get("email")),
    }
    agent = {key: value for key, value in agent.items() if value is not None}
    return [agent] if len(agent) > 1 else []


def _iso_date(value: Any) -> str | None:
    """The date if it is ISO 8601, else None: mlcroissant fails the whole document on a bad date."""
    candidate = text(value)
    if candidate is None:
        return None
    if _YEAR_OR_MONTH.match(candidate):
        return candidate
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parse(candidate)
        except ValueError:
            continue
        return candidate
    return None


def _publication(graph: CrateGraph, root: JsonObject) -> str | None:
    """`citeAs` from `associatedPublication` (FAIRSCAPE) or `citation` (RO-Crate), first one."""
    for key in ("associatedPublication", "citation"):
        for item in as_list(root.get(key)):
            if isinstance(item, str) and item.strip():
                return item.strip()
            identifier = ref_id(item)
            entity = graph.resolve(item) or {}
            locator = identifier if identifier and _ABSOLUTE_IRI.match(identifier) else None
            parts = [p for p in (text(entity.get("name")), locator) if p]
            if parts:
                return ". ".join(parts)
    return None


def _derived_citation(root: JsonObject, dataset: JsonObject) -> str | None:
    """A DataCite-style citation built only from the crate's own metadata.

    `Creator (Year). Title (Version) [Data set]. Publisher. Identifier` - so that Croissant's
    recommended `citeAs` is present for every crate that has at least a name.
    """
    title = text(root.get("name"))
    if title is None:
        return None
    creators = "; ".join(a["name"] for a in as_list(dataset.get("creator")) if a.get("name"))
    published = dataset.get("datePublished")
    year = f" ({published[:4]})" if published else ""
    head = f"{creators}{year}. " if creators else ""
    version = dataset.get("version")
    publishers = "; ".join(a["name"] for a in as_list(dataset.get("publisher")) if a.get("name"))
    locator = text(root.get("identifier")) or ref_id(_first(root.get("identifier")))
    locator = locator or dataset.get("url")
    root_id = ref_id(root) or ""
    if not locator and _ABSOLUTE_IRI.match(root_id):
        locator = root_id
    title_part = f"{title} (Version {version})" if version else title
    return "".join(
        [head, f"{title_part} [Data set].", f" {publishers}." if publishers else ""]
        + ([f" {locator}"] if locator else [])
    )


def _rai_properties(graph: CrateGraph, root: JsonObject) -> JsonObject:
    """Responsible-AI properties: the root's own `rai:*`, else its `additionalProperty` answers."""
    out: JsonObject = {}
    for key, value in root.items():
        if key.startswith(_RAI_IRI):
            key = _RAI + key[len(_RAI_IRI) :]
        if key.startswith(_RAI) and (texts := _texts(value)):
            out[key] = texts
    answers = _additional_properties(graph, root)
    for key, names in _RAI_FALLBACKS.items():
        if key not in out and (texts := [v for n in names for v in answers.get(n, [])]):
            out[key] = texts
    sensitive = "rai:personalSensitiveInformation"
    if sensitive not in out:
        human, deidentified = answers.get("Human Subject"), answers.get("De-identified Samples")
        parts = [f"Involves human subjects: {human[0]}."] if human else []
        parts += [f"Uses de-identified samples: {deidentified[0]}."] if deidentified else []
        if parts:
            out[sensitive] = [" ".join(parts)]
    return {k: "\n".join(v) if k in _RAI_SINGLE else v for k, v in out.items()}


def _texts(value: Any) -> list[str]:
    return [found for item in as_list(value) if (found := text(item)) is not None]


def _additional_properties(graph: CrateGraph, root: JsonObject) -> dict[str, list[str]]:
    """`additionalProperty` PropertyValues (inline or referenced) as name -> values."""
    answers: dict[str, list[str]] = {}
    for item in as_list(root.get("additionalProperty")):
        entity = graph.resolve(item)
        if entity is None:
            continue
        raw = entity.get("value")
        name, value = text(entity.get("name")), str(raw) if isinstance(raw, bool) else text(raw)
        if name and value:
            answers.setdefault(name, []).append(value)
    return answers
