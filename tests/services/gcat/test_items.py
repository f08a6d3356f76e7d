"""gCat's item use cases: the create pipeline, the §4 role matrix, trash/purge/restore, and
the listing of one catalogue (items and the other faces' records)."""

from __future__ import annotations

import pytest

from fairdepot.core import ark as arks
from fairdepot.core.crosswalks.ckan_names import name_of_ark
from fairdepot.core.crosswalks.ckan_rules import CkanValidationError
from fairdepot.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from fairdepot.core.policy import Membership, Role
from fairdepot.core.records import Access, Face, PublicationStatus, Record
from fairdepot.services import catalogue
from fairdepot.services import organizations as core_organizations
from fairdepot.services.gcat import item_listing, items
from fairdepot.services.gcat.listing import Listing
from tests.services.gcat.conftest import actor_with, reloaded


def item(name: str, **fields) -> dict:
    return {"name": name, "license_id": "CC-BY-4.0", **fields}


def names(runtime, actor, **search) -> list[str]:
    found = item_listing.listing(
        runtime, actor, Listing(limit=None), item_listing.ItemSearch(**search)
    )
    assert isinstance(found, list)
    return found


def crate(
    runtime, name: str, keyword: str, face: Face = Face.FAIRSCAPE, kind: str = "Dataset"
) -> Record:
    """A published record of another face (FAIRSCAPE's unless `face`), as its face stores one."""
    ark = f"ark:59852/rocrate-{name}"
    record = Record(
        ark=ark,
        kind=kind,
        face=face,
        metadata={"@id": ark, "@type": "Dataset", "name": name, "keywords": [keyword]},
        access=Access(owner_id=None, publication=PublicationStatus.PUBLISHED),
        types=["Dataset"],
        name=name,
        description=f"a crate about {keyword}",
        keywords=[keyword],
    )
    with runtime.writing() as store:
        store.insert(record)
    return record


def test_create_sets_author_organization_identifiers_and_an_ark(runtime, lab) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    body = item("rivers", author="someone else", author_email="x@y.z", title="Rivers")
    name, package = items.create(runtime, ed, body)
    assert name == "rivers"
    assert (package["author"], package["author_email"]) == ("ed", "ed@example.org")
    assert package["organization"]["name"] == lab
    assert package["owner_org"] == package["organization"]["id"]
    ark = next(e["value"] for e in package["extras"] if e["key"] == "fairdepot:ark")
    found = catalogue.find(runtime, ed, "ark", ark)
    assert found.identifiers == {"name": "rivers", "id": package["id"]}
    assert items.show(runtime, ed, package["id"])["name"] == "rivers"  # read by id too


def test_a_name_that_is_another_items_id_is_taken(runtime, lab) -> None:
    """The review: an item named after another's id shadowed it (reads try names first), so
    reading or deleting by that id reached the impostor."""
    ed = actor_with(runtime, "ed", Role.EDITOR)
    _, first = items.create(runtime, ed, item("rivers"))
    with pytest.raises(Conflict, match="already in use"):
        items.create(runtime, ed, item(first["id"]))
    assert items.show(runtime, ed, first["id"])["name"] == "rivers"


def test_a_name_taken_also_by_a_trashed_item_is_409_until_purged(runtime, lab) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    items.create(runtime, ed, item("rivers"))
    with pytest.raises(Conflict, match="already in use"):
        items.create(runtime, ed, item("rivers"))
    items.delete(runtime, ed, "rivers")
    with pytest.raises(Conflict, match="already in use"):
        items.create(runtime, ed, item("rivers"))
    items.purge(runtime, ed, "rivers")
    with pytest.raises(NotFound):
        items.show(runtime, ed, "rivers")
    assert items.create(runtime, ed, item("rivers"))[0] == "rivers"


def test_bad_bodies_are_400_and_ckans_refusals_409(runtime, lab) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    with pytest.raises(InvalidInput, match="existing license"):
        items.create(runtime, ed, item("rivers", license_id="nope"))
    with pytest.raises(CkanValidationError):
        items.create(runtime, ed, item("search"))


