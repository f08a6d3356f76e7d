"""What gCat accepts as a value of each profile data type, written as predicates over strings.

Each predicate stands for the Java check gCat 1.3.0 makes (reference §8), and its docstring says
where we follow it exactly and where we choose.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

_NUMBER: Final = re.compile(
    r"-?(?:0x[0-9a-fA-F]+"
    r"|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+[dDfF]?|[dDfFlL]?))"
)

_DATE_PREFIX: Final = re.compile(r"[ \t]*[0-9]+-[ \t]*[0-9]+-[ \t]*[0-9]+")

_POSITION_DEPTH: Final = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
"""How many arrays hold a geometry's positions (a Point's coordinates are one position)."""


def is_number(text: str) -> bool:
    """commons-lang 2.x `NumberUtils.isNumber`, the check gCat 1.3.0 calls.

    Accepted: an optional leading `-` (never `+`); then either hex `0x` + hex digits (lower-case
    `x` only), or digits with at most one `.` (`1.`, `.5`, `1.5`), an optional exponent
    `e`/`E` with an optional sign and digits, and an optional Java type suffix: `d D f F`
    anywhere, `l L` only without an exponent (lang 2.x accepts `1.5L`; lang 3 does not).
    Refused: empty, spaces anywhere, `0X1`, `1e`, `1e+`, `.`, `-`, `1..2`, `1e5.`, `+1`.
    ASCII digits only, as the Java code compares characters with '0' and '9'.
    """
    return _NUMBER.fullmatch(text) is not None


def is_boolean(text: str) -> bool:
    """`true` or `false` in any case (Java `equalsIgnoreCase`, restricted to ASCII letters)."""
    return text.isascii() and text.lower() in ("true", "false")


def is_time(text: str) -> bool:
    """Java `SimpleDateFormat("yyyy-MM-dd[ HH:mm]").parse(text)` succeeding, leniently.

    `parse(String)` needs only a prefix to parse, and lenient fields take any number of digits
    and any value (month 13 rolls over), each optionally after spaces or tabs; the time part
    can never make a date-only prefix fail. So: a prefix `digits-digits-digits`, anything
    after it (`2020-01-01T10:00Z` passes, `2020-01` and `last year` do not). We accept ASCII
    digits without sign, where Java's number parser would also take a `-` or other scripts'
    digits.
    """
    return _DATE_PREFIX.match(text) is not None


def java_split(text: str, separator: str) -> list[str]:
    """Java's `String.split` on a literal separator: trailing empty parts are dropped.

    A text without the separator is its own single part, even when empty.
    """
    if separator not in text:
        return [text]
    parts = text.split(separator)
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def is_time_interval(text: str) -> bool:
    """Every `/`-separated part is a time (so `2020-01-01/` passes, as in gCat)."""
    return all(is_time(part) for part in java_split(text, "/"))


def is_times_list(text: str) -> bool:
    """A `,`-separated list of times or intervals (at most two `/`-separated parts each).

    gCat 1.3.0's loop reuses its counter in the inner loop, so it checks only the first
    elements of a list and lets `2020-01-01,garbage` through; we check every element, as
    reference §8 describes the intent.
    """
    for element in java_split(text, ","):
        parts = java_split(element, "/")
        if len(parts) > 2 or not all(is_time(part) for part in parts):
            return False
    return True


def is_geojson(text: str) -> bool:
    """A JSON object that is a GeoJSON geometry, Feature or FeatureCollection (RFC 7946).

    gCat asks Jackson to read a `GeoJsonObject`; we check the structure that makes one:
    a known `type`, positions of two or more numbers nested as deep as the geometry type
    says (empty geometries allowed), a GeometryCollection's `geometries`, a Feature's
    `geometry` (or null) and `properties` (an object, null or absent), a FeatureCollection's
    `features`. Not checked: ring closure, minimum positions per line or ring, `bbox`, `crs`.
    """
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
        return _is_geojson_object(document)
    except (ValueError, RecursionError):
        return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _is_geojson_object(document: Any) -> bool:
    if not isinstance(document, dict):
        return False
    kind = document.get("type")
    if kind == "Feature":
        return _is_feature(document)
    if kind == "FeatureCollection":
        features = document.get("features")
        return isinstance(features, list) and all(
            isinstance(f, dict) and f.get("type") == "Feature" and _is_feature(f) for f in features
        )
    return _is_geometry(document)


def _is_feature(feature: dict[str, Any]) -> bool:
    geometry = feature.get("geometry")
    properties = feature.get("properties")
    geometry_ok = geometry is None or _is_geometry(geometry)
    return geometry_ok and (properties is None or isinstance(properties, dict))


def _is_geometry(geometry: Any) -> bool:
    if not isinstance(geometry, dict):
        return False
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        return isinstance(members, list) and all(_is_geometry(m) for m in members)
    if not isinstance(kind, str) or kind not in _POSITION_DEPTH:
        return False
    return _holds_positions(geometry.get("coordinates"), _POSITION_DEPTH[kind])


def _holds_positions(value: Any, depth: int) -> bool:
    if depth == 0:
        return _is_position(value)
    return isinstance(value, list) and all(_holds_positions(v, depth - 1) for v in value)


def _is_position(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) >= 2
        and all(isinstance(n, int | float) and not isinstance(n, bool) for n in value)
    )
