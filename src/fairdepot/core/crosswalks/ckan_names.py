"""The CKAN `name` and `id` of any record (docs/crosswalks.md, "Record ↔ CKAN package").

A gCat item has the name and id it was created with (identifiers of scheme `name` and `id`).
A record of another face is named after its ARK, reversibly, within CKAN's name rule:
`ark:59852/rocrate-x1` is `ark-59852-rocrate-x1`. Lower-case letters, digits and `-` stay;
`_` is written `__`, an upper-case letter `_` and its lower case (`A` → `_a`), and each other
character an ARK name may hold `_` and a digit (`.` `/` `=` `~` `*` `+` `@` `$` `%` → `_0` ...
`_8`), so `ark_of_name` finds the ARK again and no two ARKs share a name. Past 100 characters
the name is cut (between escapes) to at most 88 and ends with `_9` and 10 hex digits of the
ARK's SHA-256: valid, unique in practice, never equal to a reversible name (which has no
`_9`), but no longer reversible (ARKs minted here are far shorter). gCat item
names never begin with `ark-` (ckan_validation refuses them), so the two kinds cannot clash.

A record of another face has a stable id too: the uuid5 of its normalised ARK.
"""

from __future__ import annotations

import hashlib
import uuid

from fairdepot.core import ark as arks
from fairdepot.core.records import Face, IdentifierScheme, Record

PREFIX = "ark-"
MAX_LENGTH = 100
CUT = "_9"
"""Marks a name cut to fit: an escape the reversible form never writes (`_0`..`_8` only)."""
DIGEST_LENGTH = 10
_PUNCTUATION = ".\u002f=~*+@$%"
_ESCAPES = {char: f"_{index}" for index, char in enumerate(_PUNCTUATION)}
_UNESCAPES = {str(index): char for index, char in enumerate(_PUNCTUATION)}
_KEPT = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def name_of_ark(ark: str) -> str:
    """The CKAN name of the record with this ARK (valid under `^[a-z0-9_-]{2,100}$`)."""
    parsed = arks.parse(ark)
    chunks = [PREFIX + parsed.naan + "-", *(_escaped(char) for char in parsed.name)]
    if sum(len(chunk) for chunk in chunks) <= MAX_LENGTH:
        return "".join(chunks)
    kept, length = [], 0
    for chunk in chunks:  # whole escapes only: a cut one could read as another character
        if length + len(chunk) > MAX_LENGTH - len(CUT) - DIGEST_LENGTH:
            break
        kept.append(chunk)
        length += len(chunk)
    digest = hashlib.sha256(str(parsed).encode()).hexdigest()[:DIGEST_LENGTH]
    return "".join(kept) + CUT + digest


def _escaped(char: str) -> str:
    if char in _KEPT:
        return char
    if char == "_":
        return "__"
    if char in _ESCAPES:
        return _ESCAPES[char]
    if "A" <= char <= "Z":
        return "_" + char.lower()
    raise ValueError(f"{char!r} cannot be in an ARK's name")  # arks.parse refuses it


def ark_of_name(name: str) -> str | None:
    """The ARK a record of another face is named after (`name_of_ark`'s inverse), or None
    when `name` is no such name (a gCat item's, or one cut to fit 100 characters)."""
    if not name.startswith(PREFIX):
        return None
    naan, sep, rest = name[len(PREFIX) :].partition("-")
    if not sep or not naan or not rest:
        return None
    chars: list[str] = []
    index = 0
    while index < len(rest):
        char = rest[index]
        if char != "_":
            chars.append(char)
            index += 1
            continue
        following = rest[index + 1 : index + 2]
        if following == "_":
            chars.append("_")
        elif following in _UNESCAPES:
            chars.append(_UNESCAPES[following])
        elif following.isalpha() and following.islower():
            chars.append(following.upper())
        else:
            return None
        index += 2
    candidate = f"ark:{naan}/{''.join(chars)}"
    try:
        parsed = arks.parse(candidate)
    except arks.InvalidArk:
        return None
    return str(parsed) if name_of_ark(str(parsed)) == name else None


def package_name(record: Record) -> str:
    """The record's CKAN `name`: a gCat item's own, else its ARK's (`name_of_ark`)."""
    own = record.identifiers.get(IdentifierScheme.GCAT_NAME.value)
    if not own and record.face is Face.GCAT and isinstance(record.native, dict):
        own = record.native.get("name")  # a record loaded without its identifiers
    return own if isinstance(own, str) and own else name_of_ark(record.ark)


def package_id(record: Record) -> str:
    """The record's CKAN `id`: a gCat item's own, else the uuid5 of its normalised ARK."""
    own = record.identifiers.get(IdentifierScheme.GCAT_ID.value)
    if own:
        return own
    try:
        key = arks.normalise(record.ark)
    except arks.InvalidArk:
        key = record.ark
    return str(uuid.uuid5(uuid.NAMESPACE_URL, key))
