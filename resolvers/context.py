"""What every resolver may read about the request: who asks, the clock, the loaders."""

from dataclasses import dataclass, field
from datetime import timedelta

from resolvers.loaders import Loaders
from services import accounts
from services.auth import user_id_from_header
from services.changes import ChangeRequest
from services.clock import Clock, TestClock
from services.errors import NotSignedIn, RateLimited
from services.permissions import Viewer
from services.persistence.database import Database
from services.rate_limits import Kind, RateLimiter, Unlimited


@dataclass
class ChangeMade:
    """The outcome of the change a request made: what it answered, or what it raised."""

    answer: object = None
    error: Exception | None = None


@dataclass
class Context:
    db: Database
    clock: Clock
    jwt_secret: str
    authorization: str | None
    request_id: str
    key_retention: timedelta = timedelta(hours=24)
    quote_key: bytes = b""
    instance: str = ""  # the server instance answering
    # A WebSocket connection's: its `connection_init` payload, and who it signed in as.
    connection_params: object = None
    connection_user_id: int | None = None
    rate_limiter: RateLimiter = field(default_factory=Unlimited)
    loaders: Loaders = field(init=False)
    _viewer: Viewer | None = field(default=None, init=False)
    # One decision per kind and request, even where a field is resolved twice (a
    # planned query falling back to the generic executor).
    _rate_checked: dict[Kind, RateLimited | None] = field(default_factory=dict, init=False)
    # Kept where a change may be asked for twice (the fast lane, whose plan may fail after
    # it, schema/fast_lane.py): [] until it is made, then its outcome, which a second
    # ask gets instead of making it again. None (everywhere else): not kept.
    changes_made: list[ChangeMade] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.db)

    def refresh(self) -> None:
        """Forget what was read, for a long-lived connection's next answer."""
        self.forget_reads()
        self._viewer = None

    def forget_reads(self) -> None:
        """Drop the loaders and what they read, once the answer is made: freed then,
        not when the collector gets to the generic executor's own reference cycles,
        which hold the context."""
        self.loaders = Loaders(self.db)

    @property
    def test_clock(self) -> TestClock | None:
        return self.clock if isinstance(self.clock, TestClock) else None

    @property
    def signed_in(self) -> Viewer:
        """The viewer, for fields below a root field that authenticated the request."""
        if self._viewer is None:
            raise NotSignedIn("Sign in first.")
        return self._viewer

    @property
    def viewer_id(self) -> int | None:
        """The signed-in user's id, or None if the request has not signed in (yet)."""
        return self._viewer.user_id if self._viewer is not None else None

    async def viewer(self) -> Viewer:
        """The signed-in user, loaded once per request; NotSignedIn if none."""
        if self._viewer is None:
            user_id = user_id_from_header(self.jwt_secret, self.authorization)
            found = await accounts.signed_in(self.db, user_id, self.clock.now())
            if found is None:
                raise NotSignedIn("The token's user does not exist.")
            self._viewer = found.viewer
            for account in found.accounts:
                self.loaders.account.prime(account.id, account)
        return self._viewer

    async def within_rate_limit(self, kind: Kind) -> None:
        """Take this request's token of `kind`; RateLimited if the viewer has none left."""
        if kind not in self._rate_checked:
            viewer = await self.viewer()
            try:
                await self.rate_limiter.take(viewer.user_id, kind)
                self._rate_checked[kind] = None
            except RateLimited as refused:
                self._rate_checked[kind] = refused
        refused = self._rate_checked[kind]
        if refused is not None:
            raise refused

    async def change_request(self, idempotency_key: str | None) -> ChangeRequest:
        return ChangeRequest(
            db=self.db,
            clock=self.clock,
            viewer=await self.viewer(),
            request_id=self.request_id,
            idempotency_key=idempotency_key,
            key_retention=self.key_retention,
            quote_key=self.quote_key,
            instance=self.instance,
        )
