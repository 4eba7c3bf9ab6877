"""Field permissions, with Strawberry's permission machinery."""

from typing import Any, ClassVar

import strawberry
from strawberry.permission import BasePermission


class IsAuthenticated(BasePermission):
    """A valid bearer token of an existing user. Refusals carry UNAUTHENTICATED and say
    why (missing, malformed, expired)."""

    message = "Sign in first."
    error_extensions: ClassVar[dict] = {"code": "UNAUTHENTICATED"}

    async def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        await info.context.viewer()  # raises NotSignedIn with the reason
        return True


AUTHENTICATED = [IsAuthenticated]


class IsAccountAdmin(BasePermission):
    """The viewer is an admin of the account the source object belongs to."""

    message = "Only an admin of this account can see this."
    error_extensions: ClassVar[dict] = {"code": "FORBIDDEN"}

    async def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        viewer = await info.context.viewer()
        return viewer.can_change(source.account_id)
