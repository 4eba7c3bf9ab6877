"""Strawberry's ASGI view, given our request context, our own GraphiQL page, live
updates (server/live.py) and GraphQL over HTTP's rules (server/requests.py): every
answer is JSON, in the media type the client accepts, and no request can make it fail
in a way that closes the connection. Trusted documents (SPEC §12, schema/trusted.py)
are named by `documentId`, over GET for queries with cache headers (server/caching.py);
with `only_trusted`, nothing else runs."""

import asyncio
import json
import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from cross_web import HTTPException
from graphql import OperationType as GraphQLOperation
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from resolvers.context import Context
from schema import fast_lane
from schema.errors import GENERIC_MESSAGE, INTERNAL, RATE_LIMITED, UNAVAILABLE
from schema.trusted import DocumentRefused, TrustedDocument, admit
from server import live
from server.caching import Revalidation, revalidated
from server.requests import (
    GRAPHQL_RESPONSE,
    JSON,
    GraphQLRequest,
    Refusal,
    decode_json,
    graphql_request,
    is_json,
    query_string_request,
    refused,
    response_media_type,
)
from services.quotes import quote_key

log = logging.getLogger("octopods.errors")

# Bodies this long are decoded in a worker thread, so the event loop goes on meanwhile.
DECODED_ASIDE = 64 * 1024


@dataclass
class _Read:
    """What the fast lane read of a POST before leaving it to Strawberry's view."""

    request_data: GraphQLRequest
    context: Context | None = None


_read: ContextVar[_Read | None] = ContextVar("fast_lane_read", default=None)


def _refusal(error: HTTPException) -> Refusal:
    """Strawberry's own refusals, in our terms."""
    if error.status_code == 405:
        return Refusal(error.reason, 405, headers={"Allow": "GET, POST"})
    return Refusal(error.reason, error.status_code)


