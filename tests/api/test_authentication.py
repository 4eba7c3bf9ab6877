"""Bearer tokens (SPEC §5): a missing, malformed, wrongly signed or expired token gives a
GraphQL error with extensions.code UNAUTHENTICATED on everything but `plans` and `now`."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlmodel import select

from services.auth import issue_token
from services.persistence.tables import User
from tests.api.lookups import acme_omnichannel_id, acme_support_id
from tests.support.api import SECRET
from tests.support.operations import (
    ACCOUNT_DETAILS,
    NOW,
    PLANS,
    PREVIEW_COST,
    UPDATE_QUANTITY,
    VIEWER,
)
from tests.support.people import ADA, GUS, MAX
from tests.support.snapshot import snapshot

OTHER_SECRET = "another-secret-of-at-least-32-bytes-long"


async def user_id(db, email: str) -> int:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == email))).one().id


async def bad_authorization(kind: str, db) -> dict:
    """The Authorization header of each kind of bad token, for ada."""
    ada = await user_id(db, ADA)
    now = datetime.now(UTC)
    headers = {
        "missing": {},
        "empty": {"Authorization": ""},
        "bearer garbage": {"Authorization": "Bearer x"},
        "bearer nothing": {"Authorization": "Bearer "},
        "basic scheme": {"Authorization": "Basic abc"},
        "token without scheme": {"Authorization": issue_token(SECRET, ada)},
        "wrongly signed": {"Authorization": f"Bearer {issue_token(OTHER_SECRET, ada)}"},
        "expired": {"Authorization": f"Bearer {issue_token(SECRET, ada, hours=-1)}"},
        "without exp": {
            "Authorization": "Bearer "
            + jwt.encode({"sub": str(ada), "iat": now}, SECRET, algorithm="HS256")
        },
        "unsigned (alg none)": {
            "Authorization": "Bearer "
            + jwt.encode({"sub": str(ada), "exp": now + timedelta(hours=1)}, None, algorithm="none")
        },
        "unknown user": {"Authorization": f"Bearer {issue_token(SECRET, 987654)}"},
    }
    return headers[kind]


BAD_TOKENS = [
    "missing",
    "empty",
    "bearer garbage",
    "bearer nothing",
    "basic scheme",
    "token without scheme",
    "wrongly signed",
    "expired",
    "without exp",
    "unsigned (alg none)",
    "unknown user",
]


async def operation(name: str, api) -> tuple[str, dict | None]:
    match name:
        case "viewer":
            return VIEWER, None
        case "account":
            return ACCOUNT_DETAILS, {"id": await acme_support_id(api)}
        case "previewCost":
            return PREVIEW_COST, {"id": await acme_omnichannel_id(api), "quantity": 5}
        case "updateQuantity":
            subscription_id = await acme_omnichannel_id(api)
            return UPDATE_QUANTITY, {"input": {"subscriptionId": subscription_id, "quantity": 5}}
    raise AssertionError(name)


def assert_unauthenticated(response, field: str) -> None:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] in (None, {field: None})  # `account` is nullable, the rest not
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["path"] == [field]
    assert error["message"]


@pytest.mark.parametrize("kind", BAD_TOKENS)
@pytest.mark.parametrize("field", ["viewer", "account", "previewCost", "updateQuantity"])
async def test_a_bad_token_is_unauthenticated(api, field, kind):
    query, variables = await operation(field, api)

    response = await api.post(
        query, variables, as_user=None, headers=await bad_authorization(kind, api.db)
    )

    assert_unauthenticated(response, field)


@pytest.mark.parametrize("kind", ["missing", "expired", "wrongly signed"])
async def test_an_unauthenticated_update_writes_nothing(api, db, kind):
    query, variables = await operation("updateQuantity", api)
    before = await snapshot(db)

    response = await api.post(
        query, variables, as_user=None, headers=await bad_authorization(kind, db)
    )

    assert_unauthenticated(response, "updateQuantity")
    assert await snapshot(db) == before


@pytest.mark.parametrize("kind", ["missing", "bearer garbage", "expired"])
async def test_plans_need_no_token(api, kind):
    response = await api.post(PLANS, as_user=None, headers=await bad_authorization(kind, api.db))

    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body
    assert {plan["code"] for plan in body["data"]["plans"]} == {
        "OMNICHANNEL",
        "WHATSAPP_BUSINESS",
        "INSTAGRAM",
        "SLACK",
    }


@pytest.mark.parametrize("kind", ["missing", "bearer garbage", "expired"])
async def test_now_needs_no_token(api, kind):
    response = await api.post(NOW, as_user=None, headers=await bad_authorization(kind, api.db))

    assert response.status_code == 200
    assert response.json() == {"data": {"now": "2026-11-15T12:00:00Z"}}


async def test_a_valid_token_signs_the_user_in(api, db):
    token = issue_token(SECRET, await user_id(db, MAX), hours=1)

    response = await api.post(VIEWER, as_user=None, headers={"Authorization": f"Bearer {token}"})

    assert response.json()["data"]["viewer"]["email"] == MAX


async def test_a_token_printed_today_still_works_with_a_test_clock_in_another_year(apis, db):
    api = await apis.start(clock="2031-01-01T00:00:00Z", seed=True)
    token = issue_token(SECRET, await user_id(db, GUS), hours=1)

    response = await api.post(VIEWER, as_user=None, headers={"Authorization": f"Bearer {token}"})

    assert response.json()["data"]["viewer"]["email"] == GUS


def _arabic_indic(number: int) -> str:
    return str(number).translate({ord(d): 0x0660 + int(d) for d in "0123456789"})


@pytest.mark.parametrize(
    "subject",
    [
        "arabic-indic digits of ada's id",
        "fullwidth digits of ada's id",
        "ada's id with a leading zero",
        "ada's id with a plus sign",
        "ada's id with spaces around",
        "thirty digits",
        "just past the id range",
        "zero",
        "negative",
        "a decimal",
        "empty",
    ],
)
async def test_a_signed_token_whose_sub_is_not_a_plain_user_id_is_unauthenticated(api, db, subject):
    ada = await user_id(db, ADA)
    sub = {
        "arabic-indic digits of ada's id": _arabic_indic(ada),
        "fullwidth digits of ada's id": str(ada).translate(
            {ord("0") + d: 0xFF10 + d for d in range(10)}
        ),
        "ada's id with a leading zero": f"0{ada}",
        "ada's id with a plus sign": f"+{ada}",
        "ada's id with spaces around": f" {ada} ",
        "thirty digits": "1" * 30,
        "just past the id range": str(2**31),
        "zero": "0",
        "negative": "-1",
        "a decimal": f"{ada}.0",
        "empty": "",
    }[subject]
    exp = datetime.now(UTC) + timedelta(hours=1)
    token = jwt.encode({"sub": sub, "exp": exp}, SECRET, algorithm="HS256")

    response = await api.post(VIEWER, as_user=None, headers={"Authorization": f"Bearer {token}"})

    assert_unauthenticated(response, "viewer")


async def test_a_token_in_the_url_is_ignored(api, db):
    token = issue_token(SECRET, await user_id(db, ADA))
    query = {"access_token": token, "token": token, "authorization": f"Bearer {token}"}

    response = await api.client.post("/graphql", params=query, json={"query": VIEWER})

    assert_unauthenticated(response, "viewer")
