"""Nothing that is not strict JSON can be committed: the write fails and rolls back instead."""

from __future__ import annotations

import pytest

from fairdepot.storage.db.engine import session_factories
from fairdepot.storage.db.migrate import upgrade
from fairdepot.storage.db.models import JobRow


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_number_in_a_json_column_is_never_committed(empty_engine, value) -> None:
    upgrade(empty_engine)
    _reads, writes = session_factories(empty_engine)
    with writes() as session:
        session.add(JobRow(id="j1", kind="crate_ingest", payload={"probe": value}))
        with pytest.raises(Exception, match="JSON compliant"):
            session.commit()
    with writes() as session:
        assert session.query(JobRow).count() == 0
