"""Whatever a client sends, the server answers as it should for a client's mistake.

Hypothesis drives HTTP requests at the real app (in process, on SQLite and PostgreSQL)
over everything a client controls: bodies, variables of every operation in operations/,
cursors, ids, token claims and headers. The rule for every answer:
- never a 5xx, never INTERNAL_SERVER_ERROR, never a traceback;
- a 4xx is JSON with `errors`, each with a code;
- the server logs no ERROR, since the mistake is the client's;
and each kind of input has its own expected code (BAD_USER_INPUT, UNAUTHENTICATED, ...).

Bounded (derandomized, a fixed number of examples) so the whole file takes about half a
minute per database.
"""

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from graphql import OperationDefinitionNode, parse, type_from_ast
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from schema import build_schema
from server.app import create_app
from services.auth import issue_token
from services.demo import seed
from services.persistence.database import Database
from services.queries import user_by_email
from services.settings import Settings, parse_instant
from tests.support.api import SECRET
from tests.support.hostile_inputs import (
    Deep,
    authorizations,
    cursors,
    deep_values,
    ids,
    in_days,
    json_values,
    media_types,
    signed_token,
    to_json,
    token_claims,
    values_of,
)
from tests.support.people import ADA
from tests.support.snapshot import clean

CLOCK = "2026-11-15T12:00:00Z"
OPERATIONS = {
    path.stem: path.read_text()
    for path in sorted((Path(__file__).resolve().parents[2] / "operations").glob("*.graphql"))
}
JSON_TYPES = ("application/json", "application/graphql-response+json")
BOUNDED = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@dataclass
class Server:
    run: asyncio.Runner
    client: httpx.AsyncClient
    ada: str  # a valid token
    ada_id: int
    known_ids: list[str]

    def post(self, body: object = None, *, content: bytes | None = None, headers=None):
        headers = {"content-type": "application/json", **(headers or {})}
        content = to_json(body).encode() if content is None else content
        return self.run.run(self.client.post("/graphql", content=content, headers=headers))

    def graphql(self, query: str, variables: object = None, token: str | None = None):
        headers = {"authorization": f"Bearer {token or self.ada}"}
        return self.post({"query": query, "variables": variables}, headers=headers)


async def _demo_ids(client: httpx.AsyncClient, token: str) -> list[str]:
    query = """{ viewer { memberships { account { id subscriptions { id upcomingInvoice { id }
        } invoices { edges { node { id } } } } } } }"""
    response = await client.post(
        "/graphql", json={"query": query}, headers={"authorization": f"Bearer {token}"}
    )
    found = []
    for membership in response.json()["data"]["viewer"]["memberships"]:
        account = membership["account"]
        found.append(account["id"])
        for subscription in account["subscriptions"]:
            found += [subscription["id"], subscription["upcomingInvoice"]["id"]]
        found += [edge["node"]["id"] for edge in account["invoices"]["edges"]]
    return found


@pytest.fixture(scope="module")
def server(database_url):
    runner = asyncio.Runner()
    settings_ = Settings(
        database_url=database_url,
        jwt_secret=SECRET,
        test_clock=parse_instant(CLOCK),
        billing_interval_seconds=0,
    )
    app = create_app(settings_)

    async def start():
        db = Database(database_url)
        await clean(db)
        await seed(db, parse_instant(CLOCK))
        ada = (await user_by_email(db, ADA)).id
        await db.dispose()
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        token = issue_token(SECRET, ada)
        return lifespan, client, ada, token, await _demo_ids(client, token)

    lifespan, client, ada_id, token, known = runner.run(start())
    yield Server(runner, client, token, ada_id, known)
    runner.run(client.aclose())
    runner.run(lifespan.__aexit__(None, None, None))
    runner.close()


@pytest.fixture
def errors_logged(caplog):
    """The ERROR records logged since the last call."""
    caplog.set_level(logging.INFO)
    seen = [0]

    def new_errors() -> list[str]:
        records = caplog.records[seen[0] :]
        seen[0] = len(caplog.records)
        return [r.getMessage() for r in records if r.levelno >= logging.ERROR]

    return new_errors


def codes_of(response: httpx.Response) -> list:
    """The codes of the errors of a well-formed answer to a client's mistake."""
    assert response.status_code < 500, response.text[:500]
    assert "Traceback" not in response.text
    assert response.headers["content-type"].startswith(JSON_TYPES), response.headers
    body = response.json()
    assert isinstance(body, dict), body
    if response.status_code >= 400:
        assert body.get("errors"), body
    codes = [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]
    assert None not in codes, body
    assert "INTERNAL_SERVER_ERROR" not in codes, body
    return codes


body_parameters = st.fixed_dictionaries(
    {},
    optional={
        "query": st.sampled_from(["{ now }", "query Q { now }", "", "{"]) | json_values,
        "variables": json_values | deep_values,
        "operationName": st.sampled_from(["Q", "Nope"]) | json_values,
        "extensions": json_values | deep_values,
    },
)


@BOUNDED
@given(body=st.one_of(json_values, deep_values, body_parameters))
@example(body=None)
@example(body=5)
@example(body="{ now }")
@example(body=True)
@example(body=[{"query": "{ now }"}])
@example(body={"query": "{ now }", "variables": {"x": Deep(5000)}})
def test_any_json_body_is_answered_as_a_client_mistake(server, errors_logged, body):
    response = server.post(body)

    codes_of(response)
    if not isinstance(body, dict):
        assert response.status_code == 400
    assert errors_logged() == []


