"""Production mode: no GraphiQL, no introspection, no suggestions, no test clock, no weak
secret; CORS; probes."""

import pytest
from graphql import get_introspection_query

from services.settings import ConfigError, Settings
from tests.support.api import ApiFactory
from tests.support.people import ADA


async def production(apis, **settings):
    return await apis.start(clock=None, env="production", **settings)


async def test_graphiql_is_not_served(apis):
    api = await production(apis)

    response = await api.client.get("/graphql", headers={"accept": "text/html"})

    assert response.status_code >= 400
    assert "graphiql" not in response.text.lower()


async def test_introspection_is_refused(apis):
    api = await production(apis)

    body = await api.gql(get_introspection_query(), as_user=None)

    assert body["data"] is None
    assert "introspection has been disabled" in body["errors"][0]["message"]


async def test_there_is_no_test_clock_mutation(apis):
    api = await production(apis)

    body = await api.gql('mutation { advanceTestClock(to: "2030-01-01") { now } }', as_user=None)

    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_a_test_clock_or_a_missing_secret_stops_the_start():
    with pytest.raises(ConfigError, match="OCTOPODS_JWT_SECRET"):
        Settings.from_env({"OCTOPODS_ENV": "production"})
    with pytest.raises(ConfigError, match="OCTOPODS_TEST_CLOCK"):
        Settings.from_env(
            {
                "OCTOPODS_ENV": "production",
                "OCTOPODS_JWT_SECRET": "s" * 40,
                "OCTOPODS_TEST_CLOCK": "2026-11-15T00:00:00Z",
            }
        )


async def test_the_dashboard_origin_may_call_the_api(apis):
    api = await production(apis, cors_origins=("https://app.octopods.test",))

    allowed = await api.client.options(
        "/graphql",
        headers={
            "Origin": "https://app.octopods.test",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    other = await api.client.post(
        "/graphql", json={"query": "{ now }"}, headers={"Origin": "https://evil.test"}
    )

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.octopods.test"
    assert "access-control-allow-origin" not in other.headers


async def test_readyz_follows_the_database(apis, db):
    api = await production(apis)
    assert (await api.client.get("/readyz")).status_code == 200
    assert (await api.client.get("/healthz")).status_code == 200

    down = ApiFactory(db, "postgresql+asyncpg://postgres@127.0.0.1:1/nothing")
    try:
        unreachable = await down.start(clock=None)
        assert (await unreachable.client.get("/readyz")).status_code == 503
        assert (await unreachable.client.get("/healthz")).status_code == 200
    finally:
        await down.close()


STRONG = "a-production-secret-of-forty-bytes-long!"


@pytest.mark.parametrize(
    "secret",
    [
        "",
        "   ",
        "\n",
        "s" * 31,
        "  " + "s" * 31 + "  \n",
        "octopods-development-secret-not-for-production",
        " octopods-development-secret-not-for-production\n",
    ],
)
def test_production_refuses_a_missing_short_or_development_secret(secret):
    with pytest.raises(ConfigError, match="OCTOPODS_JWT_SECRET"):
        Settings.from_env({"OCTOPODS_ENV": "production", "OCTOPODS_JWT_SECRET": secret})


@pytest.mark.parametrize("secret", ["s" * 32, "é" * 16, f"  {STRONG}\n"])
def test_production_takes_a_secret_of_32_bytes_or_more_trimmed(secret):
    settings = Settings.from_env({"OCTOPODS_ENV": "production", "OCTOPODS_JWT_SECRET": secret})

    assert settings.jwt_secret == secret.strip()


def test_development_still_starts_with_its_default_or_a_short_secret():
    assert Settings.from_env({}).jwt_secret == "octopods-development-secret-not-for-production"
    assert Settings.from_env({"OCTOPODS_JWT_SECRET": "short"}).jwt_secret == "short"


MISSPELT = [
    ("{ plan { code } }", None),
    ("{ plans { cod } }", None),
    ("{ plans { monthlyCost(quantty: 1) { amount } } }", None),
    ("query($q: Strin) { now }", None),
    ("{ plans { ... on Plann { code } } }", None),
    (
        "mutation($i: SubscribeProductInput!) { subscribeProduct(input: $i) { errors { code } } }",
        {"i": {"accountId": "x", "planCode": "OMNICHANNL", "quantity": 1}},
    ),
    (
        "mutation($i: SubscribeProductInput!) { subscribeProduct(input: $i) { errors { code } } }",
        {"i": {"accountId": "x", "planCod": "OMNICHANNEL", "quantity": 1}},
    ),
    (
        'mutation { subscribeProduct(input: {accountId: "x", planCode: OMNICHANNL, quantity: 1})'
        " { errors { code } } }",
        None,
    ),
]


async def messages_of(api, query: str, variables: dict | None) -> str:
    body = await api.gql(query, variables, as_user=ADA)
    assert body["errors"], body
    return " ".join(error["message"] for error in body["errors"])


@pytest.mark.parametrize(("query", "variables"), MISSPELT)
async def test_production_suggests_no_names(apis, query, variables):
    api = await production(apis, seed=True)

    assert "Did you mean" not in await messages_of(api, query, variables)


@pytest.mark.parametrize(("query", "variables"), MISSPELT[:1] + MISSPELT[-2:])
async def test_development_keeps_its_suggestions(api, query, variables):
    assert "Did you mean" in await messages_of(api, query, variables)


@pytest.mark.parametrize(
    "query",
    [
        '{ __type(name: "Subscription") { fields { name } } }',
        '{ __type(name: "Subscription") { name ... on __Type { fields { name } } } }',
        '{ __type(name: "Subscription") { name ofType { name } } }',
        "{ plans { code } __schema { queryType { name } } }",
    ],
)
async def test_production_refuses_any_introspection_of_the_schema(apis, query):
    api = await production(apis)

    body = await api.gql(query, as_user=None)

    assert body["data"] is None
    assert "introspection has been disabled" in body["errors"][0]["message"]


async def test_production_tells_a_types_name_and_kind_as_errors_do_anyway(apis):
    api = await production(apis)
    query = "query($name: String!) { __type(name: $name) { name kind __typename } }"

    known = await api.data(query, {"name": "Subscription"}, as_user=None)
    unknown = await api.data(query, {"name": "sometype"}, as_user=None)

    assert known == {"__type": {"name": "Subscription", "kind": "OBJECT", "__typename": "__Type"}}
    assert unknown == {"__type": None}
