"""The JSON view of a profile that gCat serves for `Accept: application/json` (reference §6.3).

gCat renders the XML with org.json's `XML.toJSONObject`, and clients read that shape:

- the root element is the one key of the result, each element an object of its attributes
  and children, a repeated child an array, a single child a value;
- an element with only text is that text, an empty one `""`, one with attributes and text
  gets the text under `"content"`; text is trimmed, whitespace-only text ignored;
- text and attribute values are typed: `true`/`false` (any case) become booleans, `null` null,
  integers without a leading zero (in the 64-bit range) numbers, plain decimals numbers when
  they read back the same (`1.5`; `1.50` stays a string); everything else stays a string.

Key order follows the document (org.json's is a hash order, which no client can rely on).
"""

from __future__ import annotations

import re
from typing import Any, Final
from xml.etree.ElementTree import Element

from fairdepot.core.profiles.model import Profile
from fairdepot.core.profiles.xml_input import read_profile_xml

_INTEGER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)")
_DECIMAL: Final = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+")
_LONG_RANGE: Final = range(-(2**63), 2**63)
CONTENT_KEY: Final = "content"


def profile_json(profile: Profile) -> dict[str, Any]:
    """The org.json rendering of the profile's XML as it was uploaded."""
    root = read_profile_xml(profile.xml)
    return {root.tag: _element_value(root)}


def _element_value(element: Element) -> Any:
    members: dict[str, Any] = {}
    for name, value in element.attrib.items():
        _accumulate(members, name, _typed(value))
    _accumulate_text(members, element.text)
    for child in element:
        _accumulate(members, child.tag, _element_value(child))
        _accumulate_text(members, child.tail)
    if not members:
        return ""
    if list(members) == [CONTENT_KEY]:
        return members[CONTENT_KEY]
    return members


def _accumulate_text(members: dict[str, Any], text: str | None) -> None:
    trimmed = (text or "").strip()
    if trimmed:
        _accumulate(members, CONTENT_KEY, _typed(trimmed))


def _accumulate(members: dict[str, Any], key: str, value: Any) -> None:
    """org.json's `accumulate`: a second value under a key turns the key into an array."""
    if key not in members:
        members[key] = value
    elif isinstance(members[key], list):
        members[key].append(value)
    else:
        members[key] = [members[key], value]


def _typed(text: str) -> Any:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    if _INTEGER.fullmatch(text) and text != "-0" and int(text) in _LONG_RANGE:
        return int(text)
    if _DECIMAL.fullmatch(text) and repr(float(text)) == text:
        return float(text)
    return text
