"""Client file names are reduced to a safe base name before they are stored or sent back."""

from __future__ import annotations

import pytest

from fairdepot.core.filenames import MAX_NAME_BYTES, safe_basename


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../../../tmp/x.zip", "x.zip"),
        ("C:\\Users\\eve\\crate.zip", "crate.zip"),
        ("/etc/passwd", "passwd"),
        ("a\x00b\r\n.zip", "ab.zip"),
        ("..", "fallback"),
        ("...hidden", "hidden"),
        ("   ", "fallback"),
        (None, "fallback"),
        ("données.zip", "données.zip"),
    ],
)
def test_only_a_clean_base_name_is_kept(given: str | None, kept: str) -> None:
    assert safe_basename(given, "fallback") == kept


def test_a_long_name_is_cut_to_a_file_system_component_keeping_its_extension() -> None:
    kept = safe_basename("é" * 400 + ".zip", "x")
    assert len(kept.encode()) <= MAX_NAME_BYTES
    assert kept.endswith(".zip")
    assert kept.startswith("é")
