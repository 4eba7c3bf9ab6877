"""Field permissions, with Strawberry's permission machinery."""

from typing import Any, ClassVar

import strawberry
from strawberry.permission import BasePermission

from services.rate_limits import Kind


class IsAuthenticated(BasePermission):
    """A valid bearer token of an existing user. Refusals carry UNAUTHENTICATED and say
    why (missing, malformed, expired)."""

    plannable = True  # schema/planned.py may check it itself
    message = "Sign in first."
    error_extensions: ClassVar[dict] = {"code": "UNAUTHENTICATED"}

    async def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        await info.context.viewer()  # raises NotSignedIn with the reason
        return True


AUTHENTICATED = [IsAuthenticated]


class WithinRateLimit(BasePermission):
    """The viewer has a token left for this kind of request (SPEC §6); else the request
    gets RATE_LIMITED with the seconds to wait. Comes after IsAuthenticated."""

    plannable = True
    kind: ClassVar[Kind]
    message = "Too many requests."

    async def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        await info.context.within_rate_limit(self.kind)  # raises RateLimited
        return True


class ChangesWithinRateLimit(WithinRateLimit):
    kind = Kind.CHANGES


class PreviewsWithinRateLimit(WithinRateLimit):
    kind = Kind.PREVIEWS


CHANGE = [IsAuthenticated, ChangesWithinRateLimit]
PREVIEW = [IsAuthenticated, PreviewsWithinRateLimit]


class IsAccountAdmin(BasePermission):
    """The viewer is an admin of the account the source object belongs to."""

    message = "Only an admin of this account can see this."
    error_extensions: ClassVar[dict] = {"code": "FORBIDDEN"}

    async def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        viewer = await info.context.viewer()
        return viewer.can_change(source.account_id)
