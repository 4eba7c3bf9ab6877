"""Trusted documents (SPEC §12): a document of the manifest named by `documentId` over
POST, and over GET for queries with cache headers fit for a user's own answer; unknown
ids refused in every mode; with OCTOPODS_TRUSTED_DOCUMENTS=only nothing else runs."""

import json
import re

import pytest

from schema import manifest
from tests.api.lookups import acme_omnichannel_id
from tests.support.people import ADA, GUS
from tests.support.snapshot import snapshot

NAMED = re.compile(r"^(?:query|mutation|subscription) (\w+)", re.MULTILINE)
FILES = {NAMED.search(text)[1]: (key, text) for key, text in manifest.operation_files().items()}
DASHBOARD_ID, DASHBOARD = FILES["Dashboard"]
UPDATE_ID, _ = FILES["UpdateQuantity"]
PREVIEW_ID, _ = FILES["PreviewCost"]
UNKNOWN_ID = "sha256:" + "0" * 64


async def by_id(api, document_id, variables=None, *, as_user=ADA, method="POST", headers=None):
    headers = dict(headers or {})
    if as_user is not None:
        headers["Authorization"] = f"Bearer {await api.token(as_user)}"
    if method == "GET":
        params = {"documentId": document_id}
        if variables is not None:
            params["variables"] = json.dumps(variables)
        return await api.client.get("/graphql", params=params, headers=headers)
    body = {"documentId": document_id, "variables": variables}
    return await api.client.post("/graphql", json=body, headers=headers)


