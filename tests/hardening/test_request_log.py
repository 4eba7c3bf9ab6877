"""One structured log line per GraphQL operation."""

import json
import logging

from tests.api.lookups import acme_omnichannel_id
from tests.api.operations import PREVIEW_COST


def operation_lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "octopods.requests"]


async def test_each_operation_logs_name_user_duration_outcome_and_request_id(api, caplog):
    subscription_id = await acme_omnichannel_id(api)
    caplog.clear()

    with caplog.at_level(logging.INFO, logger="octopods.requests"):
        ok = await api.post(
            PREVIEW_COST, {"id": subscription_id, "quantity": 5}, as_user="max@acme.test"
        )
        refused = await api.post(
            PREVIEW_COST, {"id": subscription_id, "quantity": 99}, as_user="max@acme.test"
        )
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
