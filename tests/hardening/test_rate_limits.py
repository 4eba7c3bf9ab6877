"""Changes and previews are rate-limited per user (SPEC §6): past the bucket a request
gets RATE_LIMITED with a Retry-After, writes nothing, and other users go on."""

import asyncio

import pytest

from services.settings import RateLimits
from tests.api.lookups import acme_omnichannel_id, globex_whatsapp_id
from tests.support.operations import PREVIEW_COST, UPDATE_QUANTITY
from tests.support.people import ADA, GUS
from tests.support.snapshot import snapshot

SLOW_REFILL = RateLimits(burst=3, per_second=0.5)


async def _preview(api, subscription_id: str, as_user: str = ADA):
    return await api.post(PREVIEW_COST, {"id": subscription_id, "quantity": 4}, as_user=as_user)


async def test_past_its_burst_a_preview_is_refused_with_retry_after(apis):
    api = await apis.start(seed=True, rate_limits=SLOW_REFILL)
    subscription_id = await acme_omnichannel_id(api)

    answers = [await _preview(api, subscription_id) for _ in range(4)]

    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.headers["retry-after"] == "2"
    assert "data" not in refused.json()
    [error] = refused.json()["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 2}
    assert error["path"] == ["previewCost"]
    assert "at most 3 at once" in error["message"]


async def test_changes_have_their_own_bucket_and_a_refused_one_writes_nothing(apis, db):
    api = await apis.start(seed=True, rate_limits=SLOW_REFILL)
    subscription_id = await acme_omnichannel_id(api)
    for _ in range(3):
        assert (await _preview(api, subscription_id)).status_code == 200
    for quantity in (4, 5, 6):
        change = {"input": {"subscriptionId": subscription_id, "quantity": quantity}}
        assert (await api.data(UPDATE_QUANTITY, change))["updateQuantity"]["errors"] == []
    before = await snapshot(db)

    refused = await api.post(
        UPDATE_QUANTITY,
        {"input": {"subscriptionId": subscription_id, "quantity": 7}},
        as_user=ADA,
    )

    assert refused.status_code == 429
    assert [e["extensions"]["code"] for e in refused.json()["errors"]] == ["RATE_LIMITED"]
    assert await snapshot(db) == before


async def test_one_user_over_the_limit_does_not_slow_another(apis):
    api = await apis.start(seed=True, rate_limits=SLOW_REFILL)
    acme, globex = await acme_omnichannel_id(api), await globex_whatsapp_id(api)
    for _ in range(4):
        await _preview(api, acme)

    assert (await _preview(api, globex, as_user=GUS)).status_code == 200


async def test_the_bucket_refills(apis):
    api = await apis.start(seed=True, rate_limits=RateLimits(burst=1, per_second=1))
    subscription_id = await acme_omnichannel_id(api)
    assert (await _preview(api, subscription_id)).status_code == 200
    assert (await _preview(api, subscription_id)).status_code == 429

    await asyncio.sleep(1.1)

    assert (await _preview(api, subscription_id)).status_code == 200


async def test_concurrent_requests_get_exactly_the_burst(apis):
    api = await apis.start(seed=True, rate_limits=RateLimits(burst=10, per_second=0.01))
    subscription_id = await acme_omnichannel_id(api)

    answers = await asyncio.gather(*(_preview(api, subscription_id) for _ in range(25)))

    assert sorted(r.status_code for r in answers) == [200] * 10 + [429] * 15


async def test_the_limit_is_shared_by_instances_on_postgresql(apis, db):
    if db.is_sqlite:
        pytest.skip("an SQLite file is served by one process, which keeps its buckets")
    first = await apis.start(seed=True, rate_limits=SLOW_REFILL)
    second = await apis.start(rate_limits=SLOW_REFILL)
    subscription_id = await acme_omnichannel_id(first)

    answers = [await _preview(server, subscription_id) for server in (first, second) * 2]

    assert [r.status_code for r in answers] == [200, 200, 200, 429]


async def test_zero_turns_it_off(apis):
    api = await apis.start(seed=True, rate_limits=RateLimits(burst=0))
    subscription_id = await acme_omnichannel_id(api)

    answers = [await _preview(api, subscription_id) for _ in range(120)]

    assert {r.status_code for r in answers} == {200}
