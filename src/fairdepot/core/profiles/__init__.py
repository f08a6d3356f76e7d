"""gCat item profiles: parsing untrusted profile XML, its JSON view, and item validation.

Faces call `parse_profile` (upload), `profile_json` (`Accept: application/json`),
`select_profile` and `validate_item` (item create and update), `group_name_from_title`.
"""

from fairdepot.core.profiles.json_view import profile_json
from fairdepot.core.profiles.model import (
    DataType,
    DerivationRule,
    Grouping,
    Profile,
    ProfileField,
    Tagging,
)
from fairdepot.core.profiles.parsing import parse_profile, parse_profile_text
from fairdepot.core.profiles.tagging import group_name_from_title
from fairdepot.core.profiles.validation import (
    ITEM_URL,
    SYSTEM_TYPE,
    GroupToAdd,
    ValidatedItem,
    select_profile,
    validate_item,
)
from fairdepot.core.profiles.xml_input import MAX_PROFILE_BYTES

__all__ = [
    "ITEM_URL",
    "MAX_PROFILE_BYTES",
    "SYSTEM_TYPE",
    "DataType",
    "DerivationRule",
    "GroupToAdd",
    "Grouping",
    "Profile",
    "ProfileField",
    "Tagging",
    "ValidatedItem",
    "group_name_from_title",
    "parse_profile",
    "parse_profile_text",
    "profile_json",
    "select_profile",
    "validate_item",
]
