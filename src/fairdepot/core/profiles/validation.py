"""An item's extras checked against its profile, as gCat 1.3.0 does it (reference §8 and §9).

The messages are gCat's own words, since clients and users know them; each error is an
`InvalidInput` whose one problem is located at the extra's key (`extras`, `tags` when no
key is to blame). The result says what the face stores: the extras in gCat's order, the
tags to append to the item's own and the groups to put it in (and which to create).

Decisions (reference §10 and what §8 leaves open):

- Extras are ordered by the position of the field's category among the namespace ids, then
  by the field's position in the profile; a category that is not among the namespaces sorts
  as an uncategorised field does (gCat's `indexOf` gives -1 for both), that is after the
  known categories, by field position. Then the empty placeholders of absent optional
  fields, then the extras no field claims (kept, never refused), then `system:type`.
  `Item URL` is dropped: the service sets it.
- `maxOccurs` is not enforced unless `enforce_max_occurs` (gCat 1.3.0 parses and ignores
  it). When enforced, each field takes at most its `maxOccurs` values (`*`: any; absent: the
  vocabulary's size for a multi-selection, else 1), checked after the mandatory fields'
  cardinality; the error wording follows gCat's cardinality message.
- When several mandatory fields fail their cardinality, the first in profile order is named
  (gCat's order is a hash map's).
- A group derived twice is listed once; tags are appended as derived, duplicates included.
- A pattern whose match takes over `MATCH_TIMEOUT_SECONDS` refuses the value, saying so;
  all of one item's matches together get `ITEM_MATCH_SECONDS`, so an item repeating a key
  thousands of times against a slow pattern cannot hold a worker for long either.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from fairdepot.core.errors import InvalidInput, Problem
from fairdepot.core.profiles.java_regex import MATCH_TIMEOUT_SECONDS, PatternTimeout
from fairdepot.core.profiles.model import UNBOUNDED, DataType, Profile, ProfileField
from fairdepot.core.profiles.tagging import group_name_from_title, group_titles_for, tag_for
from fairdepot.core.profiles.values import (
    is_boolean,
    is_geojson,
    is_number,
    is_time,
    is_time_interval,
    is_times_list,
)

ITEM_MATCH_SECONDS: Final = 1.0
"""The longest all the pattern matches of one item's validation may take together."""

SYSTEM_TYPE: Final = "system:type"
ITEM_URL: Final = "Item URL"

Extra = tuple[str, str]
"""One `{"key": ..., "value": ...}` of an item's extras; an item may repeat a key."""


@dataclass(frozen=True)
class GroupToAdd:
    """A group a field's value puts the item in; `create`: make it if it does not exist."""

    name: str
    title: str
    create: bool
    propagate_up: bool
    """Add the group's parent groups too (the service knows the hierarchy)."""


@dataclass(frozen=True)
class ValidatedItem:
    extras: tuple[Extra, ...]
    tags: tuple[str, ...]
    """Tags to append to the item's own, in order."""
    groups: tuple[GroupToAdd, ...]


def select_profile(profiles: Iterable[Profile], extras: Sequence[Extra]) -> Profile:
    """The profile an item's `system:type` names (the last one, if it is repeated)."""
    profile_type = _profile_type(extras)
    for profile in profiles:
        if profile.type == profile_type:
            return profile
    raise _unknown_profile(profile_type)


def validate_item(
    profile: Profile,
    namespace_ids: Sequence[str],
    extras: Sequence[Extra],
    tags: Sequence[str],
    *,
    enforce_max_occurs: bool = False,
    match_timeout: float = MATCH_TIMEOUT_SECONDS,
) -> ValidatedItem:
    """Check `extras` (as sent, in order) against `profile`; what to store, or `InvalidInput`."""
    profile_type = _profile_type(extras)
    if profile_type != profile.type:
        raise _unknown_profile(profile_type)
    if not profile.fields:
        return ValidatedItem(tuple(extras), (), ())
    run = _Run(namespace_ids, match_timeout, time.monotonic() + ITEM_MATCH_SECONDS)
    custom = [(k, v) for k, v in extras if k not in (SYSTEM_TYPE, ITEM_URL)]
    values_by_key: dict[str, list[str]] = {}
    for key, value in custom:
        if not key:
            raise _invalid("An extra field must have a non-empty key!", "extras")
        values_by_key.setdefault(key, []).append(value)
    for position, profile_field in enumerate(profile.fields):
        run.claim(profile_field, position, values_by_key.pop(profile_field.qualified_name, []))
    unclaimed = [(k, v) for k, v in custom if k in values_by_key]
    run.check_mandatory_cardinality(profile.fields)
    if enforce_max_occurs:
        run.check_max_occurs(profile.fields)
    if not tags and not run.tags:
        raise _invalid("Please define at least one tag for this item!", "tags")
    run.matched.sort(key=lambda entry: entry[0])
    ordered = [extra for _rank, extra in run.matched] + run.placeholders + unclaimed
    return ValidatedItem(
        extras=(*ordered, (SYSTEM_TYPE, profile_type)),
        tags=tuple(run.tags),
        groups=tuple(run.groups.values()),
    )


