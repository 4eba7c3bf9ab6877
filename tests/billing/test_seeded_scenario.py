"""Issue #3's scenario on the demo data, driven by the test clock over HTTP."""

from tests.support.operations import ACCOUNTS, ADVANCE, INVOICE_PAGE, UPDATE
from tests.support.people import ADA, GUS


async def account(api, name: str, as_user: str = ADA) -> dict:
    data = await api.data(ACCOUNTS, as_user=as_user)
    found = [m["account"] for m in data["viewer"]["memberships"] if m["account"]["name"] == name]
    return found[0]


async def invoices(api, account_id: str, as_user: str = ADA) -> list[dict]:
    data = await api.data(INVOICE_PAGE, {"id": account_id, "first": 100}, as_user=as_user)
    return [edge["node"] for edge in data["account"]["invoices"]["edges"]]


async def test_the_upgrade_lands_on_the_december_invoice_with_the_new_price(api):
    acme = await account(api, "Acme Support")
    omnichannel = acme["subscriptions"][0]["id"]
    await api.data(UPDATE, {"input": {"subscriptionId": omnichannel, "quantity": 5}})

    advanced = await api.data(ADVANCE, {"to": "2026-12-01T00:00:00Z"})

    # Acme's December invoice and Globex's trial conversion on Nov 20.
    assert advanced["advanceTestClock"] == {"now": "2026-12-01T00:00:00Z", "invoicesIssued": 2}
    newest = (await invoices(api, acme["id"]))[0]
    assert newest["total"]["amount"] == "246.60"
    assert (newest["periodStart"], newest["periodEnd"]) == (
        "2026-12-01T00:00:00Z",
        "2027-01-01T00:00:00Z",
    )
    assert newest["issuedAt"] == "2026-12-01T00:00:00Z"
    lines = [(line["kind"], line["amount"]["amount"]) for line in newest["lines"]]
    assert lines == [("PRORATION", "41.60"), ("RECURRING", "205.00")]


async def test_the_upcoming_invoice_moves_on_once_its_boundary_is_invoiced(api):
    acme = await account(api, "Acme Support")
    await api.data(
        UPDATE, {"input": {"subscriptionId": acme["subscriptions"][0]["id"], "quantity": 5}}
    )

    await api.data(ADVANCE, {"to": "2026-12-01T00:00:00Z"})

    subscription = (await account(api, "Acme Support"))["subscriptions"][0]
    assert subscription["currentPeriodStart"] == "2026-12-01T00:00:00Z"
    upcoming = subscription["upcomingInvoice"]
    assert upcoming["issuedAt"] == "2027-01-01T00:00:00Z"
    assert [line["kind"] for line in upcoming["lines"]] == ["RECURRING"]
    assert upcoming["total"]["amount"] == "205.00"


async def test_globex_trial_turns_active_on_nov_20_with_a_58_dollar_invoice(api):
    await api.data(ADVANCE, {"to": "2026-11-20T00:00:00Z"})

    globex = await account(api, "Globex", as_user=GUS)
    whatsapp = globex["subscriptions"][0]
    assert whatsapp["status"] == "ACTIVE"
    assert whatsapp["trialEndsAt"] == "2026-11-20T00:00:00Z"
    assert (whatsapp["currentPeriodStart"], whatsapp["currentPeriodEnd"]) == (
        "2026-11-20T00:00:00Z",
        "2026-12-20T00:00:00Z",
    )
    [invoice] = await invoices(api, globex["id"], as_user=GUS)
    assert invoice["total"]["amount"] == "58.00"
    assert (invoice["periodStart"], invoice["periodEnd"]) == (
        "2026-11-20T00:00:00Z",
        "2026-12-20T00:00:00Z",
    )
    assert [line["kind"] for line in invoice["lines"]] == ["RECURRING"]


async def test_advancing_again_to_the_same_instant_issues_nothing(api):
    await api.data(ADVANCE, {"to": "2026-12-01T00:00:00Z"})

    again = await api.data(ADVANCE, {"to": "2026-12-01T00:00:00Z"})

    assert again["advanceTestClock"]["invoicesIssued"] == 0
    acme = await account(api, "Acme Support")
    assert len(await invoices(api, acme["id"])) == 2


async def test_the_clock_does_not_go_back_or_leap_a_decade(api):
    for to in ("2026-11-01T00:00:00Z", "2036-11-16T00:00:00Z"):
        body = await api.gql(ADVANCE, {"to": to})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", to

    assert (await api.data("{ now }"))["now"] == "2026-11-15T12:00:00Z"


async def test_a_change_just_after_a_missed_boundary_is_priced_in_the_new_period(apis):
    # The server's clock passes Dec 1 without billing having run (no advance mutation).
    api = await apis.start(clock="2026-11-15T12:00:00Z", seed=True)
    api.clock.advance_to(api.clock.now().replace(month=12, day=1, hour=0, minute=5))
    acme = await account(api, "Acme Support")

    result = await api.data(
        UPDATE, {"input": {"subscriptionId": acme["subscriptions"][0]["id"], "quantity": 5}}
    )

    # Dec 1 → Jan 1 has 31 days, all remaining: the full difference, 78.00.
    assert result["updateQuantity"]["prorationLine"]["amount"]["amount"] == "78.00"
    issued = await invoices(api, acme["id"])
    assert [invoice["total"]["amount"] for invoice in issued] == ["127.00", "127.00"]
    assert issued[0]["periodStart"] == "2026-12-01T00:00:00Z"
