"""Production mode: no GraphiQL, no introspection, no test clock; CORS; probes."""

import pytest
from graphql import get_introspection_query

from services.settings import ConfigError, Settings
from tests.support.api import ApiFactory


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