def test_owner_org_names_one_of_the_callers_organizations(runtime, lab) -> None:
    core_organizations.add_organization(runtime, "other")
    two = actor_with(runtime, "tw", None)
    core_organizations.set_memberships(
        runtime, "tw", [Membership(lab, Role.EDITOR), Membership("other", Role.EDITOR)]
    )
    two = reloaded(runtime, two)
    with pytest.raises(InvalidInput, match="one of lab, other"):
        items.create(runtime, two, item("rivers"))
    other_id = next(
        o.id for o in core_organizations.list_organizations(runtime) if o.name == "other"
    )
    _, package = items.create(runtime, two, item("rivers", owner_org=other_id))
    assert package["organization"]["name"] == "other"
    with pytest.raises(InvalidInput, match="associate to the current VRE"):
        items.create(runtime, two, item("lakes", owner_org="nowhere"))
    member = actor_with(runtime, "mo", Role.MEMBER)
    with pytest.raises(PermissionDenied):
        items.create(runtime, member, item("lakes"))
    with pytest.raises(PermissionDenied):
        items.create(runtime, member, item("lakes", owner_org=lab))


@pytest.mark.parametrize(
    ("role", "own", "others"),
    [
        (Role.MEMBER, False, False),
        (Role.MODERATOR, False, False),
        (Role.EDITOR, True, False),
        (Role.ADMIN, True, True),
        (Role.MANAGER, True, True),
    ],
)
def test_the_role_matrix_for_items(runtime, lab, role, own, others) -> None:
    author = actor_with(runtime, "au", Role.EDITOR)
    items.create(runtime, author, item("theirs", private=True))
    actor = actor_with(runtime, "who", role)
    assert items.show(runtime, actor, "theirs")["private"] is True  # every role reads
    if own:
        items.create(runtime, actor, item("mine"))
        items.update(runtime, actor, "mine", {"notes": "changed"}, patch=True)
        items.delete(runtime, actor, "mine")
        items.purge(runtime, actor, "mine")
    else:
        with pytest.raises(PermissionDenied):
            items.create(runtime, actor, item("mine"))
    if others:
        assert items.update(runtime, actor, "theirs", item("theirs", notes="x"))["notes"] == "x"
        items.delete(runtime, actor, "theirs")
    else:
        with pytest.raises(PermissionDenied):
            items.update(runtime, actor, "theirs", {"notes": "x"}, patch=True)
        with pytest.raises(PermissionDenied):
            items.delete(runtime, actor, "theirs")
        with pytest.raises(PermissionDenied):
            items.purge(runtime, actor, "theirs")


def test_a_private_item_is_hidden_outside_its_organization(runtime, lab) -> None:
    core_organizations.add_organization(runtime, "other")
    ed = actor_with(runtime, "ed", Role.EDITOR)
    items.create(runtime, ed, item("secret", private=True))
    items.create(runtime, ed, item("open"))
    stranger = actor_with(runtime, "st", Role.ADMIN, "other")
    with pytest.raises(NotFound):
        items.show(runtime, stranger, "secret")
    assert "open" in names(runtime, stranger)
    assert "secret" not in names(runtime, stranger)
    assert "secret" in names(runtime, ed)


def test_put_updates_resources_with_ids_creates_the_others_and_removes_the_missing(
    runtime, lab
) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    urls = ["https://example.org/a", "https://example.org/b"]
    _, made = items.create(runtime, ed, item("rivers", resources=[{"url": u} for u in urls]))
    first, second = made["resources"]
    body = item(
        "rivers",
        resources=[{"id": first["id"], "url": "https://example.org/a2"}, {"url": "https://c.org/"}],
    )
    after = items.update(runtime, ed, "rivers", body)["resources"]
    assert [r["url"] for r in after] == ["https://example.org/a2", "https://c.org/"]
    assert after[0]["id"] == first["id"]
    assert second["id"] not in {r["id"] for r in after}
    with pytest.raises(InvalidInput, match="does not match"):
        items.update(runtime, ed, "rivers", item("lakes"))


