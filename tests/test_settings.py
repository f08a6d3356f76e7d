"""Settings an upgraded deployment already has keep their meaning."""

from __future__ import annotations

import pytest

from fairdepot.config import Settings


def test_the_former_single_admin_group_is_still_an_admin_group(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """FAIRDEPOT_ADMIN_GROUP predates ADMIN_GROUPS; dropping it would demote every admin."""
    monkeypatch.setenv("FAIRDEPOT_ADMIN_GROUP", "facility-admins")
    monkeypatch.setenv("FAIRDEPOT_ADMIN_GROUPS", "admin,ingestor")
    settings = Settings(data_dir=tmp_path)
    assert settings.facility_groups.admin == {"admin", "ingestor", "facility-admins"}


def test_admin_groups_are_comma_separated(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("FAIRDEPOT_ADMIN_GROUP", raising=False)
    monkeypatch.setenv("FAIRDEPOT_ADMIN_GROUPS", " a , b,, ")
    assert Settings(data_dir=tmp_path).facility_groups.admin == {"a", "b"}
