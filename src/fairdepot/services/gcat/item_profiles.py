"""The item profile check of gCat's create and update pipeline (reference §3.1 step 8).

The profiles engineer fills this in (profile storage, validation against the organization's
profiles, the rewritten extras, tags and groups, groups created where the profile says
`create="true"`); until then, and for an organization without profiles, the package is kept
as it is. The items use cases call it after the package checks and before anything is stored.
"""

from __future__ import annotations

from typing import Any

from fairdepot.core.policy import Actor
from fairdepot.services.uow import UnitOfWork


def apply_item_profile(
    work: UnitOfWork, actor: Actor, organization: str, package: dict[str, Any]
) -> dict[str, Any]:
    """The package as gCat stores it after profile validation: unchanged when the
    organization has no profile; else extras rewritten, tags and groups appended, groups
    flagged create="true" created (InvalidInput with gCat's message on a violation)."""
    return package