def test_a_trashed_item_is_not_found_for_those_who_may_not_delete_it(runtime, lab) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    member = actor_with(runtime, "mo", Role.MEMBER)
    items.create(runtime, ed, item("rivers"))
    items.delete(runtime, ed, "rivers")
    with pytest.raises(NotFound):
        items.show(runtime, member, "rivers")
    assert items.show(runtime, ed, "rivers")["state"] == "deleted"
    assert "rivers" not in names(runtime, ed)
    with pytest.raises(NotFound):
        items.delete(runtime, ed, "rivers")
    assert items.restore(runtime, ed, "rivers")["state"] == "active"
    assert items.show(runtime, member, "rivers")["state"] == "active"


def test_other_faces_records_are_listed_readable_and_read_only(runtime, lab) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    record = crate(runtime, "x1", "glaciers")
    name = name_of_ark(record.ark)
    assert name in names(runtime, ed)
    package = items.show(runtime, ed, name)
    assert package["title"] == "x1"
    assert [t["name"] for t in package["tags"]] == ["glaciers"]
    with pytest.raises(Conflict, match="changes only gCat items"):
        items.update(runtime, ed, name, {"notes": "x"}, patch=True)
    with pytest.raises(Conflict):
        items.delete(runtime, ed, name)


def test_q_finds_an_item_and_a_crate_by_a_word(runtime, lab) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    items.create(runtime, ed, item("rivers", notes="meltwater of glaciers"))
    items.create(runtime, ed, item("lakes", notes="still water"))
    record = crate(runtime, "x2", "glaciers")
    dataset = crate(runtime, "x3", "glaciers", Face.SCICAT, "raw")
    proposal = crate(runtime, "x4", "glaciers", Face.SCICAT, "Proposal")
    found = names(runtime, ed, q="glaciers")
    assert set(found) == {"rivers", name_of_ark(record.ark), name_of_ark(dataset.ark)}
    assert items.show(runtime, ed, name_of_ark(proposal.ark))["title"] == "x4"  # not listed


def test_fq_terms_are_anded(runtime, lab) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    items.create(runtime, ed, item("rivers", tags=[{"name": "water"}], license_id="cc-by"))
    items.create(runtime, ed, item("lakes", tags=[{"name": "water"}]))
    items.create(runtime, ed, item("seas", extras=[{"key": "depth", "value": "deep"}]))
    crate(runtime, "x3", "water")
    assert set(names(runtime, ed, fq="tags:water organization:lab")) == {"rivers", "lakes"}
    assert names(runtime, ed, fq="tags:water AND license_id:cc-by") == ["rivers"]
    assert names(runtime, ed, fq="name:lakes") == ["lakes"]
    assert names(runtime, ed, fq="extras_depth:deep") == ["seas"]
    assert names(runtime, ed, fq='extras_depth:"shallow"') == []
    with pytest.raises(InvalidInput, match="cannot filter on"):
        names(runtime, ed, fq="metadata_modified:x")


def test_own_only_keeps_the_callers_own(runtime, lab) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    admin = actor_with(runtime, "ad", Role.ADMIN)
    items.create(runtime, ed, item("rivers"))
    items.create(runtime, admin, item("lakes"))
    assert names(runtime, ed, own_only=True) == ["rivers"]
    assert {"rivers", "lakes"} <= set(names(runtime, ed))


def test_listing_pages_count_pages(runtime, lab) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    for stem in ("a1", "a2", "a3", "a4", "a5"):
        items.create(runtime, ed, item(stem))
    search = item_listing.ItemSearch(own_only=True)
    second = item_listing.listing(runtime, ed, Listing(limit=2, offset=1), search)
    assert second == ["a3", "a4"]
    assert item_listing.listing(runtime, ed, Listing(count=True), search) == 5


def test_the_item_is_resolvable_by_its_ark(runtime, lab) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    _, package = items.create(runtime, ed, item("rivers", title="Rivers"))
    ark = next(e["value"] for e in package["extras"] if e["key"] == "fairdepot:ark")
    assert arks.parse(ark).naan == runtime.settings.naan
    assert catalogue.find(runtime, ed, "ark", ark).name == "Rivers"


def test_server_extras_sent_back_are_dropped(runtime, lab) -> None:
    ed = actor_with(runtime, "ed", Role.EDITOR)
    _, package = items.create(runtime, ed, item("rivers"))
    again = items.update(runtime, ed, "rivers", package)
    assert [e["key"] for e in again["extras"]] == ["fairdepot:ark"]
