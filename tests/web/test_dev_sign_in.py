"""Development sign-in: tokens for the demo users only, and never in production."""

from datetime import UTC, datetime

import jwt

from tests.support.api import SECRET
from tests.support.factories import account_with_admin
from tests.support.people import ADA, GUS, MAX

VIEWER = "{ viewer { email } }"


async def test_a_demo_user_gets_a_token_that_signs_them_in(api):
    answer = await api.client.post("/dev/token", json={"email": MAX})

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    token = answer.json()["token"]
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 12 * 3600
    viewer = await api.client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
    )
    assert viewer.json() == {"data": {"viewer": {"email": MAX}}}


async def test_the_demo_users_are_listed_for_the_sign_in_buttons(api):
    answer = await api.client.get("/dev/users")

    assert answer.json() == {
        "users": [
            {"email": ADA, "name": "Ada Lovelace"},
            {"email": MAX, "name": "Max Planck"},
            {"email": GUS, "name": "Gus Grissom"},
        ]
    }


async def test_nobody_else_gets_one(api, db):
    await account_with_admin(db, "Initech", "peter@initech.test", datetime.now(UTC))

    for body in ({"email": "peter@initech.test"}, {"email": "nobody@acme.test"}, {}, ["x"]):
        answer = await api.client.post("/dev/token", json=body)
        assert answer.status_code == 404, body
        assert "token" not in answer.json()
    form = await api.client.post("/dev/token", data={"email": ADA})
    assert form.status_code == 415
    garbled = await api.client.post(
        "/dev/token", content=b"{", headers={"content-type": "application/json"}
    )
    assert garbled.status_code == 400


async def test_before_the_seed_there_is_no_one_to_be(apis):
    api = await apis.start(seed=False)

    assert (await api.client.get("/dev/users")).json() == {"users": []}
    answer = await api.client.post("/dev/token", json={"email": ADA})
    assert answer.status_code == 404
    assert "octopods seed" in answer.json()["error"]


async def test_production_has_no_such_addresses(apis):
    api = await apis.start(clock=None, seed=True, env="production")

    assert (await api.client.post("/dev/token", json={"email": ADA})).status_code == 404
    assert (await api.client.get("/dev/users")).status_code == 404
