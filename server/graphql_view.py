"""Strawberry's ASGI view, given our request context and our own GraphiQL page."""

from collections.abc import Callable
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL

from resolvers.context import Context


class BillingGraphQL(GraphQL):
    def __init__(
        self,
        schema,
        *,
        jwt_secret: str,
        key_retention: timedelta,
        graphiql: bool,
        render_ide: Callable[[], Response],
    ):
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            allow_queries_via_get=graphiql,
        )
        self.jwt_secret = jwt_secret
        self.key_retention = key_retention
        self.render_ide = render_ide

    async def render_graphql_ide(self, request: Request) -> Response:
        # GraphiQL bundled from npm (server/web.py), not Strawberry's page, which loads
        # React and GraphiQL from a CDN and so stays on "Loading..." offline.
        return self.render_ide()

    async def get_context(self, request: Request, response: Response) -> Context:
        return Context(
            db=request.app.state.db,
            clock=request.app.state.clock,
            jwt_secret=self.jwt_secret,
            authorization=request.headers.get("authorization"),
            request_id=request.scope["state"]["request_id"],
            key_retention=self.key_retention,
        )
