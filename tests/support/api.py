"""The real app over HTTP (httpx on the ASGI app), with its lifespan running."""

from contextlib import AsyncExitStack
from typing import Any

import httpx
from sqlmodel import select

from server.app import create_app
from services.auth import issue_token
from services.demo import seed as seed_demo_data
from services.persistence.database import Database
from services.persistence.tables import User
from services.settings import Settings, parse_instant
from tests.support.people import ADA

SECRET = "test-secret-of-at-least-32-bytes-for-hs256"


class Api:
    def __init__(self, app, client: httpx.AsyncClient, db: Database):
        self.app = app
        self.client = client
        self.db = db

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
        return await self.client.post("/graphql", json=body, headers=headers)

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
    def __init__(self, db: Database, database_url: str):
        self.db = db
        self.database_url = database_url
        self._stack = AsyncExitStack()

    async def start(
        self, *, clock: str | None = "2026-11-15T12:00:00Z", seed: bool = False, **settings: Any
    ) -> Api:
        config = Settings(
            database_url=self.database_url,
            jwt_secret=SECRET,
            test_clock=parse_instant(clock) if clock else None,
            **settings,
        )
        app = create_app(config)
        await self._stack.enter_async_context(app.router.lifespan_context(app))
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        await self._stack.enter_async_context(client)
        if seed:
            await seed_demo_data(self.db, app.state.clock.now())
        return Api(app, client, self.db)

    async def close(self) -> None:
        await self._stack.aclose()
