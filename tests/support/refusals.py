"""A refused change: its code and input field, no result, and nothing written."""

from tests.support.people import ADA
from tests.support.snapshot import snapshot


async def assert_refused(
    api, db, document: str, variables: dict, code: str, field: list[str], *, as_user: str = ADA
) -> str:
    """Send `document` with `{"input": variables}`; it answers one error of `code` at
    `field` and nothing else, and the whole database is as it was. Returns the message."""
    before = await snapshot(db)

    body = await api.gql(document, {"input": variables}, as_user=as_user)

    assert "errors" not in body, body
    [payload] = body["data"].values()
    assert [(error["code"], error["field"]) for error in payload["errors"]] == [(code, field)]
    message = payload["errors"][0]["message"]
    assert message
    assert all(value is None for name, value in payload.items() if name != "errors"), payload
    assert await snapshot(db) == before
    return message
