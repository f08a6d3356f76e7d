"""gCat item profiles ("Item Profile Definition v3") as the catalogue holds them once parsed.

A profile names an item type (`system:type` in an item's extras selects it) and lists the
fields an item of that type carries as extras, each with its data type, cardinality,
vocabulary, pattern, and the tags and groups its values give the item. Defaults are those of
gCat's JAXB beans (reference §6.1), so a field read from XML that omits an element behaves as
it does in gCat.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Final, Literal

from fairdepot.core.profiles.java_regex import JavaPattern

NAMESPACE_SEPARATOR: Final = ":"
"""Between a field's category (a namespace id) and its name in an extra's key."""

UNBOUNDED: Final = "*"
"""`<maxOccurs>*</maxOccurs>`: any number of values."""


class DataType(Enum):
    """The value types a profile field can declare (the XSD's enumeration)."""

    STRING = "String"
    TEXT = "Text"
    BOOLEAN = "Boolean"
    NUMBER = "Number"
    TIME = "Time"
    TIME_INTERVAL = "Time_Interval"
    TIMES_LIST_OF = "Times_ListOf"
    GEOJSON = "GeoJSON"


class DerivationRule(Enum):
    """How a tag or a group is derived from a field: from its name, its value, or both."""

    ON_FIELD_NAME = "onFieldName"
    ON_VALUE = "onValue"
    ON_FIELD_NAME_ON_VALUE = "onFieldName_onValue"
    ON_VALUE_ON_FIELD_NAME = "onValue_onFieldName"


@dataclass(frozen=True)
class Tagging:
    """Each value of the field adds a tag. `create` is kept for the JSON view: gCat ignores it."""

    rule: DerivationRule
    create: bool = False
    separator: str = "-"


@dataclass(frozen=True)
class Grouping:
    """Each value of the field puts the item in a group (created if missing when `create`)."""

    rule: DerivationRule
    create: bool = False
    propagate_up: bool = False


@dataclass(frozen=True)
class ProfileField:
    """One `<metadatafield>`: what an extra with its qualified name must hold."""

    name: str
    category: str | None = None
    mandatory: bool = False
    data_type: DataType = DataType.STRING
    max_occurs: int | Literal["*"] | None = None
    """As written: a count, `UNBOUNDED`, or None when the profile does not say."""
    default_value: str | None = None
    note: str | None = None
    vocabulary: tuple[str, ...] | None = None
    """None when the field has no `<vocabulary>`; gCat treats an empty one as present."""
    multi_selection: bool = False
    pattern: JavaPattern | None = None
    tagging: Tagging | None = None
    grouping: Grouping | None = None

    @property
    def qualified_name(self) -> str:
        """The key an item's extra must have to be this field's value (exact, case-sensitive)."""
        if self.category is None:
            return self.name
        return self.category + NAMESPACE_SEPARATOR + self.name


@dataclass(frozen=True)
class Profile:
    """A parsed profile: its type (its name), its fields in order, and the XML it came from."""

    type: str
    fields: tuple[ProfileField, ...]
    xml: str = field(default="", compare=False, repr=False)
    """The text as uploaded: faces serve it back as it was written, not re-serialised."""
