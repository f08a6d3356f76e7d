"""services/scicat/includes.py: what GET dataset `include=` embeds, each object filtered by its
own access (the anonymous reader of a public dataset sees none of its unpublished files)."""

from __future__ import annotations

import pytest

from fairdepot.core.errors import InvalidInput
from fairdepot.core.policy.roles import Actor
from fairdepot.core.records import IdentifierScheme
from fairdepot.services.records import load
from fairdepot.services.runtime import Runtime
from fairdepot.services.scicat.includes import Embedded, included
from tests.api.scicat.files_seed import seed_dataset
from tests.api.scicat.test_attachments import attachment
from tests.api.scicat.test_datablocks import block
from tests.support.scicat import Scicat

ANONYMOUS = Actor()
OWNER = Actor(user_id="someone", username="user1", groups=frozenset({"group1"}))


def _included(runtime: Runtime, actor: Actor, pid: str, names: list[str]) -> Embedded:
    """What `include=names` embeds in the dataset `pid` for `actor`, in one transaction."""
    with runtime.reading() as store:
        row = store.row_by_identifier(IdentifierScheme.SCICAT_PID.value, pid)
        assert row is not None
        return included(store, actor, row, load(store, row, with_files=False), names)


def test_each_included_object_is_filtered_by_its_own_access(
    scicat: Scicat, runtime: Runtime
) -> None:
    pid = seed_dataset(runtime, isPublished=True)
    for body in (
        block(pid, ("open.h5", 1), isPublished=True),
        block(pid, ("closed.h5", 2), isPublished=False),
    ):
        assert (
            scicat.request("POST", "/api/v4/origdatablocks", "user1", json=body).status_code == 201
        )
    assert (
        scicat.request("POST", "/api/v4/attachments", "user1", json=attachment(pid)).status_code
        == 201
    )
    public = _included(runtime, ANONYMOUS, pid, ["all"])
    assert set(public) == {"origdatablocks", "datablocks", "attachments"}
    assert [b["dataFileList"][0]["path"] for b in public["origdatablocks"]] == ["open.h5"]
    assert public["attachments"] == []
    assert public["datablocks"] == []
    mine = _included(runtime, OWNER, pid, ["origdatablocks", "attachments", "origdatablocks"])
    assert sorted(b["size"] for b in mine["origdatablocks"]) == [1, 2]
    assert [a["caption"] for a in mine["attachments"]] == ["preview"]
    assert _included(runtime, OWNER, pid, []) == {}
    assert _included(runtime, OWNER, pid, ["samples"]) == {}


def test_an_unknown_relation_is_invalid_input(runtime: Runtime) -> None:
    pid = seed_dataset(runtime)
    with pytest.raises(InvalidInput, match="galaxies"):
        _included(runtime, OWNER, pid, ["galaxies"])
