"""ARK syntax, normalisation and NOID check characters, tested against the published vectors."""

import pytest

from fairdepot.core import ark


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("13030/xf93gt2", "q"), ("13030/tf5p30086", "k"), ("99999/fk44479c3", "d")],
)
def test_check_character_matches_published_ncda_vectors(zone: str, expected: str) -> None:
    assert ark.check_character(zone) == expected


def test_check_character_detects_single_substitution_and_transposition() -> None:
    base = "99999/fd1k3m9x7q2v"
    good = ark.check_character(base)
    assert ark.check_character("99999/fd1k3m9x7q2b") != good
    assert ark.check_character("99999/fd1k3m9x7qv2") != good


def test_minted_ark_has_new_form_shoulder_and_valid_check_character() -> None:
    minted = ark.mint("99999", "fd1")
    text = str(minted)
    assert text.startswith("ark:99999/fd1")
    assert len(minted.name) == len("fd1") + 10 + 1
    assert set(minted.name) <= set(ark.BETANUMERIC)
    assert ark.has_valid_check_character(text)


def test_mint_gives_distinct_arks() -> None:
    assert len({str(ark.mint("99999", "fd1")) for _ in range(500)}) == 500


@pytest.mark.parametrize(
    "variant",
    [
        "ark:/12345/x6np1wh8k",
        "ARK:12345/x6np1wh8k",
        "https://n2t.net/ark:12345/x6np1wh8k",
        "ark:12345/x6-np1-wh8k",
        "ark:12345/x6np1wh8k?info",
        "  ark:12345/x6np1\nwh8k ",
        "ark:12345/x6np1wh8k/",
    ],
)
def test_equivalent_forms_normalise_to_the_same_key(variant: str) -> None:
    assert ark.normalise(variant) == "ark:12345/x6np1wh8k"


def test_normalisation_keeps_case_of_the_name() -> None:
    assert ark.normalise("ark:12345/AbC") != ark.normalise("ark:12345/abc")


def test_normalisation_uppercases_percent_escapes_and_lowercases_naan() -> None:
    assert ark.normalise("ark:B2345/a%2fb") == "ark:b2345/a%2Fb"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "doi:10.1/x",
        "ark:",
        "ark:12345",
        "ark:12345/",
        "ark:12a45/x",
        "ark:12345/a b<c>",
        "ark:1/---",
    ],
)
def test_malformed_arks_are_rejected_with_a_reason(bad: str) -> None:
    with pytest.raises(ark.InvalidArk):
        ark.parse(bad)


def test_display_form_keeps_hyphens_and_uses_new_label() -> None:
    assert str(ark.parse("ark:/59852/rocrate-Example-1")) == "ark:59852/rocrate-Example-1"


def test_shoulder_must_be_primordinal() -> None:
    with pytest.raises(ark.InvalidArk):
        ark.mint("99999", "fda")


@pytest.mark.parametrize(
    ("submitted", "kept"),
    [
        ("ark:59852/dataset-x", "ark:59852/dataset-x"),  # fairscape-cli's own ARK
        ("ark:/59852/dataset-x", "ark:59852/dataset-x"),  # legacy label: display form
        ("https://n2t.net/ARK:59852/x", "ark:59852/x"),  # resolver-prefixed
    ],
)
def test_a_submitted_ark_is_kept_in_display_form(submitted: str, kept: str) -> None:
    assert ark.submitted_ark(submitted) == kept


@pytest.mark.parametrize(
    "submitted", ["./", "#jane", "data/x.csv", "https://orcid.org/0000-0002", "ark:bogus", None, 7]
)
def test_anything_but_a_valid_ark_gets_a_minted_one(submitted: object) -> None:
    assert ark.submitted_ark(submitted) is None


def test_a_malformed_ark_can_be_refused_with_its_reason() -> None:
    assert ark.submitted_ark("#local", refuse_malformed=True) is None
    with pytest.raises(ark.InvalidArk, match="NAAN"):
        ark.submitted_ark("ark:ab!/x", refuse_malformed=True)


def test_identifier_keys_compare_arks_normalised_and_the_rest_as_given() -> None:
    assert ark.identifier_key("ARK:/59852/a-b") == ark.identifier_key("ark:59852/ab")
    assert ark.identifier_key("ark:59852/ab") == "ark:59852/ab"
    assert ark.identifier_key("https://Example.org/a-b") == "https://Example.org/a-b"
    assert ark.identifier_key("ark:nonsense") == "ark:nonsense"
