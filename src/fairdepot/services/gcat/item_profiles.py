"""An item checked against its organization's profiles, as gCat does on create and update
(reference §3.1 step 8, §8): the one hook the item pipeline calls.

With no profile in the organization nothing is checked. Otherwise `system:type` selects the
profile, `core.profiles.validate_item` checks the extras (in the order of the stored
namespaces) and says what to store, and here that becomes the package: extras in gCat's order
(`system:type` last), the derived tags appended to the item's own, the derived groups
appended once each, and those a profile flags `create="true"` created first if missing.

Decisions:
- A derived group is created by the system (no policy check: the profile's Admin allowed it
  when uploading), in the item's organization, named `group_name_from_title` of its title,
  titled as gCat titles it (the value or field name). A name that no group may have (under
  two characters, say) is not created; it is still appended, as gCat appends it, and the
  item pipeline refuses the unknown group. A deleted group of that name is not recreated.
- `propagateUp` adds nothing: fairdepot's groups have no parents.
- gCat also makes the caller a member of a created group; fairdepot's groups have no members.
- `maxOccurs` is enforced only when asked (`Settings.gcat_enforce_max_occurs`, default off:
  gCat 1.3.0's behaviour, reference §10.1).
"""

from __future__ import annotations

from typing import Any

from fairdepot.core.errors import InvalidInput
from fairdepot.core.organizations import Collection, check_organization_name
from fairdepot.core.policy import Actor
from fairdepot.core.profiles import GroupToAdd, select_profile, validate_item
from fairdepot.services.gcat.profiles import parsed
from fairdepot.services.uow import UnitOfWork


def apply_item_profile(
    work: UnitOfWork,
    actor: Actor,
    organization: str,
    package: dict[str, Any],
    *,
    enforce_max_occurs: bool = False,
) -> dict[str, Any]:
    """The package as gCat stores it after profile validation: unchanged when the
    organization has no profile; else extras rewritten, tags and groups appended, groups
    flagged create="true" created (InvalidInput with gCat's message on a violation)."""
    stored = work.profiles.all(organization)
    if not stored:
        return package
    extras = [(str(e.get("key", "")), str(e.get("value", ""))) for e in package.get("extras") or []]
    profile = select_profile([parsed(s) for s in stored], extras)
    own_tags = list(package.get("tags") or [])
    validated = validate_item(
        profile,
        [namespace.id for namespace in work.namespaces.all()],
        extras,
        [str(tag.get("name", "")) for tag in own_tags],
        enforce_max_occurs=enforce_max_occurs,
    )
    groups = list(package.get("groups") or [])
    present = {group.get("name") for group in groups}
    for group in validated.groups:
        if group.create:
            _create_if_missing(work, organization, group)
        if group.name not in present:
            groups.append({"name": group.name})
            present.add(group.name)
    return {
        **package,
        "extras": [{"key": key, "value": value} for key, value in validated.extras],
        "tags": own_tags + [{"name": tag} for tag in validated.tags],
        "groups": groups,
    }


def _create_if_missing(work: UnitOfWork, organization: str, group: GroupToAdd) -> None:
    if work.collections.get(group.name) is not None:
        return
    try:
        check_organization_name(group.name)
    except InvalidInput:
        return  # gCat ignores a failed creation; the item then names an unknown group
    work.collections.add(Collection(group.name, title=group.title, organization=organization))
