from resolvers import cursors, ids
from resolvers.context import Context
from services import accounts, queries
from services.catalog import Plan
from services.errors import InvalidInput, Subject
from services.permissions import Role
from services.persistence.records import AccountRecord, SubscriptionRecord

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


async def account(context: Context, account_id: str) -> AccountRecord | None:
    viewer = await context.viewer()
    key = ids.decode(account_id, "Account")
    if key is None or not viewer.can_read(key):
        return None
    return await context.loaders.account.load(key)


async def memberships(context: Context) -> list[tuple[AccountRecord, Role]]:
    viewer = await context.viewer()
    found = await context.loaders.account.load_many(list(viewer.roles))
    return [(found_account, viewer.roles[found_account.id]) for found_account in found]


def viewer_role(context: Context, of: AccountRecord) -> Role:
    role = context.signed_in.role_in(of.id)
    if role is None:
        raise LookupError("only members reach an account")
    return role


async def subscriptions(context: Context, of: AccountRecord) -> list[SubscriptionRecord]:
    return await context.loaders.subscriptions_of_account.load(of.id)


async def available_plans(context: Context, of: AccountRecord) -> list[Plan]:
    return accounts.available_plans(await context.loaders.subscriptions_of_account.load(of.id))


async def messaging_allowance(context: Context, of: AccountRecord) -> int:
    return accounts.messaging_allowance(await context.loaders.subscriptions_of_account.load(of.id))


async def invoices(
    context: Context, of: AccountRecord, first: int | None, after: str | None
) -> queries.Page:
    request = page_request(queries.INVOICES, of.id, first, after)
    return await context.loaders.invoice_page.load(request)


def page_request(
    listing: queries.Listing, owner_id: int, first: int | None, after: str | None
) -> queries.PageRequest:
    first = DEFAULT_PAGE_SIZE if first is None else first
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise InvalidInput(
            f"`first` must be between 0 and {MAX_PAGE_SIZE}; got {first}.", Subject.PAGE_SIZE
        )
    position = cursors.decode(listing, after) if after is not None else None
    return queries.PageRequest(owner_id, first, position)
