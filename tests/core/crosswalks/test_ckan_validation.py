"""A gCat item body checked as gCat (400, its exact words, first failure) and CKAN (409, every
problem) check it: name, licence, private, organization, tags, version, groups, extras,
resources, and what the server decides itself."""

from __future__ import annotations

import pytest

from fairdepot.core.crosswalks.ckan_resources import MISSING_URL
from fairdepot.core.crosswalks.ckan_rules import CkanValidationError
from fairdepot.core.crosswalks.ckan_validation import (
    BAD_NAME,
    MISSING_LICENSE,
    MISSING_NAME,
    RESERVED_PREFIX_MESSAGE,
    UNKNOWN_LICENSE,
    WRONG_ORGANIZATION,
    patched_package,
    validate_package,
)
from fairdepot.core.errors import InvalidInput

SERVER = {"author": "ada", "author_email": "ada@example.org", "owner_org": "lab"}


def check(body: object, **options: object) -> dict:
    return validate_package(body, **{**SERVER, **options})  # type: ignore[arg-type]


def item(**fields: object) -> dict:
    return {"name": "my-item", "license_id": "CC-BY-4.0", **fields}


def gcat_refusal(body: object, **options: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        check(body, **options)
    assert not isinstance(caught.value, CkanValidationError), "a gCat check answers 400"
    return caught.value


def ckan_refusal(body: object) -> dict[str | None, str]:
    with pytest.raises(CkanValidationError) as caught:
        check(body)
    return {problem.location: problem.message for problem in caught.value.problems}


# -- gCat's own checks: 400, gCat's words, the first failure ---------------------------------


@pytest.mark.parametrize("body", [{"license_id": "MIT"}, item(name=12), item(name=None), [], "x"])
def test_no_usable_name_is_gcats_unable_to_obtain_a_name(body: object) -> None:
    error = gcat_refusal(body)
    assert (
        error.message
        == MISSING_NAME
        == ("Unable to obtain a correct 'name' from the provided content")
    )
    assert error.problems[0].location == "name"


@pytest.mark.parametrize(
    "name", ["My Item", "a", "x" * 101, "café", "UPPER", "dot.name", "my-item\n", "sp ace"]
)
def test_a_name_outside_the_rule_gets_gcats_regex_message(name: str) -> None:
    error = gcat_refusal(item(name=name))
    assert error.message == BAD_NAME
    assert error.message.startswith(
        "The 'name' must be between 2 and 100 characters long and contain only lowercase "
        "alphanumeric characters, '-' and '_'."
    )
    assert error.message.endswith("^[a-z0-9_\\-]{2,100}$")


@pytest.mark.parametrize("name", ["ab", "x" * 100, "my_item-2", "0-9"])
def test_names_within_the_rule_are_taken(name: str) -> None:
    assert check(item(name=name))["name"] == name


def test_names_of_other_faces_records_are_kept_for_them() -> None:
    assert gcat_refusal(item(name="ark-59852-rocrate-x")).message == RESERVED_PREFIX_MESSAGE
    assert check(item(name="arkive"))["name"] == "arkive"


def test_a_put_body_must_name_the_item_of_its_path() -> None:
    error = gcat_refusal(item(name="other"), path_name="my-item")
    assert error.message == (
        "The name (my-item) does not match with the 'name' contained in the provided "
        "content (other)."
    )
    assert check(item(), path_name="my-item")["name"] == "my-item"


@pytest.mark.parametrize("license_id", [None, ""])
def test_a_licence_is_mandatory(license_id: object) -> None:
    body = item(license_id=license_id)
    if license_id is None:
        del body["license_id"]
    error = gcat_refusal(body)
    assert (
        error.message
        == MISSING_LICENSE
        == (
            "You must specify a license identifier for the item. License list can be retrieved "
            "using licence collection"
        )
    )
    assert error.problems[0].location == "license_id"


@pytest.mark.parametrize("license_id", ["nope", "cc-by-4.0", 7])
def test_the_licence_must_be_one_of_the_list(license_id: object) -> None:
    error = gcat_refusal(item(license_id=license_id))
    assert error.message == UNKNOWN_LICENSE
    assert error.message.startswith("You must specify an existing license identifier")


def test_the_name_is_checked_before_the_licence() -> None:
    assert gcat_refusal({"name": "Bad Name"}).message == BAD_NAME


@pytest.mark.parametrize("value", ["true", 1, None, []])
def test_private_must_be_a_boolean(value: object) -> None:
    error = gcat_refusal(item(private=value))
    assert error.problems[0].location == "private"


def test_private_defaults_to_false() -> None:
    assert check(item())["private"] is False
    assert check(item(private=True))["private"] is True


def test_only_the_callers_organization_may_be_named() -> None:
    assert check(item(owner_org="lab"))["owner_org"] == "lab"
    assert check(item(owner_org="org-uuid"), owner_org_id="org-uuid")["owner_org"] == "lab"
    error = gcat_refusal(item(owner_org="elsewhere"))
    assert (
        error.message
        == WRONG_ORGANIZATION
        == ("You can only publish in the Organization associate to the current VRE")
    )


def test_a_resource_without_url_gets_gcats_message_at_its_index() -> None:
    error = gcat_refusal(item(resources=[{"url": "https://x.org/a"}, {"name": "no url"}]))
    assert error.message == MISSING_URL == "The content must contains the url property"
    assert error.problems[0].location == "resources[1].url"


def test_resources_must_be_a_list() -> None:
    assert gcat_refusal(item(resources={"url": "x"})).problems[0].location == "resources"


# -- what the server decides ------------------------------------------------------------------


def test_author_email_and_organization_are_the_servers_and_capacity_is_dropped() -> None:
    package = check(
        item(author="mallory", author_email="m@evil.org", capacity="public", owner_org="lab")
    )
    assert (package["author"], package["author_email"], package["owner_org"]) == (
        "ada",
        "ada@example.org",
        "lab",
    )
    assert "capacity" not in package


def test_server_fields_and_unknown_keys_are_not_kept() -> None:
    package = check(
        item(id="x", metadata_created="2020", state="deleted", num_tags=3, junk={"a": 1})
    )
    assert not {"id", "metadata_created", "state", "num_tags", "junk"} & set(package)


def test_the_title_defaults_to_the_name() -> None:
    assert check(item())["title"] == "my-item"
    assert check(item(title=""))["title"] == "my-item"
    assert check(item(title="Mine"))["title"] == "Mine"


# -- CKAN's validation: 409, every problem at once ------------------------------------------


def test_ckans_reserved_names_are_its_409() -> None:
    assert ckan_refusal(item(name="new")) == {"name": "That name cannot be used"}


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("a", 'Tag "a" length is less than minimum 2'),
        ("x" * 101, f'Tag "{"x" * 101}" length is more than maximum 100'),
        ("Country:Italy", 'Tag "Country:Italy" must be alphanumeric characters or symbols: -_.'),
        ("a/b", 'Tag "a/b" must be alphanumeric characters or symbols: -_.'),
    ],
)
def test_tags_follow_ckans_rule_in_its_words(tag: str, message: str) -> None:
    assert ckan_refusal(item(tags=[{"name": "fine"}, {"name": tag}])) == {"tags[1].name": message}