@dataclass
class _Run:
    """One validation's state, gathered field by field in profile order."""

    namespace_ids: Sequence[str]
    match_timeout: float
    match_deadline: float
    """When the item's matches have used up `ITEM_MATCH_SECONDS`."""
    namespace_ranks: dict[str, int] = field(init=False)
    matched: list[tuple[tuple[int, int], Extra]] = field(default_factory=list)
    placeholders: list[Extra] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    groups: dict[str, GroupToAdd] = field(default_factory=dict)
    found: dict[int, int] = field(default_factory=dict)
    """How many extras each field (by position) claimed."""

    def __post_init__(self) -> None:
        self.namespace_ranks = {}
        for rank, namespace_id in enumerate(self.namespace_ids):
            self.namespace_ranks.setdefault(namespace_id, rank)

    def claim(self, profile_field: ProfileField, position: int, mine: list[str]) -> None:
        """Check the values sent under the field's qualified name (a later field of the same
        name finds none: the first claims them all, as in gCat)."""
        key = profile_field.qualified_name
        rank = (self._category_rank(profile_field.category), position)
        for sent in mine:
            value = self._checked(profile_field, key, sent)
            self.matched.append((rank, (key, value)))
            self._derive(profile_field, value)
        self.found[position] = len(mine)
        if not mine and not profile_field.mandatory:
            self.placeholders.append((key, ""))

    def check_mandatory_cardinality(self, fields: Sequence[ProfileField]) -> None:
        """gCat's bounds, summed over the mandatory fields sharing a qualified name."""
        bounds: dict[str, list[int]] = {}
        for position, profile_field in enumerate(fields):
            if not profile_field.mandatory:
                continue
            low_high_found = bounds.setdefault(profile_field.qualified_name, [0, 0, 0])
            low_high_found[0] += 1
            low_high_found[1] += _mandatory_upper_bound(profile_field)
            low_high_found[2] += self.found[position]
        for key, (low, high, found) in bounds.items():
            if not low <= found <= high:
                raise _invalid(
                    f"Field with key '{key}' is mandatory, but it's not present among the provided"
                    f" fields or its cardinality is not respected ([min = {low}, max={high}]).",
                    key,
                )

    def check_max_occurs(self, fields: Sequence[ProfileField]) -> None:
        for position, profile_field in enumerate(fields):
            high = _max_occurs_bound(profile_field)
            if high is not None and self.found[position] > high:
                key, low = profile_field.qualified_name, int(profile_field.mandatory)
                raise _invalid(
                    f"Field with key '{key}' has {self.found[position]} values, more than its"
                    f" maxOccurs allows ([min = {low}, max={high}]).",
                    key,
                )

    def _category_rank(self, category: str | None) -> int:
        """The category's place among the namespaces; unknown and none rank after them all."""
        after_all = len(self.namespace_ids)
        return after_all if category is None else self.namespace_ranks.get(category, after_all)

    def _checked(self, profile_field: ProfileField, key: str, value: str) -> str:
        """The value to store (the default for an empty optional one), or `InvalidInput`."""
        if not value:
            if profile_field.mandatory or profile_field.vocabulary is not None:
                raise _invalid(
                    f"Mandatory field with name '{key}' doesn't have a value but it is"
                    " mandatory or has a controlled vocabulary!",
                    key,
                )
            return profile_field.default_value or value
        left = max(self.match_deadline - time.monotonic(), 0.0)
        fault = _type_fault(profile_field, key, value, min(self.match_timeout, left))
        if fault is not None:
            raise _invalid(fault, key)
        return value

    def _derive(self, profile_field: ProfileField, value: str) -> None:
        grouping = profile_field.grouping
        if grouping is not None:
            for title in group_titles_for(profile_field, value):
                name = group_name_from_title(title)
                known = self.groups.get(name)
                create = grouping.create or (known is not None and known.create)
                up = grouping.propagate_up or (known is not None and known.propagate_up)
                self.groups[name] = GroupToAdd(name, known.title if known else title, create, up)
        tag = tag_for(profile_field, value)
        if tag is not None:
            self.tags.append(tag)


