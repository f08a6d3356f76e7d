"""Reading an uploaded profile's XML, which is untrusted, before anything looks at its content.

Three limits keep a hostile body from costing more than a small valid one: the size
(`MAX_PROFILE_BYTES`, checked before a byte is parsed, `TooLarge`), no DOCTYPE at all (so no
entity expansion, "billion laughs", and no external entity or DTD to fetch, refused as soon as
the parser meets the declaration, `defusedxml`), and the nesting depth (`MAX_PROFILE_DEPTH`, a
valid profile is four levels deep), checked before the schema validator walks the tree.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from typing import Final
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree

from fairdepot.core.errors import InvalidInput, Problem, TooLarge

MAX_PROFILE_BYTES: Final = 1024 * 1024
"""The largest profile accepted (real profiles are a few KiB)."""

MAX_PROFILE_DEPTH: Final = 16

_DECLARED_ENCODING: Final = re.compile(
    rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']"""
)


def decode_profile(body: bytes) -> str:
    """The profile's text: size-checked, decoded by its BOM or its declaration (else UTF-8)."""
    if len(body) > MAX_PROFILE_BYTES:
        raise TooLarge(
            f"the profile is {len(body)} bytes; at most {MAX_PROFILE_BYTES} are accepted",
            problems=[Problem(f"larger than {MAX_PROFILE_BYTES} bytes", "body")],
        )
    encoding = _encoding_of(body)
    try:
        # bytes.decode, not codecs.decode: only text encodings, never "zlib" or "base64".
        return body.decode(encoding)
    except (LookupError, UnicodeDecodeError) as bad:
        raise InvalidInput(
            f"the profile is not readable as {encoding}: {bad}",
            problems=[Problem(f"not readable as {encoding}", "body")],
        ) from bad


def read_profile_xml(text: str) -> Element:
    """Parse the profile's text with no DTD, no entities, no network; refuse deep nesting."""
    try:
        root: Element = defusedxml.ElementTree.fromstring(
            text, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException as refused:
        raise InvalidInput(
            "the profile may not contain a DOCTYPE, entities or external references",
            problems=[Problem(f"refused: {type(refused).__name__}", "body")],
        ) from refused
    except ParseError as malformed:
        raise InvalidInput(
            f"the profile is not well-formed XML: {malformed}",
            problems=[Problem(str(malformed), "body")],
        ) from malformed
    _check_depth(root)
    return root


def element_paths(root: Element) -> dict[int, str]:
    """Each element's path, `/metadataformat/metadatafield[2]/dataType`, keyed by `id()`.

    A position is given only among siblings of the same name, as in XPath.
    """
    paths = {id(root): "/" + root.tag}
    pending = [root]
    while pending:
        parent = pending.pop()
        children = list(parent)
        counts = Counter(child.tag for child in children)
        seen: Counter[str] = Counter()
        for child in children:
            seen[child.tag] += 1
            step = child.tag if counts[child.tag] == 1 else f"{child.tag}[{seen[child.tag]}]"
            paths[id(child)] = paths[id(parent)] + "/" + step
            pending.append(child)
    return paths


def _check_depth(root: Element) -> None:
    pending = [(root, 1)]
    while pending:
        element, depth = pending.pop()
        if depth > MAX_PROFILE_DEPTH:
            raise InvalidInput(
                f"the profile nests elements deeper than {MAX_PROFILE_DEPTH} levels",
                problems=[Problem(f"deeper than {MAX_PROFILE_DEPTH} levels", element.tag)],
            )
        pending.extend((child, depth + 1) for child in element)


def _encoding_of(body: bytes) -> str:
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    declared = _DECLARED_ENCODING.match(body)
    return declared.group(1).decode("ascii") if declared else "utf-8"
