"""profile_json: the org.json rendering gCat serves for Accept: application/json."""

from __future__ import annotations

from fairdepot.core.profiles import Profile, parse_profile, profile_json

DOCUMENTED_EMPTY_PROFILE = (
    '<metadataformat type="EmptyProfile"><metadatafield><fieldName>test</fieldName>'
    "<mandatory>false</mandatory><dataType>String</dataType><note>Test field</note>"
    "</metadatafield></metadataformat>"
)


def test_the_documented_empty_profile_renders_exactly() -> None:
    rendered = profile_json(parse_profile(DOCUMENTED_EMPTY_PROFILE.encode()))
    assert rendered == {
        "metadataformat": {
            "metadatafield": {
                "note": "Test field",
                "fieldName": "test",
                "dataType": "String",
                "mandatory": False,
            },
            "type": "EmptyProfile",
        }
    }


def test_test_profile_renders_tagging_and_max_occurs_as_gcat_does(test_profile: Profile) -> None:
    fields = profile_json(test_profile)["metadataformat"]["metadatafield"]
    assert isinstance(fields, list)
    assert len(fields) == 2
    assert fields[0]["maxOccurs"] == 1
    assert fields[1]["maxOccurs"] == "*"
    assert fields[1]["tagging"] == {"create": True, "separator": " ", "content": "onValue"}
    assert fields[1]["grouping"] == {"create": True, "content": "onFieldName_onValue"}
    assert fields[1]["defaultValue"] == ""
    assert fields[1]["categoryref"] == "FSKX_model_scope"


def test_repeated_children_are_an_array_and_attributes_typed(example_dataset: Profile) -> None:
    country = profile_json(example_dataset)["metadataformat"]["metadatafield"][0]
    assert country["vocabulary"] == {
        "isMultiSelection": True,
        "vocabularyField": ["Italy", "France", "Greece"],
    }
    doi = profile_json(example_dataset)["metadataformat"]["metadatafield"][1]
    assert doi["validator"] == {"regularExpression": r"^10\.[0-9]{4,9}/\S+$"}


def test_text_is_typed_like_org_json() -> None:
    def default_of(text: str) -> object:
        body = (
            '<metadataformat type="T"><metadatafield><fieldName>f</fieldName>'
            f"<dataType>String</dataType><defaultValue>{text}</defaultValue>"
            "</metadatafield></metadataformat>"
        )
        return profile_json(parse_profile(body.encode()))["metadataformat"]["metadatafield"][
            "defaultValue"
        ]

    assert default_of("TRUE") is True
    assert default_of("null") is None
    assert default_of("42") == 42
    assert default_of("-7") == -7
    assert default_of("1.5") == 1.5
    assert default_of("007") == "007"
    assert default_of("1.50") == "1.50"
    assert default_of("99999999999999999999") == "99999999999999999999"
    assert default_of("  padded  ") == "padded"
    assert default_of("0x1F") == "0x1F"
