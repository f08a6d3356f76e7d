"""The example profiles of the gCat reference, copied into data/ (never read from elsewhere)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairdepot.core.profiles import Profile, parse_profile

DATA = Path(__file__).parent / "data"


def example_bytes(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture(scope="session")
def example_dataset() -> Profile:
    return parse_profile(example_bytes("ExampleDataset.xml"))


@pytest.fixture(scope="session")
def empty_profile() -> Profile:
    return parse_profile(example_bytes("EmptyProfileExample.xml"))


@pytest.fixture(scope="session")
def test_profile() -> Profile:
    return parse_profile(example_bytes("TestProfile.xml"))
