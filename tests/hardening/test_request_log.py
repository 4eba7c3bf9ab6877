"""One structured log line per GraphQL operation."""

import logging

from services.auth import issue_token
from tests.api.lookups import acme_omnichannel_id
from tests.support.api import SECRET, ApiFactory
from tests.support.logs import INSTANCE, operations, written
from tests.support.operations import PREVIEW_COST
from tests.support.people import MAX


def operation_lines(caplog) -> list[dict]:
    return operations(caplog.records)


async def test_each_operation_logs_name_user_duration_outcome_and_request_id(api, caplog):
    subscription_id = await acme_omnichannel_id(api)
    caplog.clear()

    with caplog.at_level(logging.INFO, logger="octopods.requests"):
        ok = await api.post(PREVIEW_COST, {"id": subscription_id, "quantity": 5}, as_user=MAX)
        refused = await api.post(PREVIEW_COST, {"id": subscription_id, "quantity": 99}, as_user=MAX)
        anonymous = await api.post("query Clock { now }", as_user=None)

    lines = operation_lines(caplog)
    assert [line["operation"] for line in lines] == ["PreviewCost", "PreviewCost", "Clock"]
    assert [line["outcome"] for line in lines] == ["ok", "client_error", "ok"]
    assert [line["request_id"] for line in lines] == [
        r.headers["x-request-id"] for r in (ok, refused, anonymous)
    ]
    assert lines[0]["user"] == lines[1]["user"] is not None
    assert lines[2]["user"] is None
    assert all(line["type"] == "query" and line["duration_ms"] >= 0 for line in lines)


async def test_every_line_written_during_a_request_carries_its_request_id(db, tmp_path, caplog):
    """Even a line written deep below the schema, by a logger that knows nothing of
    requests: here the masked error's (an unmigrated database makes every query fail)."""
    factory = ApiFactory(db, f"sqlite+aiosqlite:///{tmp_path}/never-migrated.db")
    try:
        api = await factory.start()
        with caplog.at_level(logging.INFO):
            response = await api.client.post(
                "/graphql",
                json={"query": "query Me { viewer { email } }"},
                headers={"Authorization": "Bearer " + issue_token(SECRET, 1)},
            )
    finally:
        await factory.close()

    lines = written(caplog.records, "octopods")
    request_id = response.headers["x-request-id"]
    assert {line["logger"] for line in lines} >= {"octopods.errors", "octopods.requests"}
    assert {line.get("request_id") for line in lines} == {request_id}, lines
    assert all(line["instance"] == INSTANCE for line in lines)
    [failure] = [line for line in lines if line["level"] == "ERROR"]
    assert "no such table" in failure["exception"]
