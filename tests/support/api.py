"""The real app over HTTP (httpx on the ASGI app), with its lifespan running.

On the planned execution path (schema/planned.py) a generic twin runs beside the app,
on the same database and clock: every query is sent to both, and the answers and log
lines must be the same byte for byte, apart from what legitimately differs (timing, the
`planned` flag, the planner's own fallback line). Mutations go to the app alone.
"""

from contextlib import AsyncExitStack
from dataclasses import replace
from typing import Any

import httpx
from graphql import GraphQLSyntaxError, OperationDefinitionNode, OperationType, parse
from sqlmodel import select

from server.app import create_app
from server.logs import REQUEST_ID
from services.auth import issue_token
from services.demo import seed as seed_demo_data
from services.errors import RateLimited
from services.persistence.database import Database
from services.persistence.tables import User
from services.settings import Settings, parse_instant
from tests.support.logs import taken
from tests.support.people import ADA

SECRET = "test-secret-of-at-least-32-bytes-for-hs256"


PATHS = ("planned", "generic")
# What a query's lines may differ in between the two paths.
_TIMING = ("time", "duration_ms", "planned")
_PLANNER = "octopods.planned"


def only_reads(query: str) -> bool:
    """Whether a document holds no mutation or subscription (a broken one reads nothing)."""
    try:
        document = parse(query)
    except GraphQLSyntaxError:
        return True
    return all(
        d.operation is OperationType.QUERY
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    )


def comparable(lines: list[dict]) -> list[dict]:
    return [
        {k: v for k, v in line.items() if k not in _TIMING}
        for line in lines
        if line["logger"] != _PLANNER
    ]


class RecordedLimits:
    """The app's rate limiter, remembering its decisions by request id, so the twin
    answers the same request (same id) as the app did without taking a second token."""

    def __init__(self, limiter):
        self.limiter = limiter
        self.decided: dict = {}

    async def take(self, user_id: int, kind) -> None:
        key = (REQUEST_ID.get(), user_id, kind)
        try:
            await self.limiter.take(user_id, kind)
        except RateLimited as refused:
            self.decided[key] = refused
            raise
        self.decided[key] = None


class ReplayedLimits:
    def __init__(self, recorded: RecordedLimits):
        self.recorded = recorded

    async def take(self, user_id: int, kind) -> None:
        refused = self.recorded.decided.pop((REQUEST_ID.get(), user_id, kind), None)
        if refused is not None:
            raise refused


class Api:
    def __init__(self, app, client: httpx.AsyncClient, db: Database, twin: "Api | None" = None):
        self.app = app
        self.client = client
        self.db = db
        self.twin = twin  # the generic executor's app, for a planned one

    async def token(self, email: str) -> str:
        async with self.db.session() as session:
            user = (await session.exec(select(User).where(User.email == email))).one()
        return issue_token(SECRET, user.id)

    async def post(
        self,
        query: str,
        variables: dict | None = None,
        *,
        as_user: str | None,
        headers: dict | None = None,
    ) -> httpx.Response:
        headers = dict(headers or {})
        if as_user is not None:
            headers["Authorization"] = f"Bearer {await self.token(as_user)}"
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if self.twin is None or not only_reads(query):
            return await self.client.post("/graphql", json=body, headers=headers)
        with taken(hidden=False) as mine:
            response = await self.client.post("/graphql", json=body, headers=headers)
        # The same request id: it is in masked errors and every line.
        headers = {k: v for k, v in headers.items() if k.lower() != "x-request-id"}
        headers["X-Request-ID"] = response.headers["x-request-id"]
        with taken(hidden=True) as theirs:
            generic = await self.twin.client.post("/graphql", json=body, headers=headers)
        assert (response.status_code, response.content) == (generic.status_code, generic.content), (
            f"the planned path answered {response.status_code} {response.text}, "
            f"the generic one {generic.status_code} {generic.text}"
        )
        assert comparable(mine.lines()) == comparable(theirs.lines())
        return response

    async def gql(
        self, query: str, variables: dict | None = None, *, as_user: str | None = ADA
    ) -> dict:
        """The JSON body of a GraphQL request that must answer 200."""
        response = await self.post(query, variables, as_user=as_user)
        assert response.status_code == 200, response.text
        return response.json()

    async def data(
        self, query: str, variables: dict | None = None, *, as_user: str | None = ADA
    ) -> dict:
        """The `data` of a request that must succeed without errors."""
        body = await self.gql(query, variables, as_user=as_user)
        assert "errors" not in body, body["errors"]
        return body["data"]

    @property
    def clock(self):
        return self.app.state.clock


class ApiFactory:
    """Starts apps on `path` ("planned" or "generic"; None: the settings' default), a
    planned one with its generic twin when `twins`."""

    def __init__(
        self, db: Database, database_url: str, path: str | None = None, twins: bool = False
    ):
        self.db = db
        self.database_url = database_url
        self.path = path
        self.twins = twins
        self._stack = AsyncExitStack()

    async def start(
        self, *, clock: str | None = "2026-11-15T12:00:00Z", seed: bool = False, **settings: Any
    ) -> Api:
        if self.path is not None:
            settings.setdefault("planned_execution", self.path == "planned")
        config = Settings(
            database_url=self.database_url,
            jwt_secret=SECRET,
            test_clock=parse_instant(clock) if clock else None,
            **settings,
        )
        app, client = await self._serve(config)
        twin = None
        if self.twins and config.planned_execution:
            twin_app, twin_client = await self._serve(replace(config, planned_execution=False))
            twin_app.state.clock = app.state.clock  # one test clock for both
            app.state.rate_limiter = RecordedLimits(app.state.rate_limiter)
            twin_app.state.rate_limiter = ReplayedLimits(app.state.rate_limiter)
            twin = Api(twin_app, twin_client, self.db)
        if seed:
            await seed_demo_data(self.db, app.state.clock.now())
        return Api(app, client, self.db, twin)

    async def _serve(self, config: Settings):
        app = create_app(config)
        await self._stack.enter_async_context(app.router.lifespan_context(app))
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        await self._stack.enter_async_context(client)
        return app, client

    async def close(self) -> None:
        await self._stack.aclose()
