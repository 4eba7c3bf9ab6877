"""Every change is recorded with who, what, when and the request; admins read it."""

from tests.api.lookups import acme_omnichannel_id, acme_support_id
from tests.support.operations import SUBSCRIBE_PRODUCT, UPDATE_QUANTITY
from tests.support.people import ADA, MAX

HISTORY = """
query History($id: ID!, $first: Int, $after: String) {
  subscription(id: $id) {
    history(first: $first, after: $after) {
      edges { cursor node {
        action oldQuantity newQuantity prorationAmount { amount } occurredAt requestId
        changedBy { email name }
      } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


async def change(api, subscription_id: str, quantity: int):
    return await api.post(
        UPDATE_QUANTITY,
        {"input": {"subscriptionId": subscription_id, "quantity": quantity}},
        as_user=ADA,
    )


async def test_changes_are_listed_newest_first_with_who_and_which_request(api):
    subscription_id = await acme_omnichannel_id(api)
    first = await change(api, subscription_id, 5)
    second = await change(api, subscription_id, 4)

    history = (await api.data(HISTORY, {"id": subscription_id}))["subscription"]["history"]

    nodes = [edge["node"] for edge in history["edges"]]
    assert nodes == [
        {
            "action": "QUANTITY_CHANGED",
            "oldQuantity": 5,
            "newQuantity": 4,
            "prorationAmount": {"amount": "-20.80"},
            "occurredAt": "2026-11-15T12:00:00Z",
            "requestId": second.headers["x-request-id"],
            "changedBy": {"email": ADA, "name": "Ada Lovelace"},
        },
        {
            "action": "QUANTITY_CHANGED",
            "oldQuantity": 3,
            "newQuantity": 5,
            "prorationAmount": {"amount": "41.60"},
            "occurredAt": "2026-11-15T12:00:00Z",
            "requestId": first.headers["x-request-id"],
            "changedBy": {"email": ADA, "name": "Ada Lovelace"},
        },
    ]


async def test_history_pages_by_cursor(api):
    subscription_id = await acme_omnichannel_id(api)
    for quantity in (5, 6, 7):
        await change(api, subscription_id, quantity)

    page = (await api.data(HISTORY, {"id": subscription_id, "first": 2}))["subscription"]["history"]
    rest = (
        await api.data(
            HISTORY, {"id": subscription_id, "first": 2, "after": page["pageInfo"]["endCursor"]}
        )
    )["subscription"]["history"]

    assert [e["node"]["newQuantity"] for e in page["edges"] + rest["edges"]] == [7, 6, 5]
    assert page["pageInfo"]["hasNextPage"] is True
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_subscribing_is_recorded_and_refusals_are_not(api):
    account_id = await acme_support_id(api)
    added = await api.data(
        SUBSCRIBE_PRODUCT, {"input": {"accountId": account_id, "planCode": "SLACK"}}
    )
    slack_id = added["subscribeProduct"]["subscription"]["id"]
    await change(api, slack_id, 1)  # unchanged: refused

    history = (await api.data(HISTORY, {"id": slack_id}))["subscription"]["history"]

    [only] = [edge["node"] for edge in history["edges"]]
    assert (only["action"], only["oldQuantity"], only["newQuantity"], only["prorationAmount"]) == (
        "SUBSCRIBED",
        None,
        1,
        None,
    )


async def test_a_change_while_trialing_records_a_zero_proration(api):
    account_id = await acme_support_id(api)
    added = await api.data(
        SUBSCRIBE_PRODUCT, {"input": {"accountId": account_id, "planCode": "SLACK"}}
    )
    slack_id = added["subscribeProduct"]["subscription"]["id"]

    await change(api, slack_id, 4)

    newest = (await api.data(HISTORY, {"id": slack_id}))["subscription"]["history"]["edges"][0]
    assert newest["node"]["prorationAmount"] == {"amount": "0.00"}


async def test_members_may_not_read_the_history(api):
    subscription_id = await acme_omnichannel_id(api)

    body = await api.gql(HISTORY, {"id": subscription_id}, as_user=MAX)

    assert body["data"]["subscription"]["history"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["path"] == ["subscription", "history"]
