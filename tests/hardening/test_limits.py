"""Query limits: each refusal is a clear GraphQL error (or a 413), never a 5xx."""

from pathlib import Path

from graphql import get_introspection_query

from tests.api.lookups import acme_support_id
from tests.support.people import ADA


def deep_query(levels: int) -> str:
    """node → subscription → account → subscriptions → account → … `levels` deep."""
    inner = "name"
    for _ in range(levels // 2):
        inner = f"subscriptions {{ account {{ {inner} }} }}"
    return f"query Deep($id: ID!) {{ account(id: $id) {{ {inner} }} }}"


async def errors_of(api, query: str, variables: dict | None = None) -> list[dict]:
    response = await api.post(query, variables, as_user=ADA)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body.get("data") is None, body
    return body["errors"]


async def test_a_twenty_deep_query_is_refused(api):
    account_id = await acme_support_id(api)

    errors = await errors_of(api, deep_query(20), {"id": account_id})

    assert "exceeds maximum operation depth of 12" in errors[0]["message"]
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


DASHBOARD = (Path(__file__).resolve().parents[2] / "operations" / "Dashboard.graphql").read_text()


async def test_the_dashboard_passes_every_limit(api):
    dashboard = DASHBOARD

    data = await api.data(dashboard, {"invoicesFirst": 100})

    assert data["viewer"]["memberships"][0]["account"]["invoices"]["edges"]


async def test_five_hundred_aliases_are_refused(api):
    aliases = " ".join(f"a{n}: now" for n in range(500))

    errors = await errors_of(api, f"query Many {{ {aliases} }}")

    assert "aliases found" in errors[0]["message"]
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_document_of_too_many_tokens_is_refused(api):
    fields = " ".join(["now"] * 6000)

    errors = await errors_of(api, f"query Long {{ {fields} }}")

    assert "tokens" in errors[0]["message"]


async def test_a_costly_operation_is_refused_before_it_runs(api):
    account_id = await acme_support_id(api)
    lines = "lines { kind description quantity amount { amount currency formatted } }"
    upcoming = f"upcomingInvoice {{ {lines} }}"
    node = f"node {{ id number total {{ amount }} {lines} subscription {{ id {upcoming} }} }}"
    query = f"""query Costly($id: ID!) {{ account(id: $id) {{ subscriptions {{
        account {{ invoices(first: 100) {{ edges {{ {node} }} }} }} }} }} }}"""

    errors = await errors_of(api, query, {"id": account_id})

    assert errors[0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert errors[0]["extensions"]["cost"] > errors[0]["extensions"]["maxCost"]


async def test_first_beyond_a_hundred_is_refused(api):
    account_id = await acme_support_id(api)
    query = "query($id: ID!) { account(id: $id) { invoices(first: 100000) { edges { cursor } } } }"

    response = await api.post(query, {"id": account_id}, as_user=ADA)

    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "between 0 and 100" in error["message"]


async def test_a_two_megabyte_body_is_refused_with_413(api):
    padding = " " * (2 * 1024 * 1024)

    response = await api.post("{ now }" + padding, as_user=None)

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


async def test_a_streamed_body_without_length_is_counted_too(api):
    async def chunks():
        for _ in range(3):
            yield b" " * (512 * 1024)

    response = await api.client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )

    assert response.status_code == 413


async def test_the_introspection_query_of_graphiql_and_codegen_works(api):
    data = await api.data(get_introspection_query(descriptions=True), as_user=None)

    names = {t["name"] for t in data["__schema"]["types"]}
    assert {"Subscription", "Invoice", "CostPreview", "UserErrorCode"} <= names


async def test_graphiql_is_served_in_development(api):
    response = await api.client.get("/graphql", headers={"accept": "text/html"})

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_malformed_requests_are_refused_in_json(api):
    for content, content_type, status in [
        (b"{not json", "application/json", 400),
        (b'{"query": 5}', "application/json", 400),
        (b'{"query": "{ now }", "variables": "x"}', "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b"{ now }", "text/plain", 415),
    ]:
        for accept in ("*/*", "application/graphql-response+json", "application/json"):
            response = await api.client.post(
                "/graphql",
                content=content,
                headers={"content-type": content_type, "accept": accept},
            )

            assert response.status_code == status, (content, accept)
            assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