def refusal(response, status: int, code: str) -> str:
    """The message of a request refused before it ran, in server/requests.py's shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"errors"}
    (error,) = body["errors"]
    assert error["extensions"]["code"] == code
    return error["message"]


async def only(apis, **settings):
    return await apis.start(seed=True, trusted_documents="only", **settings)


# By id, in the default mode (off)


async def test_a_query_by_id_answers_what_its_text_answers(api):
    by_text = await api.gql(DASHBOARD)

    response = await by_id(api, DASHBOARD_ID)

    assert response.status_code == 200
    assert response.json() == by_text
    assert by_text["data"]["viewer"]["email"] == ADA


async def test_a_mutation_by_id_over_post_makes_the_change(api):
    subscription_id = await acme_omnichannel_id(api)
    variables = {"input": {"subscriptionId": subscription_id, "quantity": 5}}

    response = await by_id(api, UPDATE_ID, variables)

    payload = response.json()["data"]["updateQuantity"]
    assert payload["errors"] == []
    assert payload["subscription"]["quantity"] == 5


async def test_a_query_by_id_over_get_is_the_viewers_own_and_revalidated(api):
    first = await by_id(api, DASHBOARD_ID, method="GET")

    assert first.status_code == 200
    assert first.json()["data"]["viewer"]["email"] == ADA
    assert first.headers["cache-control"] == "private, no-cache"
    assert "Authorization" in first.headers["vary"]
    etag = first.headers["etag"]

    again = await by_id(api, DASHBOARD_ID, method="GET", headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag


async def test_a_changed_answer_gets_a_new_etag(api):
    etag = (await by_id(api, DASHBOARD_ID, method="GET")).headers["etag"]
    subscription_id = await acme_omnichannel_id(api)
    await by_id(api, UPDATE_ID, {"input": {"subscriptionId": subscription_id, "quantity": 5}})

    after = await by_id(api, DASHBOARD_ID, method="GET", headers={"If-None-Match": etag})

    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert "5" in after.text


async def test_another_users_answer_has_another_etag(api):
    ada = await by_id(api, DASHBOARD_ID, method="GET")

    gus = await by_id(
        api, DASHBOARD_ID, method="GET", as_user=GUS, headers={"If-None-Match": ada.headers["etag"]}
    )

    assert gus.status_code == 200
    assert gus.json()["data"]["viewer"]["email"] == GUS


async def test_a_query_with_variables_by_get(api):
    variables = {"subscriptionId": await acme_omnichannel_id(api), "quantity": 5}

    response = await by_id(api, PREVIEW_ID, variables, method="GET")

    assert response.json()["data"]["previewCost"]["prorationAmount"]["amount"] == "41.60"


async def test_a_mutation_by_id_over_get_is_refused_and_changes_nothing(api, db):
    subscription_id = await acme_omnichannel_id(api)
    before = await snapshot(db)

    response = await by_id(
        api, UPDATE_ID, {"input": {"subscriptionId": subscription_id, "quantity": 5}}, method="GET"
    )

    refusal(response, 405, "BAD_REQUEST")
    assert response.headers["allow"] == "POST"
    assert await snapshot(db) == before


@pytest.mark.parametrize("mode", ["off", "only"])
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_an_unknown_id_is_not_found_in_every_mode(apis, mode, method):
    api = await apis.start(seed=True, trusted_documents=mode)

    response = await by_id(api, UNKNOWN_ID, method=method)

    assert "manifest" in refusal(response, 400, "PERSISTED_DOCUMENT_NOT_FOUND")


@pytest.mark.parametrize(
    "body",
    [
        {"documentId": DASHBOARD_ID, "query": "{ now }"},
        {"documentId": 42},
        {"documentId": ["sha256:00"]},
    ],
)
async def test_a_malformed_document_id_is_a_bad_request(api, body):
    response = await api.client.post("/graphql", json=body)

    refusal(response, 400, "BAD_REQUEST")


# OCTOPODS_TRUSTED_DOCUMENTS=only


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_only_refuses_any_other_document(apis, db, method):
    api = await only(apis)
    before = await snapshot(db)
    headers = {"Authorization": f"Bearer {await api.token(ADA)}"}
    query = "{ viewer { email } }"

    if method == "GET":
        response = await api.client.get("/graphql", params={"query": query}, headers=headers)
    else:
        response = await api.client.post("/graphql", json={"query": query}, headers=headers)

    assert "trusted documents" in refusal(response, 400, "UNTRUSTED_DOCUMENT")
    assert await snapshot(db) == before


async def test_only_refuses_a_manifest_document_changed_by_a_character(apis):
    api = await only(apis)

    response = await api.post(DASHBOARD + " ", as_user=ADA)

    refusal(response, 400, "UNTRUSTED_DOCUMENT")


async def test_only_runs_a_manifest_document_sent_as_its_exact_text(apis):
    api = await only(apis)

    body = await api.gql(DASHBOARD)

    assert body["data"]["viewer"]["email"] == ADA


async def test_only_runs_documents_by_id_over_get_and_post(apis):
    api = await only(apis)
    subscription_id = await acme_omnichannel_id_by_id(api)

    changed = await by_id(
        api, UPDATE_ID, {"input": {"subscriptionId": subscription_id, "quantity": 4}}
    )
    read = await by_id(api, DASHBOARD_ID, method="GET")

    assert changed.json()["data"]["updateQuantity"]["subscription"]["quantity"] == 4
    assert read.status_code == 200
    quantities = [
        s["quantity"]
        for m in read.json()["data"]["viewer"]["memberships"]
        for s in m["account"]["subscriptions"]
    ]
    assert 4 in quantities


async def test_only_runs_the_pages_documents_as_the_page_sends_them(apis):
    api = await only(apis)
    files = {key for key, _ in FILES.values()}
    page = {key: text for key, text in manifest.read().items() if key not in files}
    (dashboard_id,) = [key for key, text in page.items() if text.startswith("query Dashboard")]

    response = await by_id(api, dashboard_id, method="GET")

    viewer = response.json()["data"]["viewer"]
    assert viewer["__typename"] == "Viewer"  # what urql's cache reads
    assert viewer["email"] == ADA


async def test_production_answers_get_by_id_and_refuses_free_text_get(apis):
    api = await apis.start(clock=None, seed=True, env="production", trusted_documents="only")
    headers = {"Authorization": f"Bearer {await api.token(ADA)}"}

    by_document = await by_id(api, DASHBOARD_ID, method="GET")
    free_text = await api.client.get("/graphql", params={"query": DASHBOARD}, headers=headers)

    assert by_document.status_code == 200
    assert by_document.json()["data"]["viewer"]["email"] == ADA
    assert free_text.status_code == 405


async def acme_omnichannel_id_by_id(api) -> str:
    """Acme Support's Omnichannel, read with the dashboard's own document (by id)."""
    body = (await by_id(api, DASHBOARD_ID)).json()
    for membership in body["data"]["viewer"]["memberships"]:
        if membership["account"]["name"] == "Acme Support":
            return membership["account"]["subscriptions"][0]["id"]
    raise AssertionError(body)


def test_the_setting_is_off_or_only():
    from services.settings import ConfigError, Settings

    assert Settings.from_env({}).trusted_documents == "off"
    assert Settings.from_env({"OCTOPODS_TRUSTED_DOCUMENTS": " ONLY "}).only_trusted_documents
    with pytest.raises(ConfigError, match="OCTOPODS_TRUSTED_DOCUMENTS"):
        Settings.from_env({"OCTOPODS_TRUSTED_DOCUMENTS": "strict"})
