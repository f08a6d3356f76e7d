"""The one place that decides who may do what, for every face.

The same rules answer two questions so that they can never disagree: `allows()` decides for one
target, and `read_scope()` describes the set of readable records as data that the storage layer
turns into a WHERE clause (a search over a million records never checks rows one by one).
"""

from fairdepot.core.policy.actions import READ_ACTIONS, RECORD_ACTIONS, Action
from fairdepot.core.policy.roles import (
    ANONYMOUS,
    Actor,
    FacilityGroups,
    Membership,
    Role,
    at_least,
)
from fairdepot.core.policy.rules import (
    AccountTarget,
    CreateRequest,
    OrganizationTarget,
    Target,
    allows,
)
from fairdepot.core.policy.scope import Mine, ReadScope, read_scope

__all__ = [
    "ANONYMOUS",
    "READ_ACTIONS",
    "RECORD_ACTIONS",
    "AccountTarget",
    "Action",
    "Actor",
    "CreateRequest",
    "FacilityGroups",
    "Membership",
    "Mine",
    "OrganizationTarget",
    "ReadScope",
    "Role",
    "Target",
    "allows",
    "at_least",
    "read_scope",
]
