"""Who may do what: members read, admins change, non-members see nothing."""

from dataclasses import dataclass, field
from enum import StrEnum

from services.errors import Reason, Refused, Subject, not_found


class Role(StrEnum):
    ADMIN = "ADMIN"
    MEMBER = "MEMBER"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in user and the role they hold in each of their accounts."""

    user_id: int
    email: str
    name: str
    roles: dict[int, Role] = field(default_factory=dict)

    def role_in(self, account_id: int) -> Role | None:
        return self.roles.get(account_id)

    def can_read(self, account_id: int) -> bool:
        return account_id in self.roles

    def can_change(self, account_id: int) -> bool:
        return self.roles.get(account_id) is Role.ADMIN


def require_admin(viewer: Viewer, account_id: int, what: Subject) -> None:
    """To a non-member the account and what it holds do not exist; a member who is not
    an admin is refused. `what` is the thing asked for in the account."""
    if not viewer.can_read(account_id):
        raise not_found(what)
    if not viewer.can_change(account_id):
        raise Refused(Reason.FORBIDDEN, "Only an admin of this account can make this change.", what)
