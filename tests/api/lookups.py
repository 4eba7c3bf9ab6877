"""Finding the opaque ids of the demo data by querying, as a client would."""

from tests.support.operations import MEMBERSHIPS
from tests.support.people import ADA, GUS


async def account_ids(api, as_user: str = ADA) -> dict[str, str]:
    """The ids of the viewer's accounts, by account name."""
    data = await api.data(MEMBERSHIPS, as_user=as_user)
    return {m["account"]["name"]: m["account"]["id"] for m in data["viewer"]["memberships"]}


async def subscription_id(api, account_name: str, plan_code: str, as_user: str) -> str:
    data = await api.data(MEMBERSHIPS, as_user=as_user)
    for membership in data["viewer"]["memberships"]:
        if membership["account"]["name"] == account_name:
            for subscription in membership["account"]["subscriptions"]:
                if subscription["plan"]["code"] == plan_code:
                    return subscription["id"]
    raise AssertionError(f"{account_name} has no {plan_code} subscription for {as_user}")


async def acme_omnichannel_id(api) -> str:
    return await subscription_id(api, "Acme Support", "OMNICHANNEL", ADA)


async def globex_whatsapp_id(api) -> str:
    return await subscription_id(api, "Globex", "WHATSAPP_BUSINESS", GUS)


async def acme_support_id(api) -> str:
    return (await account_ids(api))["Acme Support"]
