"""Proposals, samples and instruments driven by the three real clients against a real server:
scitacean 26.10 (`Client.from_credentials`), pyscicat 0.4.8 (`ScicatClient`) and
scicat-sdk-py 5.3 (ProposalsApi, SamplesApi, InstrumentsApi)."""

from __future__ import annotations

import uuid

import pytest
import scicat_sdk_py as sdk
from pyscicat import client as pyscicat
from pyscicat import model as pymodel
from scitacean import Client, ScicatCommError
from scitacean import model as sci

from tests.support.scicat import USERS, Scicat


def scitacean_client(base_url: str, user: str) -> Client:
    return Client.from_credentials(
        url=f"{base_url}/api/v3",
        username=user,
        password=USERS[user][0],
        allow_http=True,
    )


def pyscicat_client(base_url: str, user: str) -> pyscicat.ScicatClient:
    return pyscicat.ScicatClient(
        base_url=f"{base_url}/api/v3", username=user, password=USERS[user][0]
    )


def sdk_client(scicat: Scicat, user: str) -> sdk.ApiClient:
    config = sdk.Configuration(host=scicat.base_url, access_token=scicat.token(user))
    return sdk.ApiClient(config)


def test_scitacean_uploads_and_reads_samples_and_proposals(scicat: Scicat) -> None:
    client = scitacean_client(scicat.base_url, "user1")
    sample = sci.Sample(
        owner_group="group1",
        sample_name="thaum crystal",
        access_groups=["group2"],
        description="A test sample for Scitacean",
        sample_characteristics={"layers": ["H2O", "EtOH"], "mass": 2},
    )
    uploaded = client.upload_new_sample_now(sample)
    assert uploaded.sample_id
    fetched = client.get_sample(uploaded.sample_id)
    assert fetched.sample_name == "thaum crystal"
    assert fetched.sample_characteristics == {"layers": ["H2O", "EtOH"], "mass": 2}
    assert fetched.created_by == "user1"
    with pytest.raises(ScicatCommError, match="already taken"):
        client.scicat.create_sample_model(
            sci.UploadSample(ownerGroup="group1", sampleName="again", sampleId=uploaded.sample_id)
        )
    admin = scitacean_client(scicat.base_url, "admin")
    proposal_id = f"p-{uuid.uuid4()}"
    admin.scicat.create_proposal_model(
        sci.UploadProposal(
            email="ponder@uu.am", ownerGroup="group1", proposalId=proposal_id, title="Thaum"
        )
    )
    proposal = client.get_proposal(proposal_id)
    assert proposal.title == "Thaum"
    assert proposal.email == "ponder@uu.am"


def test_scitacean_reads_instruments(scicat: Scicat) -> None:
    name = f"hexapod-{uuid.uuid4()}"
    made = scicat.request(
        "POST", "/api/v3/instruments", "admin", json={"uniqueName": name, "name": name}
    )
    assert made.status_code == 201
    client = scitacean_client(scicat.base_url, "user1")
    instrument = client.scicat.get_instrument_model(made.json()["pid"])
    assert instrument.uniqueName == name
    every = client.scicat.get_all_instrument_models()
    assert name in [i.uniqueName for i in every]


def test_pyscicat_samples_proposals_instruments(scicat: Scicat) -> None:
    client = pyscicat_client(scicat.base_url, "user1")
    tag = str(uuid.uuid4())
    sample_id = client.samples_create(
        pymodel.Sample(ownerGroup="group1", description=tag, sampleCharacteristics={"m": 1})
    )
    got = client.samples_get_one(sample_id)
    assert got is not None
    assert got["description"] == tag
    # pyscicat sends the whole model back, server fields included
    read = pymodel.Sample(**{k: v for k, v in got.items() if k != "_id"})
    read.owner = "A. Mouse"
    assert client.samples_update(read) == sample_id
    found = client.samples_get_many({"description": tag})
    assert found is not None
    assert [s["owner"] for s in found] == ["A. Mouse"]
    deep = client.samples_get_many({"sampleCharacteristics.m": 1, "description": tag})
    assert deep is not None
    assert len(deep) == 1
    ingestor = pyscicat_client(scicat.base_url, "ingestor")
    proposal_id = f"p-{uuid.uuid4()}"
    assert (
        ingestor.proposals_create(
            pymodel.Proposal(ownerGroup="group1", proposalId=proposal_id, email="a@b.cd", title="T")
        )
        == proposal_id
    )
    assert client.proposals_get_one(proposal_id)["title"] == "T"  # type: ignore[index]
    name = f"pyscicat-{uuid.uuid4()}"
    admin = pyscicat_client(scicat.base_url, "admin")
    with pytest.raises(pyscicat.ScicatCommError, match="uniqueName"):
        admin.instruments_create(pymodel.Instrument(name=name))  # as on the real backend
    scicat.request("POST", "/api/v3/instruments", "admin", json={"uniqueName": name, "name": name})
    by_name = client.instruments_get_one(name=name)
    assert by_name is not None
    assert by_name["uniqueName"] == name
    assert client.instruments_get_one(pid=by_name["pid"])["name"] == name  # type: ignore[index]


def test_scicat_sdk_samples_proposals_instruments(scicat: Scicat) -> None:
    with sdk_client(scicat, "user1") as api_client:
        samples = sdk.SamplesApi(api_client)
        created = samples.samples_controller_create_v3(
            sdk.CreateSampleDto(ownerGroup="group1", sampleName="sdk sample", owner="user1")
        )
        assert created is not None
        assert created.sample_name == "sdk sample"
        again = samples.samples_controller_find_by_id_v3(created.sample_id)
        assert again.created_at == created.created_at
        patched = samples.samples_controller_update_v3(
            created.sample_id, sdk.PartialUpdateSampleDto(description="patched")
        )
        assert patched.description == "patched"
        assert patched.sample_name == "sdk sample"
    with sdk_client(scicat, "admin") as api_client:
        instruments = sdk.InstrumentsApi(api_client)
        pid = str(uuid.uuid4())
        made = instruments.instruments_controller_create_v3(
            sdk.CreateInstrumentDto(name="sdk", pid=pid, uniqueName=f"sdk-{pid}")
        )
        assert made.pid == pid
        found = instruments.instruments_controller_find_by_id_v3(pid)  # typed as a plain object
        assert found["uniqueName"] == f"sdk-{pid}"
        proposals = sdk.ProposalsApi(api_client)
        proposal_id = f"sdk-{uuid.uuid4()}"
        proposal = proposals.proposals_controller_create_v3(
            sdk.CreateProposalDto(
                ownerGroup="group1", proposalId=proposal_id, email="a@b.cd", title="SDK"
            )
        )
        assert proposal.proposal_id == proposal_id
        assert proposals.proposals_controller_find_by_id_v3(proposal_id).title == "SDK"
