"""Bundled JSON-LD contexts, resolved locally and never fetched.

A JSON-LD processor dereferences every context given as a URL. Done on a server with user input,
that is an SSRF hole (and a dependency on other people's uptime), so before any JSON-LD reaches
rdflib, `inline_contexts` swaps each remote reference for a copy we ship, and refuses any URL
we do not know. Every string in a context position is either bundled or rejected, so relative
references and `file:` URLs cannot reach the processor either.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from fairdepot.core.errors import InvalidInput, Problem

JsonObject = dict[str, Any]

EVI_NS = "https://w3id.org/EVI#"

#: What fairscape-cli writes as the inline `@context` of its metadata.
FAIRSCAPE_CONTEXT: JsonObject = {"@vocab": "https://schema.org/", "EVI": EVI_NS}

#: What fairdepot emits for FAIRSCAPE-style records. FAIRSCAPE metadata uses `prov:used` & co.
#: without defining `prov`, so the terms expand to bogus `prov:` IRIs (the reference server then
#: writes `@prefix ns1: <prov:>` in Turtle); defining the prefixes makes them real IRIs.
CANONICAL_CONTEXT: JsonObject = {
    **FAIRSCAPE_CONTEXT,
    "evi": EVI_NS,
    "prov": "http://www.w3.org/ns/prov#",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "d4d": "https://w3id.org/bridge2ai/data-sheets-schema/",
}

_RO_CRATE = "ro-crate"
_SCHEMA_ORG = "schema-org.jsonld"
_EVI = "evi.jsonld"

# URLs without their scheme; http and https (and a trailing slash, where people write one)
# are accepted for each.
_SOURCES: dict[str, tuple[str, ...]] = {
    _RO_CRATE: tuple(
        f"w3id.org/ro/crate/{version}/context"
        for version in ("1.0", "1.1", "1.2-DRAFT", "1.2", "1.3-DRAFT", "1.3")
    ),
    _SCHEMA_ORG: (
        "schema.org",
        "schema.org/docs/jsonldcontext.jsonld",
        "schema.org/docs/jsonldcontext.json",
    ),
    _EVI: ("w3id.org/EVI", "w3id.org/EVI#", "w3id.org/EVI/context"),
}


def _variants(url: str) -> list[str]:
    tails = [url]
    if not url.endswith(("/", "#", ".json", ".jsonld")):
        tails.append(url + "/")
    return [f"{scheme}://{tail}" for scheme in ("https", "http") for tail in tails]


_URLS: dict[str, str] = {
    variant: source
    for source, urls in _SOURCES.items()
    for url in urls
    for variant in _variants(url)
}


class UnknownContext(InvalidInput):
    """A context URL we do not bundle: we refuse it rather than fetch it."""

    def __init__(self, url: str, location: str | None = None) -> None:
        shown = url if len(url) <= 200 else url[:200] + "…"
        message = (
            f"unknown JSON-LD context {shown!r}: remote contexts are never fetched; "
            "use an inline context or one of the bundled ones (schema.org, RO-Crate, EVI)"
        )
        super().__init__(message, problems=[Problem(message, location)])
        self.url = url


def known_context_urls() -> frozenset[str]:
    """Every context URL that resolves to a bundled copy."""
    return frozenset(_URLS)


@cache
def _ro_crate_context() -> JsonObject:
    """The context shipped in the installed `rocrate` package.

    That is the RO-Crate 1.3 context, a superset of the 1.0-1.2 term definitions (terms are
    only ever added), so it serves all versions. Loaded from the package rather than copied,
    so it follows `rocrate` upgrades.
    """
    return _context_of(resources.files("rocrate") / "data" / "ro-crate.jsonld")


@cache
def _bundled_file(name: str) -> JsonObject:
    return _context_of(resources.files("fairdepot.core.metadata") / "contexts" / name)


def _context_of(resource: Traversable) -> JsonObject:
    context = json.loads(resource.read_text("utf-8")).get("@context")
    if not isinstance(context, dict):
        raise RuntimeError(f"{resource} is not a JSON-LD context document")
    return context


def bundled_context(url: str) -> JsonObject | None:
    """A fresh copy of the bundled context for `url`, or None when we do not bundle it."""
    source = _URLS.get(url)
    if source is None:
        return None
    context = _ro_crate_context() if source == _RO_CRATE else _bundled_file(source)
    return copy.deepcopy(context)


def inline_contexts(document: JsonObject) -> JsonObject:
    """A deep copy of `document` with every remote context replaced by its bundled copy.

    Walks every `@context` — top level, inside graph nodes, and scoped contexts inside term
    definitions — and resolves `@import` too, so that the JSON-LD processor has nothing left
    to dereference. Raises UnknownContext (naming the URL and where it is) for anything else.
    """
    try:
        result = _walk(document, "")
    except RecursionError as exc:
        raise InvalidInput("the JSON-LD document is nested too deeply") from exc
    assert isinstance(result, dict)
    return result


def _pointer(parent: str, key: str | int) -> str:
    return f"{parent}/{str(key).replace('~', '~0').replace('/', '~1')}"


def _walk(node: Any, where: str) -> Any:
    """Copy a JSON value, resolving the value of every `@context` key inside it."""
    if isinstance(node, list):
        return [_walk(item, _pointer(where, i)) for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    out: JsonObject = {}
    for key, value in node.items():
        here = _pointer(where, key)
        if key == "@context":
            out[key] = _resolve(value, here)
        elif key == "@value":  # literal data (maybe an @json object): not JSON-LD to process
            out[key] = copy.deepcopy(value)
        else:
            out[key] = _walk(value, here)
    return out


def _resolve(context: Any, where: str) -> Any:
    """Resolve one context value: a URL, an object, null, or a list of those."""
    if context is None:
        return None
    if isinstance(context, str):
        bundled = bundled_context(context)
        if bundled is None:
            raise UnknownContext(context, where)
        return bundled
    if isinstance(context, list):
        return [_resolve(item, _pointer(where, i)) for i, item in enumerate(context)]
    if isinstance(context, dict):
        if "@import" in context:
            imported = context["@import"]
            here = _pointer(where, "@import")
            if not isinstance(imported, str):
                raise InvalidInput(
                    "@import must be a URL", problems=[Problem("@import must be a URL", here)]
                )
            bundled = bundled_context(imported)
            if bundled is None:
                raise UnknownContext(imported, here)
            # JSON-LD 1.1 §4.1.10: the importing context's own definitions win.
            context = {**bundled, **{k: v for k, v in context.items() if k != "@import"}}
        return _walk(context, where)  # scoped contexts inside term definitions
    message = f"a context must be a URL, an object or null, not {type(context).__name__}"
    raise InvalidInput(message, problems=[Problem(message, where)])
