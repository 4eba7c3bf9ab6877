"""Strawberry's ASGI view, given our request context and our own GraphiQL page."""

from collections.abc import Callable
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from resolvers.context import Context
from server import live
from services.quotes import quote_key


class BillingGraphQL(GraphQL):
    graphql_transport_ws_handler_class = live.CountedConnection

    def __init__(
        self,
        schema,
        *,
        jwt_secret: str,
        key_retention: timedelta,
        graphiql: bool,
        render_ide: Callable[[], Response],
        connections_per_user: int = 10,
        instance: str = "",
    ):
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            allow_queries_via_get=graphiql,
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            max_subscriptions_per_connection=live.STREAMS_PER_CONNECTION,
        )
        self.jwt_secret = jwt_secret
        self.key_retention = key_retention
        self.quote_key = quote_key(jwt_secret)
        self.connections = live.Connections(connections_per_user)
        self.instance = instance
        self.render_ide = render_ide

    async def on_ws_connect(self, context: Context) -> UnsetType:
        await live.sign_in(self.connections, context, context.connection_params)
        return UNSET

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
            quote_key=self.quote_key,
            instance=self.instance,
        )
