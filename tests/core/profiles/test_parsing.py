"""parse_profile: the three example profiles, the schema's refusals, malformed patterns."""

from __future__ import annotations

import pytest

from fairdepot.core.errors import InvalidInput
from fairdepot.core.profiles import (
    DataType,
    DerivationRule,
    Grouping,
    Profile,
    Tagging,
    parse_profile,
)
from tests.core.profiles.conftest import example_bytes

FIELD = "<fieldName>f</fieldName><dataType>String</dataType>"


def profile_xml(fields: str, root_attributes: str = 'type="T"') -> bytes:
    return f"<metadataformat {root_attributes}>{fields}</metadataformat>".encode()


def test_example_dataset_is_modelled_field_by_field(example_dataset: Profile) -> None:
    country, doi, sample, open_access, temporal, spatial = example_dataset.fields
    assert example_dataset.type == "ExampleDataset"
    assert (country.name, country.category, country.qualified_name) == (
        "Country",
        "coverage",
        "coverage:Country",
    )
    assert country.mandatory
    assert country.max_occurs == "*"
    assert country.multi_selection
    assert country.vocabulary == ("Italy", "France", "Greece")
    assert country.tagging == Tagging(DerivationRule.ON_FIELD_NAME_ON_VALUE, True, "-")
    assert country.grouping == Grouping(DerivationRule.ON_VALUE, True, False)
    assert country.note == "Countries covered by the dataset"
    assert doi.qualified_name == "DOI"
    assert doi.max_occurs == 1
    assert not doi.mandatory
    assert doi.pattern is not None
    assert doi.pattern.source == r"^10\.[0-9]{4,9}/\S+$"
    assert sample.data_type is DataType.NUMBER
    assert sample.max_occurs is None
    assert sample.vocabulary is None
    assert sample.tagging is None
    assert sample.grouping is None
    assert open_access.default_value == "true"
    assert open_access.data_type is DataType.BOOLEAN
    assert temporal.data_type is DataType.TIME_INTERVAL
    assert spatial.data_type is DataType.GEOJSON


def test_test_profile_keeps_an_empty_default_and_a_space_separator(test_profile: Profile) -> None:
    plain, population = test_profile.fields
    assert plain.category is None
    assert plain.qualified_name == "test"
    assert population.qualified_name == "FSKX_model_scope:Population"
    assert population.default_value == ""
    assert population.tagging == Tagging(DerivationRule.ON_VALUE, True, " ")
    assert population.grouping == Grouping(DerivationRule.ON_FIELD_NAME_ON_VALUE, True, False)


def test_empty_profile_has_its_one_field(empty_profile: Profile) -> None:
    (field,) = empty_profile.fields
    assert empty_profile.type == "EmptyProfile"
    assert (field.name, field.max_occurs, field.note) == ("test", 1, "Test Field")


def test_the_xml_is_kept_as_uploaded() -> None:
    body = example_bytes("TestProfile.xml")
    assert parse_profile(body).xml == body.decode()


def test_defaults_of_an_element_left_out_are_gcats() -> None:
    profile = parse_profile(
        profile_xml(
            "<metadatafield><fieldName>f</fieldName><dataType>Text</dataType>"
            "<vocabulary><vocabularyField>a</vocabularyField></vocabulary>"
            "<tagging>onValue</tagging><grouping>onFieldName</grouping></metadatafield>"
        )
    )
    (field,) = profile.fields
    assert not field.mandatory
    assert not field.multi_selection
    assert field.tagging == Tagging(DerivationRule.ON_VALUE, create=False, separator="-")
    assert field.grouping == Grouping(DerivationRule.ON_FIELD_NAME, False, False)


def test_a_declared_encoding_is_honoured() -> None:
    body = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        '<metadataformat type="Caf\xe9"><metadatafield>'
        f"{FIELD}</metadatafield></metadataformat>"
    ).encode("latin-1")
    profile = parse_profile(body)
    assert profile.type == "Café"
    assert profile.xml.startswith('<?xml version="1.0" encoding="ISO-8859-1"?>')


@pytest.mark.parametrize(
    ("body", "location", "words"),
    [
        pytest.param(
            profile_xml(
                "<metadatafield><fieldName>f</fieldName><dataType>Date</dataType></metadatafield>"
            ),
            "/metadataformat/metadatafield/dataType",
            "must be one of",
            id="bad-dataType",
        ),
        pytest.param(
            profile_xml(f"<metadatafield>{FIELD}</metadatafield>", 'metadatatype="T"'),
            "/metadataformat",
            "type",
            id="missing-type",
        ),
        pytest.param(profile_xml(""), "/metadataformat", "metadatafield", id="zero-fields"),
        pytest.param(
            profile_xml(f"<metadatafield>{FIELD}<tagging>onName</tagging></metadatafield>"),
            "/metadataformat/metadatafield/tagging",
            "must be one of",
            id="bad-tagging-value",
        ),
        pytest.param(
            profile_xml(
                f"<metadatafield>{FIELD}</metadatafield><metadatafield><fieldName>g</fieldName>"
                "<dataType>String</dataType><mandatory>true</mandatory></metadatafield>"
            ),
            "/metadataformat/metadatafield[2]",
            "mandatory",
            id="wrong-order",
        ),
        pytest.param(
            profile_xml(f"<metadatafield>{FIELD}<maxOccurs>0</maxOccurs></metadatafield>"),
            "/metadataformat/metadatafield/maxOccurs",
            "pattern",
            id="maxOccurs-zero",
        ),
        pytest.param(
            profile_xml(f"<metadatafield>{FIELD}<validator/></metadatafield>"),
            "/metadataformat/metadatafield/validator",
            "regularExpression",
            id="empty-validator",
        ),
    ],
)
def test_the_schema_refuses_with_the_element_path(body: bytes, location: str, words: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_profile(body)
    problem = refused.value.problems[0]
    assert problem.location == location
    assert words in problem.message
    assert "Item Profile Definition v3" in refused.value.message


def test_the_original_xsd_root_attribute_is_refused_but_type_accepted() -> None:
    accepted = parse_profile(profile_xml(f"<metadatafield>{FIELD}</metadatafield>"))
    assert accepted.type == "T"
    with pytest.raises(InvalidInput):
        parse_profile(profile_xml(f"<metadatafield>{FIELD}</metadatafield>", 'metadatatype="T"'))


def test_a_malformed_pattern_is_refused_naming_its_field() -> None:
    body = profile_xml(
        f"<metadatafield>{FIELD}</metadatafield><metadatafield><fieldName>Code</fieldName>"
        "<dataType>String</dataType><validator><regularExpression>^([a-z]+$"
        "</regularExpression></validator></metadatafield>"
    )
    with pytest.raises(InvalidInput) as refused:
        parse_profile(body)
    assert "'Code'" in refused.value.message
    location = "/metadataformat/metadatafield[2]/validator/regularExpression"
    assert refused.value.problems[0].location == location


def test_a_java_only_class_is_refused_rather_than_misread() -> None:
    body = profile_xml(
        "<metadatafield><fieldName>f</fieldName><dataType>String</dataType><validator>"
        r"<regularExpression>\p{javaLowerCase}+</regularExpression></validator></metadatafield>"
    )
    with pytest.raises(InvalidInput) as refused:
        parse_profile(body)
    assert "'f'" in refused.value.message


def test_text_that_is_not_xml_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_profile(b"<metadataformat type='T'><metadatafield>")
    assert "not well-formed" in refused.value.message