def _type_fault(profile_field: ProfileField, key: str, value: str, timeout: float) -> str | None:
    """What is wrong with a non-empty value for the field's data type, or None."""
    data_type = profile_field.data_type
    if data_type in (DataType.STRING, DataType.TEXT):
        return _text_fault(profile_field, key, value, timeout)
    valid, wording = {
        DataType.TIME: (is_time, "doesn't seem a valid time!"),
        DataType.TIME_INTERVAL: (is_time_interval, "doesn't seem a valid time interval!"),
        DataType.TIMES_LIST_OF: (is_times_list, "doesn't seem a valid list of times!"),
        DataType.BOOLEAN: (is_boolean, "doesn't seem a valid boolean value!"),
    }.get(data_type, (None, ""))
    if valid is not None:
        return None if valid(value) else f"Field with key '{key}' {wording}"
    if data_type is DataType.NUMBER and not is_number(value):
        return f"Field's value with key '{key}' is not a valid number!"
    if data_type is DataType.GEOJSON and not is_geojson(value):
        return f"GeoJSON field with key '{key}' seems not valid!"
    return None


def _text_fault(profile_field: ProfileField, key: str, value: str, timeout: float) -> str | None:
    """Patterns and vocabularies are checked only for String and Text, as in gCat."""
    pattern = profile_field.pattern
    if pattern is not None:
        try:
            if timeout <= 0:
                raise PatternTimeout(pattern.source)
            matches = pattern.matches(value, timeout=timeout)
        except PatternTimeout:
            return (
                f"Field with key '{key}' could not be checked: matching its regular expression"
                f" ({pattern.source}) took too long!"
            )
        if not matches:
            return (
                f"Field with key '{key}' doesn't match the provided regular expression"
                f" ({pattern.source})!"
            )
    vocabulary = profile_field.vocabulary
    if vocabulary and value not in vocabulary:
        return (
            f"Field with key '{key}' has a value '{value}' but it doesn't match any of the"
            f" vocabulary's values ([{', '.join(vocabulary)}])!"
        )
    return None


def _mandatory_upper_bound(profile_field: ProfileField) -> int:
    vocabulary = profile_field.vocabulary
    if vocabulary is not None and profile_field.multi_selection:
        return len(vocabulary)
    return 1


def _max_occurs_bound(profile_field: ProfileField) -> int | None:
    """The most values `maxOccurs` allows (None: any), with reference §10.1's defaults."""
    if profile_field.max_occurs == UNBOUNDED:
        return None
    if isinstance(profile_field.max_occurs, int):
        return profile_field.max_occurs
    return _mandatory_upper_bound(profile_field)


def _profile_type(extras: Sequence[Extra]) -> str:
    if not extras:
        raise _invalid(
            "'extras' field is missing in context where metadata profile(s) are defined!",
            "extras",
        )
    types = [value for key, value in extras if key == SYSTEM_TYPE]
    if not types:
        raise _invalid(
            f"'{SYSTEM_TYPE}' extra field is missing in context where metadata profile(s)"
            " are defined!",
            SYSTEM_TYPE,
        )
    return types[-1]


def _unknown_profile(profile_type: str) -> InvalidInput:
    return _invalid(
        f"'{SYSTEM_TYPE}' extra field's value ('{profile_type}') specified as custom field"
        " doesn't match any of the profiles defined in this context!",
        SYSTEM_TYPE,
    )


def _invalid(message: str, location: str) -> InvalidInput:
    return InvalidInput(message, problems=[Problem(message, location)])
