"""Content negotiation on Accept (RFC 9110 §12.5.1): q-values, wildcards, junk, 406."""

import pytest

from fairdepot.core.negotiation import MediaRange, choose, parse_accept

RDF_OFFERS = ["application/ld+json", "text/turtle", "application/rdf+xml", "application/n-triples"]


def test_parse_accept_reads_types_q_values_and_parameters_in_order() -> None:
    assert parse_accept('text/turtle;q=0.9, Application/LD+JSON; Profile="a, b" ;q=0.5') == [
        MediaRange("text", "turtle", 0.9, {}),
        MediaRange("application", "ld+json", 0.5, {"profile": "a, b"}),
    ]


@pytest.mark.parametrize("header", [None, "", "   "])
def test_missing_or_empty_header_means_anything(header: str | None) -> None:
    assert parse_accept(header) == [MediaRange("*", "*", 1.0, {})]
    assert choose(header, RDF_OFFERS) == "application/ld+json"


@pytest.mark.parametrize(
    "junk",
    [
        "text",
        "text/",
        "/turtle",
        "*/turtle",
        "text/turtle;q=2",
        "text/turtle;q=abc",
        "text/turtle;q=-0",
        "text/turtle;q",
        "text/tur tle",
        'text/turtle;p="unterminated',
    ],
)
def test_malformed_ranges_are_skipped(junk: str) -> None:
    assert parse_accept(f"application/rdf+xml;q=0.5, {junk}") == [
        MediaRange("application", "rdf+xml", 0.5, {})
    ]


@pytest.mark.parametrize("header", ["garbage", "?? !!", ",,,", "\x00\xff", "text/html;;=;"])
def test_a_header_with_nothing_parseable_is_disregarded(header: str) -> None:
    assert choose(header, RDF_OFFERS) == "application/ld+json"


def test_higher_q_wins_over_server_order() -> None:
    assert choose("text/turtle;q=0.9, application/rdf+xml", RDF_OFFERS) == "application/rdf+xml"


def test_equal_q_goes_to_the_server_preferred_offer() -> None:
    assert choose("application/rdf+xml, text/turtle", RDF_OFFERS) == "text/turtle"


def test_star_star_accepts_the_first_offer() -> None:
    assert choose("*/*", RDF_OFFERS) == "application/ld+json"


def test_type_wildcard_matches_only_that_type() -> None:
    assert choose("text/*", RDF_OFFERS) == "text/turtle"
    assert choose("image/*", RDF_OFFERS) is None


def test_q_zero_excludes_an_offer_even_under_a_wildcard() -> None:
    assert choose("application/ld+json;q=0, */*", RDF_OFFERS) == "text/turtle"
    assert choose("*/*;q=0", RDF_OFFERS) is None


def test_more_specific_range_overrides_a_wildcard_for_its_type() -> None:
    header = "text/*;q=0.1, text/turtle;q=0.8, */*;q=0.5"
    assert choose(header, ["text/turtle", "text/html"]) == "text/turtle"
    assert choose(header, ["text/html", "application/json"]) == "application/json"


def test_equal_q_prefers_the_more_specific_match() -> None:
    assert choose("*/*, text/turtle", RDF_OFFERS) == "text/turtle"
    assert choose("*/*, text/*", ["application/ld+json", "text/turtle"]) == "text/turtle"


def test_json_ld_with_a_profile_parameter_still_gets_json_ld() -> None:
    header = 'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"'
    assert choose(header, ["text/turtle", "application/ld+json"]) == "application/ld+json"


def test_profile_parameters_select_among_offers_that_carry_them() -> None:
    offers = [
        'application/ld+json;profile="https://w3id.org/ro/crate"',
        'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"',
    ]
    header = 'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"'
    assert choose(header, offers) == offers[1]


def test_a_bare_range_outranks_one_whose_parameters_the_offer_lacks() -> None:
    header = "text/plain;format=flowed, text/plain;q=0"
    assert choose(header, ["text/plain"]) is None


def test_matching_is_case_insensitive_and_returns_the_offer_verbatim() -> None:
    assert choose("TEXT/TURTLE", ["application/ld+json", "Text/Turtle"]) == "Text/Turtle"


def test_browser_accept_gets_the_first_offer() -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert choose(browser, RDF_OFFERS) == "application/ld+json"


def test_html_offer_wins_for_a_browser() -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert choose(browser, [*RDF_OFFERS, "text/html"]) == "text/html"


def test_nothing_acceptable_returns_none() -> None:
    assert choose("image/png, text/html", RDF_OFFERS) is None
    assert choose("text/turtle", []) is None


def test_offers_must_be_concrete_media_types() -> None:
    with pytest.raises(ValueError, match="concrete"):
        choose("*/*", ["text/*"])


def test_media_range_is_hashable_despite_its_params() -> None:
    assert len({MediaRange("text", "turtle", 1.0, {"a": "b"})}) == 1