def test_good_tags_are_kept_in_order_once_each() -> None:
    tags = [{"name": "Country-Italy"}, {"name": "ex ample.1"}, {"name": "été"}]
    package = check(item(tags=[*tags, {"name": "Country-Italy", "display_name": "x"}]))
    assert package["tags"] == tags


def test_a_tag_needs_a_name() -> None:
    assert ckan_refusal(item(tags=[{"display_name": "x"}, "plain"])) == {
        "tags[0].name": "Missing value",
        "tags[1].name": "Missing value",
    }


def test_version_is_at_most_100_characters() -> None:
    assert check(item(version="v" * 100))["version"] == "v" * 100
    assert ckan_refusal(item(version="v" * 101)) == {
        "version": "Version must be a maximum of 100 characters long"
    }


def test_every_ckan_problem_is_named_at_once() -> None:
    problems = ckan_refusal(
        item(
            version="v" * 101,
            title=5,
            tags="a,b",
            groups=[{"title": "no name"}],
            extras={"key": "a"},
            maintainer_email="not an address",
        )
    )
    assert set(problems) == {
        "version",
        "title",
        "tags",
        "groups[0]",
        "extras",
        "maintainer_email",
    }
    assert problems["maintainer_email"] == "Email not an address is not a valid format"


def test_groups_are_named_by_name_or_id() -> None:
    package = check(item(groups=[{"name": "italy", "title": "Italy"}, {"id": "g-uuid"}]))
    assert package["groups"] == [{"name": "italy"}, {"id": "g-uuid"}]


def test_extras_keep_their_order_and_repeated_keys() -> None:
    extras = [
        {"key": "system:type", "value": "ExampleDataset"},
        {"key": "coverage:Country", "value": "Italy"},
        {"key": "coverage:Country", "value": "Greece"},
        {"key": "Open Access", "value": ""},
    ]
    assert check(item(extras=extras))["extras"] == extras


@pytest.mark.parametrize(
    ("extra", "where", "message"),
    [
        ({"value": "x"}, "extras[0].key", "Missing value"),
        ({"key": "", "value": "x"}, "extras[0].key", "Missing value"),
        ({"key": "k", "value": 42}, "extras[0].value", "must be a string"),
        (
            {"key": "title", "value": "x"},
            "extras[0].key",
            "There is a schema field with the same name",
        ),
        ("k=v", "extras[0]", "must be a {key, value} object"),
    ],
)
def test_a_bad_extra_is_named(extra: object, where: str, message: str) -> None:
    assert ckan_refusal(item(extras=[extra])) == {where: message}


# -- PATCH ------------------------------------------------------------------------------------


def test_a_patch_replaces_the_top_level_keys_it_gives() -> None:
    stored = check(item(title="Old", tags=[{"name": "keep"}], extras=[{"key": "a", "value": "1"}]))
    merged = patched_package(stored, {"title": "New", "extras": []}, "my-item")
    package = check(merged, path_name="my-item")
    assert (package["title"], package["tags"], package["extras"]) == ("New", [{"name": "keep"}], [])


def test_a_patch_may_leave_out_the_name_but_not_change_it() -> None:
    stored = check(item())
    assert patched_package(stored, {"notes": "n"}, "my-item")["name"] == "my-item"
    with pytest.raises(InvalidInput, match=r"The name \(my-item\) does not match"):
        patched_package(stored, {"name": "other"}, "my-item")
    with pytest.raises(InvalidInput):
        patched_package(stored, ["not", "an", "object"], "my-item")
