"""The CKAN name rule holds to the last character: `^...$` with `match` let a final "\n" through,
and the 201 that followed put it in a `Location` header (the connection dropped, the
organization, group or user was stored anyway)."""

from __future__ import annotations

import pytest

from fairdepot.core.crosswalks import ckan_entities
from fairdepot.core.errors import InvalidInput
from fairdepot.core.organizations import check_organization_name


@pytest.mark.parametrize("name", ["lab\n", "lab\r\n", "\nlab", "la b"])
def test_a_name_with_a_line_break_or_space_is_refused(name: str) -> None:
    with pytest.raises(InvalidInput):
        check_organization_name(name)
    with pytest.raises(InvalidInput):
        ckan_entities.checked_name({"name": name})
