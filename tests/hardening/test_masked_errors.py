"""An unexpected failure: a generic message and a request id for the client, the whole
story in the log under that id."""

import logging

from tests.support.api import ApiFactory

LEAKS = ("Traceback", "sqlite", "SELECT", "users", "OperationalError", "asyncpg", "File ")


async def test_a_failure_is_masked_and_logged_under_its_request_id(db, tmp_path, caplog):
    # A server whose database was never migrated: every query fails inside SQLAlchemy.
    factory = ApiFactory(db, f"sqlite+aiosqlite:///{tmp_path}/never-migrated.db")
    try:
        api = await factory.start()
        with caplog.at_level(logging.ERROR, logger="octopods.errors"):
            response = await api.client.post(
                "/graphql",
                json={"query": "query Me { viewer { email } }"},
                headers={"Authorization": "Bearer " + _token_for_user_1()},
            )
    finally:
        await factory.close()

    assert response.status_code == 200
    request_id = response.headers["x-request-id"]
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert error["message"].startswith("Something went wrong on our side")
    for leak in LEAKS:
        assert leak not in response.text
    [record] = [r for r in caplog.records if request_id in r.getMessage()]
    assert record.exc_info is not None
    assert "no such table: users" in str(record.exc_info[1])


async def test_a_request_id_given_by_the_caller_is_kept(api):
    response = await api.client.post(
        "/graphql", json={"query": "{ now }"}, headers={"X-Request-ID": "dash-1234"}
    )

    assert response.headers["x-request-id"] == "dash-1234"


async def test_an_unsafe_request_id_is_replaced(api):
    response = await api.client.post(
        "/graphql", json={"query": "{ now }"}, headers={"X-Request-ID": "x" * 65}
    )

    assert len(response.headers["x-request-id"]) == 32
    spaced = await api.client.post(
        "/graphql", json={"query": "{ now }"}, headers={"X-Request-ID": "a b; drop"}
    )
    assert spaced.headers["x-request-id"] != "a b; drop"


def _token_for_user_1() -> str:
    from services.auth import issue_token
    from tests.support.api import SECRET

    return issue_token(SECRET, 1)