def _is_request_error(response_data) -> bool:
    """No data and no error at a field: the request could not run at all."""
    if not isinstance(response_data, dict):
        return False
    errors = response_data.get("errors") or []
    return (
        response_data.get("data") is None
        and bool(errors)
        and not any("path" in error for error in errors)
    )


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
        only_trusted: bool = False,
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
        self.only_trusted = only_trusted
        self.trusted = schema.trusted  # made now: a broken manifest stops the start

    async def on_ws_connect(self, context: Context) -> UnsetType:
        await live.sign_in(self.connections, context, context.connection_params)
        return UNSET

    def should_render_graphql_ide(self, request) -> bool:
        # A GET naming a trusted document is a request, whatever it accepts (curl: */*).
        return "documentId" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        # GraphiQL bundled from npm (server/web.py), not Strawberry's page, which loads
        # React and GraphiQL from a CDN and so stays on "Loading..." offline.
        return self.render_ide()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        media_type = response_media_type(request.headers.get("accept"))
        token = _read.set(None)
        try:
            response = await self._fast_lane(request) if request.method == "POST" else None
            if response is None:
                response = await self.run(request)
        except HTTPException as error:
            response = refused(_refusal(error), media_type)
        except Refusal as refusal:
            response = refused(refusal, media_type)
        except Exception:
            request_id = scope["state"]["request_id"]
            log.exception("unexpected error request_id=%s", request_id)
            refusal = Refusal(GENERIC_MESSAGE, 500, INTERNAL)
            response = refused(refusal, media_type)
        finally:
            _read.reset(token)
        await response(scope, receive, send)

    async def _fast_lane(self, request: Request) -> Response | None:
        """The answer to a trusted operation the planner takes (schema/fast_lane.py); None
        for anything else, which Strawberry's view runs with what was read here."""
        if not is_json(request.headers.get("content-type")):
            return None
        read = _Read(await self._decoded(await request.body()))
        _read.set(read)
        data = read.request_data
        try:
            named = admit(self.trusted, data.query, data.document_id, only=self.only_trusted)
        except DocumentRefused:
            return None  # refused on Strawberry's path, as always
        document = named or self.trusted.of_text(data.query)
        if not fast_lane.takes(document, data.operation_name):
            return None
        read.context = await self.get_context(request, None)
        answer = await fast_lane.answer(self.schema, document, data.variables, read.context)
        if answer is None:
            return None
        read.context.forget_reads()
        return self.create_response({"data": answer}, await self.get_sub_response(request))

    def decode_json(self, data: str | bytes) -> object:
        """WebSocket messages (bodies go through parse_http_body): too deep is not JSON."""
        try:
            return decode_json(data)
        except Refusal as refusal:
            raise json.JSONDecodeError(refusal.message, str(data)[:100], 0) from None

    async def get_context(self, request: Request, response: Response | None) -> Context:
        read = _read.get()
        if read is not None and read.context is not None:
            return read.context  # the fast lane's, whose plan failed: its reads stand
        return Context(
            db=request.app.state.db,
            clock=request.app.state.clock,
            jwt_secret=self.jwt_secret,
            authorization=request.headers.get("authorization"),
            request_id=request.scope["state"]["request_id"],
            key_retention=self.key_retention,
            quote_key=self.quote_key,
            instance=self.instance,
            rate_limiter=request.app.state.rate_limiter,
        )

    async def get_sub_response(self, request: Request) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = response_media_type(request.headers.get("accept"))
        return sub_response

    async def parse_http_body(self, request) -> GraphQLRequestData:
        if request.method == "GET":
            return query_string_request(dict(request.query_params))
        if not is_json(request.content_type):
            raise Refusal("Send the request as Content-Type: application/json.", 415)
        read = _read.get()
        if read is not None:  # by the fast lane, which left the request to this path
            return read.request_data
        return await self._decoded(await request.get_body())

    async def _decoded(self, body: bytes) -> GraphQLRequest:
        if len(body) > DECODED_ASIDE:
            return graphql_request(await asyncio.to_thread(decode_json, body))
        return graphql_request(decode_json(body))

    async def execute_single(
        self, request, request_adapter, sub_response, context, root_value, request_data
    ):
        try:
            document = admit(
                self.trusted,
                request_data.query,
                getattr(request_data, "document_id", None),
                only=self.only_trusted,
            )
        except DocumentRefused as refused_document:
            raise Refusal(refused_document.message, 400, refused_document.code) from None
        try:
            if document is not None:
                return await self._execute_trusted(
                    document, request, request_adapter.method, sub_response, context, request_data
                )
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError):
                raise Refusal(error.reason, 405, headers={"Allow": "POST"}) from None
            raise
        finally:
            context.forget_reads()

    async def _execute_trusted(
        self,
        document: TrustedDocument,
        request: Request,
        method: str,
        sub_response: Response,
        context: Context,
        request_data: GraphQLRequest,
    ):
        """A document named by id; over GET (queries only, in production too) its
        answer can be cached and revalidated."""
        allowed = {OperationType.QUERY}
        if method == "GET":
            if document.operation_type is GraphQLOperation.MUTATION:
                raise Refusal("Send mutations with POST.", 405, headers={"Allow": "POST"})
            sub_response.revalidation = Revalidation(request.headers.get("if-none-match"))
        else:
            allowed.add(OperationType.MUTATION)
        try:
            return await self.schema.execute(
                document.text,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as error:
            raise Refusal(error.as_http_error_reason()) from None
        except InvalidOperationTypeError as error:  # a subscription: over WebSocket only
            raise Refusal(error.as_http_error_reason(method)) from None

    def create_response(self, response_data, sub_response: Response) -> Response:
        # GraphQL over HTTP: a response without data may carry a 4xx/5xx status; one
        # with (partial) data stays 200 and the codes tell the rest.
        media_type = getattr(sub_response, "media_type", None) or JSON
        status = sub_response.status_code or 200
        wait = retry_after(response_data) if isinstance(response_data, dict) else None
        refused_for = refusal_status(response_data) if isinstance(response_data, dict) else None
        if refused_for is not None:
            status = refused_for
            response_data = {"errors": response_data["errors"]}
        elif media_type == GRAPHQL_RESPONSE and _is_request_error(response_data):
            codes = {(e.get("extensions") or {}).get("code") for e in response_data["errors"]}
            status = 500 if INTERNAL in codes else 400
            response_data = {k: v for k, v in response_data.items() if k != "data"}
        response = Response(self.encode_json(response_data), status, media_type=media_type)
        response.headers.raw.extend(sub_response.headers.raw)
        response.headers["vary"] = "Accept"
        if wait is not None:
            response.headers["Retry-After"] = str(wait)
        response.background = sub_response.background
        revalidation = getattr(sub_response, "revalidation", None)
        return revalidated(response, revalidation) if revalidation else response
