"""The suite's xdist groups take effect (tests/conftest.py, docs/testing.md).

pytest-xdist's `--dist loadgroup` appends `@<group>` to each marked test's node id on the
worker and schedules by it. pytest 9.2 stopped reading the attribute xdist 3.8 writes the id
into, so every group was silently ignored: the session's deployment and the SciCat facility's
were each started on both workers, and a module's own deployment once per worker it was spread
over (the scale-out pass went from 11 to 20 minutes). This test fails when that happens again.
"""

from __future__ import annotations

import os

import pytest

from tests.support.deployments import Deployment


def test_a_test_on_the_session_deployment_is_scheduled_in_its_group(
    request: pytest.FixtureRequest, server: Deployment
) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER") or not request.config.getvalue("loadgroup"):
        pytest.skip("only under pytest-xdist --dist loadgroup (scripts/test)")
    assert request.node.nodeid.endswith("@deployment"), request.node.nodeid
