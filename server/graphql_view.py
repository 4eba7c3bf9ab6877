"""Strawberry's ASGI view, given our request context."""

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL

from resolvers.context import Context
from services.quotes import quote_key


class BillingGraphQL(GraphQL):
    def __init__(self, schema, *, jwt_secret: str, key_retention: timedelta, graphiql: bool):
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            allow_queries_via_get=graphiql,
        )
        self.jwt_secret = jwt_secret
        self.key_retention = key_retention
        self.quote_key = quote_key(jwt_secret)

    async def get_context(self, request: Request, response: Response) -> Context:
        return Context(
            db=request.app.state.db,
            clock=request.app.state.clock,
            jwt_secret=self.jwt_secret,
            authorization=request.headers.get("authorization"),
            request_id=request.scope["state"]["request_id"],
            key_retention=self.key_retention,
            quote_key=self.quote_key,
        )
