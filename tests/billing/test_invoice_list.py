"""Account.invoices: issued invoices, newest first, paged by stable cursors."""

from datetime import UTC, datetime

from services.billing.run import run_billing
from services.catalog import PlanCode
from tests.support.factories import account_with_admin, trialing_subscription
from tests.support.operations import INVOICE_PAGE

SUBSCRIBED = datetime(2026, 1, 3, 8, tzinfo=UTC)
OWNER = "kim@paged.test"


async def account_with_invoices(apis, db):
    """Two subscriptions billed monthly through 2026: 23 invoices on interleaved dates."""
    api = await apis.start(clock="2026-12-20T00:00:00Z")
    account = await account_with_admin(db, "Paged", OWNER, SUBSCRIBED)
    await trialing_subscription(db, account.id, PlanCode.SLACK, 1, SUBSCRIBED)
    await trialing_subscription(
        db, account.id, PlanCode.INSTAGRAM, 3, datetime(2026, 1, 20, tzinfo=UTC)
    )
    await run_billing(db, api.clock.now())
    data = await api.data("{ viewer { memberships { account { id } } } }", as_user=OWNER)
    return api, data["viewer"]["memberships"][0]["account"]["id"]


async def page(api, account_id: str, first: int, after: str | None = None) -> dict:
    variables = {"id": account_id, "first": first, "after": after}
    return (await api.data(INVOICE_PAGE, variables, as_user=OWNER))["account"]["invoices"]


async def test_small_pages_return_every_invoice_once_newest_first(apis, db):
    api, account_id = await account_with_invoices(apis, db)
    everything = [edge["node"] for edge in (await page(api, account_id, 100))["edges"]]

    seen, after, pages = [], None, 0
    while True:
        current = await page(api, account_id, 4, after)
        seen += [edge["node"] for edge in current["edges"]]
        pages += 1
        assert current["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not current["pageInfo"]["hasNextPage"]:
            break
        after = current["pageInfo"]["endCursor"]

    assert len(everything) == 23
    assert seen == everything
    assert pages == 6
    issued = [invoice["issuedAt"] for invoice in seen]
    assert issued == sorted(issued, reverse=True)


async def test_a_cursor_stays_valid_when_newer_invoices_are_issued(apis, db):
    api, account_id = await account_with_invoices(apis, db)
    first = await page(api, account_id, 3)
    expected_next = await page(api, account_id, 3, first["pageInfo"]["endCursor"])

    await run_billing(db, datetime(2027, 2, 21, tzinfo=UTC))
    after_more_billing = await page(api, account_id, 3, first["pageInfo"]["endCursor"])

    assert after_more_billing["edges"] == expected_next["edges"]


async def test_invoice_numbers_are_unique_and_increase_within_the_account(apis, db):
    api, account_id = await account_with_invoices(apis, db)
    # Another account whose name starts alike, billed in between.
    other = await account_with_admin(db, "Paged Too", "lee@paged.test", SUBSCRIBED)
    await trialing_subscription(db, other.id, PlanCode.SLACK, 1, SUBSCRIBED)
    await run_billing(db, datetime(2026, 12, 20, tzinfo=UTC))

    numbers = [edge["node"]["number"] for edge in (await page(api, account_id, 100))["edges"]]
    other_data = await api.data(
        "{ viewer { memberships { account { id } } } }", as_user="lee@paged.test"
    )
    other_id = other_data["viewer"]["memberships"][0]["account"]["id"]
    others = [
        edge["node"]["number"]
        for edge in (
            await api.data(INVOICE_PAGE, {"id": other_id, "first": 100}, as_user="lee@paged.test")
        )["account"]["invoices"]["edges"]
    ]

    assert not set(numbers) & set(others)
    assert len(set(numbers)) == len(numbers)
    sequence = [int(number.rsplit("-", 1)[1]) for number in reversed(numbers)]
    assert sequence == list(range(1, 24))
    assert numbers[0].startswith("PAGE")


async def test_a_bad_cursor_or_page_size_is_a_clear_error(apis, db):
    api, account_id = await account_with_invoices(apis, db)

    for variables, field in [
        ({"after": "not-a-cursor", "first": 5}, "after"),
        ({"first": 100000}, "first"),
        ({"first": -1}, "first"),
    ]:
        body = await api.gql(INVOICE_PAGE, {"id": account_id, **variables}, as_user=OWNER)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", variables
        assert body["errors"][0]["extensions"]["field"] == [field]


async def test_the_default_page_is_twenty(apis, db):
    api, account_id = await account_with_invoices(apis, db)

    body = await api.data(INVOICE_PAGE, {"id": account_id}, as_user=OWNER)

    assert len(body["account"]["invoices"]["edges"]) == 20
    assert body["account"]["invoices"]["pageInfo"]["hasNextPage"] is True