@BOUNDED
@given(content=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
@example(content=b"")
@example(content=b'{"query": "\xff"}')
@example(content=b'{"query": "{ now }", "variables": {"n": ' + b"9" * 5000 + b"}}")
@example(content=b"[" * 100_000)
def test_any_bytes_are_answered_as_a_client_mistake(server, errors_logged, content):
    codes_of(server.post(content=content))
    assert errors_logged() == []


def _variables(name: str):
    schema = build_schema(test_clock=True)._schema
    [operation] = [
        d for d in parse(OPERATIONS[name]).definitions if isinstance(d, OperationDefinitionNode)
    ]
    return {
        definition.variable.name.value: type_from_ast(schema, definition.type)
        for definition in operation.variable_definitions
    }


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_any_variables_of_each_operation_are_answered_as_a_client_mistake(
    server, errors_logged, name
):
    types = _variables(name)

    @BOUNDED
    @given(data=st.data())
    def check(data):
        sent = data.draw(st.sets(st.sampled_from(sorted(types))), label="sent")
        variables = {
            variable: data.draw(values_of(types[variable], server.known_ids), label=variable)
            for variable in sorted(sent)
        }
        codes = codes_of(server.graphql(OPERATIONS[name], variables))
        assert set(codes) <= {
            "BAD_REQUEST",  # nested too deep
            "BAD_USER_INPUT",
            "NOT_FOUND",
            "INVALID_QUANTITY",
            "FORBIDDEN",
            "GRAPHQL_VALIDATION_FAILED",
        }, codes
        assert errors_logged() == []

    check()


@BOUNDED
@given(after=cursors)
@example(after="WyJpbnZvaWNlcyIsIjk5OTktMTItMzFUMjM6NTk6NTktMjM6NTkiLDFd")  # year 10000 in UTC
@example(after="WyJpbnZvaWNlcyIsIjIwMjYtMTEtMDFUMDA6MDA6MDBaIiwxMDAwMDAwMDAwMDAwMDAwMDAwMDBd")
def test_any_cursor_is_bad_user_input_or_a_page(server, errors_logged, after):
    account = server.known_ids[0]

    codes = codes_of(server.graphql(OPERATIONS["Invoices"], {"accountId": account, "after": after}))

    assert set(codes) <= {"BAD_USER_INPUT"}, codes
    assert errors_logged() == []


@BOUNDED
@given(after=cursors)
def test_any_history_cursor_is_bad_user_input_or_a_page(server, errors_logged, after):
    subscription = server.known_ids[1]
    variables = {"subscriptionId": subscription, "after": after}

    codes = codes_of(server.graphql(OPERATIONS["SubscriptionHistory"], variables))

    assert set(codes) <= {"BAD_USER_INPUT"}, codes
    assert errors_logged() == []


@BOUNDED
@given(id_=ids, field=st.sampled_from(["node", "account", "subscription"]))
def test_any_id_names_something_or_nothing(server, errors_logged, id_, field):
    body = server.graphql(f"query($id: ID!) {{ found: {field}(id: $id) {{ id }} }}", {"id": id_})

    assert codes_of(body) == []
    if id_ not in server.known_ids:
        assert body.json()["data"]["found"] is None
    assert errors_logged() == []


@BOUNDED
@given(id_=ids, quantity=st.integers(min_value=-(2**31), max_value=2**31 - 1))
def test_any_preview_is_answered_or_refused_with_its_code(server, errors_logged, id_, quantity):
    query = (
        "query($id: ID!, $q: Int!) { previewCost(subscriptionId: $id, quantity: $q) { changed } }"
    )

    codes = codes_of(server.graphql(query, {"id": id_, "q": quantity}))

    assert set(codes) <= {"NOT_FOUND", "INVALID_QUANTITY"}, codes
    assert errors_logged() == []


def _expiry(exp: object) -> float:
    """The expiry as PyJWT reads it (`int(exp)`), or minus infinity."""
    try:
        return int(exp)
    except (ValueError, TypeError, OverflowError):
        return float("-inf")


@BOUNDED
@given(claims=token_claims)
@example(claims={"sub": "\u0661", "exp": in_days(1)})
@example(claims={"sub": "1" * 30, "exp": in_days(1)})
@example(claims={"sub": "١", "exp": 1e400})
def test_a_signed_token_signs_in_only_with_a_plain_user_id(server, errors_logged, claims):
    token = signed_token(claims)

    response = server.graphql("{ viewer { email } }", token=token)

    codes = codes_of(response)
    plain = claims["sub"] == str(server.ada_id)
    fresh = _expiry(claims.get("exp")) > in_days(0) + 60
    if plain and fresh:
        assert codes == [], response.text
    else:
        assert codes == ["UNAUTHENTICATED"], (claims, response.text)
    assert errors_logged() == []


@BOUNDED
@given(
    authorization=authorizations,
    content_type=media_types,
    accept=media_types,
    body=st.sampled_from([b'{"query": "{ viewer { email } }"}', b"null", b"{", b""]),
)
def test_any_headers_are_answered_in_json(
    server, errors_logged, authorization, content_type, accept, body
):
    headers = {"authorization": authorization, "content-type": content_type, "accept": accept}

    response = server.post(content=body, headers=headers)

    codes = codes_of(response)
    assert set(codes) <= {"UNAUTHENTICATED", "BAD_REQUEST", "GRAPHQL_PARSE_FAILED"}, codes
    assert errors_logged() == []
