import strawberry

from schema.types.account import AccountType
from schema.types.enums import Role


@strawberry.type
class Membership:
    account: AccountType
    role: Role


@strawberry.type(description="The signed-in user.")
class Viewer:
    email: str
    name: str
    memberships: list[Membership]
