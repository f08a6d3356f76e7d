"""gCat 2.x moderation of an item (reference §5): `POST /items/{ITEM}` with
`{"cm_item_status": "approved"|"rejected", "message": ...}` (a Moderator's decision, on the
core's `catalogue.moderate`) or `{"message": ...}` alone (a word from the author or a
Moderator, kept as the record's moderation message; the state does not change).

An item outside a moderated organization cannot be moderated (400, as the reference
recommends); any other `cm_item_status` is a 400; who may decide is the policy's
(`Action.MODERATE`: the Moderators of the item's organization).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fairdepot.core.errors import InvalidInput, PermissionDenied, Problem
from fairdepot.core.policy import Action, Actor, allows
from fairdepot.core.record_changes import RecordChanges
from fairdepot.core.records import ModerationState
from fairdepot.services import catalogue
from fairdepot.services.gcat.item_documents import find_item_row, item_package
from fairdepot.services.runtime import Runtime
from fairdepot.services.uow import read_only, unit_of_work

STATUS = "cm_item_status"
MESSAGE = "message"
DECISIONS = {"approved": ModerationState.APPROVED, "rejected": ModerationState.REJECTED}


def _invalid(message: str, location: str) -> InvalidInput:
    return InvalidInput(message, problems=[Problem(message, location)])


def moderate(
    runtime: Runtime, actor: Actor, name: str, body: dict[str, Any]
) -> dict[str, Any] | None:
    """The item after a decision, or None for a message alone (gCat's 204)."""
    status, message = body.get(STATUS), body.get(MESSAGE)
    if message is not None and not isinstance(message, str):
        raise _invalid("'message' must be a string", MESSAGE)
    if status is None and message is None:
        raise _invalid(f"send '{STATUS}' (approved or rejected) and/or a 'message'", "body")
    if status is not None and (not isinstance(status, str) or status not in DECISIONS):
        raise _invalid(f"'{STATUS}' must be approved or rejected, not {str(status)[:40]!r}", STATUS)
    with read_only(runtime) as work:
        row = find_item_row(work, actor, name, Action.READ_METADATA)
        access = work.records.access_of(row)
    if access.moderation.state is ModerationState.NONE:
        raise _invalid(f"Item '{name}' is not moderated: its catalogue is not moderated", "body")
    if status is None:
        _add_message(runtime, actor, name, str(message))
        return None
    catalogue.moderate(runtime, actor, row.ark, DECISIONS[str(status)], message)
    with read_only(runtime) as work:
        return item_package(work, find_item_row(work, actor, name, Action.READ_METADATA))


def _add_message(runtime: Runtime, actor: Actor, name: str, message: str) -> None:
    """The author or a Moderator leaves a message; the decision (state, who, when) stays."""
    with unit_of_work(runtime) as work:
        row = find_item_row(work, actor, name, Action.READ_METADATA)
        access = work.records.access_of(row)
        is_author = actor.user_id is not None and actor.user_id == access.owner_id
        if not (is_author or allows(actor, Action.MODERATE, access)):
            raise PermissionDenied(
                f"only the author of '{name}' and the Moderators of its organization send "
                "messages about it"
            )
        changes = RecordChanges(moderation=replace(access.moderation, message=message))
        work.records.update(row, changes, actor_id=actor.user_id)
