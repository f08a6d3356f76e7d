"""Archival Resource Keys: parsing, normalisation, NOID check characters and minting.

Follows the ARK specification (draft-kunze-ark): output uses the new `ark:NAAN/name` form, the
legacy `ark:/NAAN/name` form and resolver-prefixed forms (`https://host/ark:...`) are accepted
for ever, and two ARKs are the same identifier when their *normalised* forms are equal
(hyphens are insignificant, the NAAN is case-insensitive, the rest is case-sensitive).

Minted names are `shoulder + blade + check character`, where the check character is computed
with the NOID Check Digit Algorithm (NCDA) over `NAAN/shoulder+blade`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

BETANUMERIC = "0123456789bcdfghjkmnpqrstvwxz"
"""The NOID alphabet: digits and consonants without `l`; radix 29 (a prime)."""

_ORDINAL = {ch: i for i, ch in enumerate(BETANUMERIC)}
_NAAN_RE = re.compile(r"^[0-9bcdfghjkmnpqrstvwxz]+$")
_ALLOWED_NAME_RE = re.compile(r"^[A-Za-z0-9=~*+@_$%./\-]+$")
_LABEL_RE = re.compile(r"ark:/?", re.IGNORECASE)
_PERCENT_RE = re.compile(r"%([0-9a-fA-F]{2})")
# Look-alike hyphens people paste from word processors (U+2010..U+2015) are ignored too.
_HYPHENS = str.maketrans("", "", "-\u2010\u2011\u2012\u2013\u2014\u2015")
_BLADE_LENGTH = 10
_NAAN_RULE = (
    "may hold only digits and the consonants bcdfghjkmnpqrstvwxz (no vowels, no 'l'), "
    "e.g. 99999 in ark:99999/fd1x"
)
_NAME_CHARACTERS = "letters, digits and = ~ * + @ _ $ % . / -"
MAX_LENGTH = 512


class InvalidArk(ValueError):
    """The text is not a syntactically valid ARK."""


@dataclass(frozen=True)
class Ark:
    """A parsed ARK in its display form (hyphens kept, new-form label)."""

    naan: str
    name: str

    def __str__(self) -> str:
        return f"ark:{self.naan}/{self.name}"

    @property
    def key(self) -> str:
        """The normalised form: equal keys mean the same identifier."""
        return normalise(str(self))


def parse(text: str) -> Ark:
    """Parse an ARK in any accepted form; raise InvalidArk with a reason otherwise.

    Accepts `ark:NAAN/name`, `ark:/NAAN/name`, `ARK:`, a resolver prefix (`https://n2t.net/ark:...`)
    and surrounding white space. A query string (inflection such as `?info`) is dropped.
    """
    candidate = "".join(text.split())  # copy-pasted ARKs often carry line breaks
    start = candidate.lower().find("ark:")
    if start < 0:
        raise InvalidArk(f"{text!r} is not an ARK: an ARK starts with 'ark:' (ark:NAAN/name)")
    candidate = candidate[start:]
    candidate = candidate.split("?", 1)[0].split("#", 1)[0]
    match = _LABEL_RE.match(candidate)
    assert match is not None
    rest = candidate[match.end() :]
    naan, sep, name = rest.partition("/")
    naan = naan.lower()
    if not sep or not naan:
        raise InvalidArk(
            f"{text!r} is not an ARK: expected ark:NAAN/name, a number, a slash and a name"
        )
    if not _NAAN_RE.match(naan):
        raise InvalidArk(f"{text!r} is not an ARK: the NAAN {naan!r} {_NAAN_RULE}")
    name = name.strip("/.")
    if not name:
        raise InvalidArk(f"{text!r} is not an ARK: the name after the NAAN is empty")
    if not _ALLOWED_NAME_RE.match(name):
        odd = sorted({ch for ch in name if not _ALLOWED_NAME_RE.match(ch)})
        raise InvalidArk(
            f"{text!r} is not an ARK: the name may hold only {_NAME_CHARACTERS}, "
            f"not {' '.join(repr(ch) for ch in odd)}"
        )
    if not name.translate(_HYPHENS):
        raise InvalidArk(f"{text!r} is not an ARK: the name is only hyphens, which ARKs ignore")
    if len(f"ark:{naan}/{name}") > MAX_LENGTH:  # the catalogue stores ARKs in that many characters
        raise InvalidArk(f"an ARK longer than {MAX_LENGTH} characters cannot be kept")
    return Ark(naan=naan, name=name)


def normalise(text: str) -> str:
    """Return the comparison form of an ARK (spec §Normalization, steps 1-8)."""
    ark = parse(text)
    name = _PERCENT_RE.sub(lambda m: "%" + m.group(1).upper(), ark.name)
    name = name.translate(_HYPHENS)
    name = re.sub(r"/{2,}", "/", name)
    name = re.sub(r"\.{2,}", ".", name)
    name = name.replace("./", "/").strip("/.")
    return f"ark:{ark.naan}/{name}"


def check_character(zone: str) -> str:
    """NCDA over the check zone (`NAAN/shoulder+blade`); characters outside the alphabet count 0."""
    total = sum(pos * _ORDINAL.get(ch, 0) for pos, ch in enumerate(zone, start=1))
    return BETANUMERIC[total % len(BETANUMERIC)]


def has_valid_check_character(text: str) -> bool:
    """True if the last character of the base name is the NCDA check character of the rest."""
    ark = parse(text)
    base = ark.name.split("/", 1)[0].split(".", 1)[0]
    if len(base) < 2:
        return False
    return check_character(f"{ark.naan}/{base[:-1]}") == base[-1]


def validate_shoulder(shoulder: str) -> str:
    """A primordinal shoulder: betanumeric letters ending with their first digit (`fk4`, `x6`)."""
    if not re.fullmatch(r"[bcdfghjkmnpqrstvwxz]*[0-9]", shoulder):
        raise InvalidArk(
            f"the shoulder {shoulder!r} must be consonants other than 'l' (no vowels) followed "
            "by one digit, e.g. 'fd1'"
        )
    return shoulder


def mint(naan: str, shoulder: str, blade_length: int = _BLADE_LENGTH) -> Ark:
    """A new opaque ARK: `shoulder + random betanumeric blade + NCDA check character`.

    The blade is random, not sequential, so minting needs no shared counter across processes;
    with 29**10 (about 4e14) blades a clash is vanishingly rare, and the database's unique key
    turns one into a clean Conflict rather than a duplicate.
    """
    naan = naan.lower()
    if not _NAAN_RE.match(naan):
        raise InvalidArk(f"the NAAN {naan!r} {_NAAN_RULE}")
    validate_shoulder(shoulder)
    blade = "".join(secrets.choice(BETANUMERIC) for _ in range(blade_length))
    zone = f"{naan}/{shoulder}{blade}"
    return Ark(naan=naan, name=f"{shoulder}{blade}{check_character(zone)}")


def submitted_ark(identifier: object, *, refuse_malformed: bool = False) -> str | None:
    """The ARK a submitted entity keeps (display form), or None: the entity gets a minted one.

    A client that names an entity with an ARK (fairscape-cli mints `ark:59852/...` itself)
    keeps it; whether the caller may hold it is the service's question. Local ids (`./`,
    `#jane`, `data/x.csv`), other IRIs and non-strings get a minted ARK. Text that mentions
    `ark:` but is no valid ARK is minted over too, or, with `refuse_malformed`, refused with
    the parser's reason (InvalidArk), for endpoints where it must be a mistake.
    """
    if not isinstance(identifier, str) or "ark:" not in identifier.lower():
        return None
    try:
        return str(parse(identifier))
    except InvalidArk:
        if refuse_malformed:
            raise
        return None


def identifier_key(identifier: str) -> str:
    """How a submitted `@id` compares: an ARK by its normalised form, anything else as given."""
    if "ark:" not in identifier.lower():
        return identifier
    try:
        return normalise(identifier)
    except InvalidArk:
        return identifier
