"""`parse_profile`: an uploaded profile's bytes to a `Profile`, or a 400/413 saying what is wrong.

The order is the safety order: size and hostile constructs first (`xml_input`), then the
"Item Profile Definition v3" schema as gCat really applies it (the reconstructed XSD bundled in
`xsd/`: root attribute `type`, optional `maxOccurs`), then each field's pattern compiled, so a
malformed pattern is refused at upload and never met by an item.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from importlib import resources
from itertools import islice
from typing import Any, Final, Literal
from xml.etree.ElementTree import Element

import xmlschema

from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.profiles.java_regex import MAX_PATTERN_WEIGHT, InvalidPattern, JavaPattern
from fairdepot.core.profiles.model import (
    UNBOUNDED,
    DataType,
    DerivationRule,
    Grouping,
    Profile,
    ProfileField,
    Tagging,
)
from fairdepot.core.profiles.xml_input import decode_profile, element_paths, read_profile_xml

SCHEMA_FILE: Final = "Gdcmetadataprofilev3.xsd"
SCHEMA_NAME: Final = "Item Profile Definition v3"
MAX_PROBLEMS: Final = 20
"""Schema violations reported at most (the first ones in document order)."""


def parse_profile(body: bytes) -> Profile:
    """Read, check and model a profile; `TooLarge` (413) or `InvalidInput` (400) otherwise."""
    return parse_profile_text(decode_profile(body))


def parse_profile_text(text: str) -> Profile:
    """`parse_profile` of text already decoded: a stored profile's, read again for an item."""
    root = read_profile_xml(text)
    check_against_schema(root)
    budget = _PatternBudget(MAX_PATTERN_WEIGHT)
    fields = tuple(
        _field(element, position, budget)
        for position, element in enumerate(root.findall("metadatafield"), start=1)
    )
    return Profile(type=root.attrib["type"], fields=fields, xml=text)


def check_against_schema(root: Element) -> None:
    """The schema violations as problems at their element paths; the first in the message."""
    errors = list(islice(_schema().iter_errors(root, use_location_hints=False), MAX_PROBLEMS))
    if not errors:
        return
    paths = element_paths(root)
    problems = [
        Problem(
            error.reason or error.message,
            paths.get(id(error.elem), error.path) if error.elem is not None else error.path,
        )
        for error in errors
    ]
    raise InvalidInput(
        f"the profile does not follow the {SCHEMA_NAME} schema: {problems[0]}",
        problems=problems,
    )


@functools.cache
def _schema() -> Any:
    """The bundled XSD, built once per process (it never changes and is never fetched)."""
    source = resources.files(__package__) / "xsd" / SCHEMA_FILE
    return xmlschema.XMLSchema(io.BytesIO(source.read_bytes()))


@dataclass
class _PatternBudget:
    """What is left of the weight all of a profile's patterns may have together."""

    remaining: int


def _field(element: Element, position: int, budget: _PatternBudget) -> ProfileField:
    name = element.findtext("fieldName", "")
    max_occurs = element.findtext("maxOccurs")
    vocabulary = element.find("vocabulary")
    return ProfileField(
        name=name,
        category=element.get("categoryref"),
        mandatory=_boolean(element.findtext("mandatory")),
        data_type=DataType(element.findtext("dataType", DataType.STRING.value)),
        max_occurs=None if max_occurs is None else _max_occurs(max_occurs),
        default_value=element.findtext("defaultValue"),
        note=element.findtext("note"),
        vocabulary=None
        if vocabulary is None
        else tuple(v.text or "" for v in vocabulary.findall("vocabularyField")),
        multi_selection=vocabulary is not None and _boolean(vocabulary.get("isMultiSelection")),
        pattern=_pattern(element, name, position, budget),
        tagging=_tagging(element.find("tagging")),
        grouping=_grouping(element.find("grouping")),
    )


def _pattern(
    element: Element, field_name: str, position: int, budget: _PatternBudget
) -> JavaPattern | None:
    source = element.findtext("validator/regularExpression")
    if source is None:
        return None
    try:
        pattern = JavaPattern.compile(source, budget=budget.remaining)
    except InvalidPattern as malformed:
        location = f"/metadataformat/metadatafield[{position}]/validator/regularExpression"
        raise InvalidInput(
            f"the regular expression of field {field_name!r} is not valid: {malformed}",
            problems=[Problem(f"not a valid regular expression: {malformed}", location)],
        ) from malformed
    budget.remaining -= pattern.weight
    return pattern


def _tagging(element: Element | None) -> Tagging | None:
    if element is None:
        return None
    return Tagging(
        rule=DerivationRule(element.text or ""),
        create=_boolean(element.get("create")),
        separator=element.get("separator", "-"),
    )


def _grouping(element: Element | None) -> Grouping | None:
    if element is None:
        return None
    return Grouping(
        rule=DerivationRule(element.text or ""),
        create=_boolean(element.get("create")),
        propagate_up=_boolean(element.get("propagateUp")),
    )


def _boolean(text: str | None) -> bool:
    """An `xs:boolean` the schema has accepted (`true`, `false`, `1`, `0`); absent is false."""
    return text is not None and text.strip() in ("true", "1")


def _max_occurs(text: str) -> int | Literal["*"]:
    return UNBOUNDED if text == UNBOUNDED else int(text)
