"""What a dataset's `include=` embeds (v4 `include=origdatablocks`, v3 `{"relation": ...}`).

A minimal version: every relation a client may name is answered, empty, so that clients which
always ask for them (scitacean asks for nothing; the frontend for `origdatablocks`) get the
shape they expect. The SciCat files work replaces it with the real embedding, filtered by each
embedded object's own access.
"""

from __future__ import annotations

from typing import Any

from fairdepot.core.policy import Actor
from fairdepot.services.runtime import Runtime

RELATIONS = ("origdatablocks", "datablocks", "attachments", "instruments", "proposals", "samples")
"""What `include=all` stands for."""


def included(
    runtime: Runtime, actor: Actor, dataset: dict[str, Any], names: tuple[str, ...]
) -> dict[str, Any]:
    """The fields `names` add to `dataset` (already checked against filters.INCLUDES)."""
    wanted = RELATIONS if "all" in names else names
    return {name: [] for name in wanted}
