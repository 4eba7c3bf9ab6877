"""Strawberry's ASGI view, given our request context."""

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL

from resolvers.context import Context
from schema.errors import RATE_LIMITED, UNAVAILABLE

# A response with no data at all, refused for one of these, says so in its status.
STATUS_OF = {UNAVAILABLE: 503, RATE_LIMITED: 429}


def _code(error: dict) -> str | None:
    return (error.get("extensions") or {}).get("code")


def retry_after(response_data: dict) -> int | None:
    """Seconds to wait before trying again, when an error says to."""
    waits = [
        error["extensions"].get("retryAfter") or 1
        for error in response_data.get("errors") or []
        if _code(error) in STATUS_OF
    ]
    return max(waits) if waits else None


def refusal_status(response_data: dict) -> int | None:
    """The status of a response that answered nothing because the service is
    unavailable or the caller is over its rate limit; None otherwise."""
    codes = [_code(error) for error in response_data.get("errors") or []]
    if response_data.get("data") is not None or not codes:
        return None
    if not all(code in STATUS_OF for code in codes):
        return None
    return 429 if all(code == RATE_LIMITED for code in codes) else 503


class BillingGraphQL(GraphQL):
    def __init__(self, schema, *, jwt_secret: str, key_retention: timedelta, graphiql: bool):
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            allow_queries_via_get=graphiql,
        )
        self.jwt_secret = jwt_secret
        self.key_retention = key_retention

    async def get_context(self, request: Request, response: Response) -> Context:
        return Context(
            db=request.app.state.db,
            clock=request.app.state.clock,
            jwt_secret=self.jwt_secret,
            authorization=request.headers.get("authorization"),
            request_id=request.scope["state"]["request_id"],
            key_retention=self.key_retention,
            rate_limiter=request.app.state.rate_limiter,
        )

    def create_response(self, response_data, sub_response: Response) -> Response:
        # GraphQL over HTTP: a response without data may carry a 4xx/5xx status; one
        # with (partial) data stays 200 and the codes tell the rest.
        if isinstance(response_data, dict):
            wait = retry_after(response_data)
            if wait is not None:
                sub_response.headers["Retry-After"] = str(wait)
            status = refusal_status(response_data)
            if status is not None:
                response_data = {"errors": response_data["errors"]}
                sub_response.status_code = status
        return super().create_response(response_data, sub_response)
