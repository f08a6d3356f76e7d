"""HTTP proactive content negotiation on `Accept` (RFC 9110 §12.5.1), with no web framework.

Linked-data clients ask for Turtle or RDF/XML with q-values, browsers send long wildcard lists,
and some clients send junk; each face needs the same answer to "which of my representations
does this client want most?", so the rules live here once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

# RFC 9110 §5.6.2 token characters.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 9110 §12.4.2 qvalue, leniently allowing more than three decimals.
_QVALUE = re.compile(r"0(\.[0-9]*)?|1(\.0*)?")


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header: `type/subtype;params;q=...`, lower-cased names."""

    type: str
    subtype: str
    q: float = 1.0
    params: dict[str, str] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        params = "".join(f";{name}={value}" for name, value in self.params.items())
        return f"{self.type}/{self.subtype}{params};q={self.q:g}"


ANY = MediaRange("*", "*")


def _split(text: str, separator: str) -> list[str]:
    """Split on `separator` outside quoted strings (a quoted profile URI may hold commas)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _param_value(raw: str) -> str | None:
    """A token or a quoted-string (unquoted, escapes removed); None when it is neither."""
    if _TOKEN.fullmatch(raw):
        return raw
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return re.sub(r"\\(.)", r"\1", raw[1:-1])
    return None


def _parse_range(element: str) -> MediaRange | None:
    """One media range, or None when it is malformed (the caller skips it)."""
    first, *rest = _split(element, ";")
    kind, slash, subtype = first.strip().partition("/")
    if not (slash and _TOKEN.fullmatch(kind) and _TOKEN.fullmatch(subtype)):
        return None
    kind, subtype = kind.lower(), subtype.lower()
    if kind == "*" and subtype != "*":
        return None
    q = 1.0
    params: dict[str, str] = {}
    for raw in rest:
        if not raw.strip():
            continue  # a stray `;`
        name, equals, value = raw.strip().partition("=")
        name = name.strip().lower()
        parsed = _param_value(value.strip())
        if not (equals and _TOKEN.fullmatch(name) and parsed is not None):
            return None
        if name == "q":
            if not _QVALUE.fullmatch(parsed):
                return None
            q = float(parsed)
            break  # the weight ends the media range; RFC 9110 has no extensions after it
        params[name] = parsed
    return MediaRange(kind, subtype, q, params)


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header, in order, malformed ones skipped.

    A missing or blank header means `*/*` (RFC 9110 §12.5.1). So does a header in which
    nothing parses: the RFC lets a server disregard an invalid Accept, and serving the default
    representation helps a broken client more than a 406 does.
    """
    if header is None or not header.strip():
        return [ANY]
    ranges = [r for e in _split(header, ",") if e.strip() and (r := _parse_range(e)) is not None]
    return ranges or [ANY]


def _precedence(media_range: MediaRange, offer: MediaRange) -> tuple[int, int, int] | None:
    """How specifically `media_range` names `offer`, or None when it does not match it.

    Exact type beats `type/*` beats `*/*`; among exact ones, parameters that match the offer
    win, and parameters the offer does not carry are tolerated but count against the range
    (`application/ld+json;profile=...` still matches plain JSON-LD, behind a bare one).
    A parameter the offer carries with another value means no match.
    """
    if media_range.type == "*":
        level = 0
    elif media_range.type != offer.type:
        return None
    elif media_range.subtype == "*":
        level = 1
    elif media_range.subtype != offer.subtype:
        return None
    else:
        level = 2
    matched = ignored = 0
    for name, value in media_range.params.items():
        if name not in offer.params:
            ignored += 1
        elif offer.params[name] == value:
            matched += 1
        else:
            return None
    return (level, matched, -ignored)


def choose(header: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers, or None when none is acceptable (answer 406).

    Each offer takes the q of the most specific range matching it; q=0 means "not acceptable".
    Ties go to the more specific match, then to the earlier offer (the server's preference).
    Offers are media types, optionally with parameters; the chosen one is returned verbatim.
    """
    ranges = parse_accept(header)
    best: tuple[float, tuple[int, int, int], int] | None = None
    chosen: str | None = None
    for index, offer in enumerate(offers):
        parsed = _parse_range(offer)
        if parsed is None or "*" in (parsed.type, parsed.subtype):
            raise ValueError(f"not a concrete media type: {offer!r}")
        matches = [(p, r.q) for r in ranges if (p := _precedence(r, parsed)) is not None]
        if not matches:
            continue
        precedence, q = max(matches, key=lambda match: match[0])
        if q <= 0:
            continue
        rank = (q, precedence, -index)
        if best is None or rank > best:
            best, chosen = rank, offer
    return chosen
