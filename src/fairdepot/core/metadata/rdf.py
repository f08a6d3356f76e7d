"""JSON-LD records as RDF graphs, and their Turtle / RDF/XML / N-Triples serialisations.

Every document goes through `inline_contexts` first, so rdflib never has a context URL to
dereference: no network at run time, whatever the document says.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rdflib import Graph
from rdflib.parser import PythonInputSource

from fairdepot.core.errors import CatalogueError, InvalidInput
from fairdepot.core.metadata.contexts import inline_contexts

#: Media types we can answer with, and the rdflib format that writes each.
RDF_FORMATS: dict[str, str] = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}

#: Base for relative `@id`s (`./`, `data/x.csv`) when the caller gives none. Without one,
#: rdflib resolves them against the server's working directory (`file:///srv/...`), which
#: leaks a path and changes with deployment. `.invalid` is reserved (RFC 2606): never a host.
DEFAULT_BASE = "https://fairdepot.invalid/"

_SCHEMA_HTTP = "http://schema.org/"


class NotRepresentable(CatalogueError):
    """The graph is fine but this format cannot express it.

    RDF/XML needs every predicate to split into a namespace and an XML name, which arbitrary
    JSON-LD terms do not guarantee. A face answers 406 or offers Turtle instead.
    """


def to_graph(document: dict[str, Any], *, base: str | None = None) -> Graph:
    """Parse a JSON-LD document into an rdflib graph, with contexts resolved locally.

    `base` resolves relative identifiers; pass the record's landing URL when it has one.
    Raises UnknownContext for a context we do not bundle, InvalidInput for bad JSON-LD.
    """
    inlined = inline_contexts(document)
    graph = Graph()
    try:
        graph.parse(PythonInputSource(inlined), format="json-ld", publicID=base or DEFAULT_BASE)
    except Exception as exc:  # rdflib raises a grab-bag of types on malformed JSON-LD
        raise InvalidInput(f"not valid JSON-LD: {exc}") from exc
    # RO-Crate's context maps to http://schema.org/, while rdflib binds `schema` to the https
    # namespace, so Turtle would say `schema1:name`; give the prefix to the one in use.
    if any(str(p).startswith(_SCHEMA_HTTP) for p in graph.predicates(unique=True)):
        graph.bind("schema", _SCHEMA_HTTP, replace=True)
    return graph


def _normalise(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def serialize(document: dict[str, Any], media_type: str, *, base: str | None = None) -> str:
    """The document in `media_type` (parameters such as `charset` are ignored).

    JSON-LD is returned as the document itself: it already is its own JSON-LD serialisation,
    and an rdflib round trip would only expand it into full IRIs and lose its compaction.
    Raises ValueError for a media type not in RDF_FORMATS (negotiate with those keys), and
    NotRepresentable when the format cannot express the graph (any error of rdflib's
    writers: a predicate RDF/XML cannot split, an IRI no format can write, a character XML
    cannot carry), so a face answers 406, never 500.
    """
    wanted = _normalise(media_type)
    if wanted not in RDF_FORMATS:
        supported = ", ".join(RDF_FORMATS)
        raise ValueError(f"cannot serialise as {media_type!r}; supported: {supported}")
    if RDF_FORMATS[wanted] == "json-ld":
        return json.dumps(document, ensure_ascii=False, indent=2)
    graph = to_graph(document, base=base)
    try:
        text = graph.serialize(format=RDF_FORMATS[wanted])
    except Exception as exc:  # rdflib: ValueError "Can't split", a plain Exception for an IRI
        # with a space ("does not look like a valid URI"): the record's, not the server's fault
        raise NotRepresentable(f"this record cannot be written as {wanted}: {exc}") from exc
    if RDF_FORMATS[wanted] == "xml":
        found = _NOT_XML.search(text)
        if found:  # rdflib writes them as they are, and no XML parser reads the result
            raise NotRepresentable(
                f"this record cannot be written as {wanted}: it holds the character "
                f"U+{ord(found.group()):04X}, which XML 1.0 cannot carry"
            )
    return text


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
