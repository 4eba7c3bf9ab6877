"""ASGI middleware: a request id on every request and response, a body size limit, and
an answer for a request the shutdown cuts off."""

import asyncio
import json
import logging
import re
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.logs import REQUEST_ID

REQUEST_ID_HEADER = "x-request-id"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestId:
    """Takes a sane X-Request-ID from the caller or makes one; echoes it back."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        token = REQUEST_ID.set(request_id)  # every log line of the request carries it
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)


async def refuse(
    send: Send, status: int, code: str, message: str, retry_after: int | None = None
) -> None:
    """A GraphQL-shaped error for a request refused before GraphQL sees it."""
    extensions: dict = {"code": code}
    headers = [(b"content-type", b"application/json")]
    if retry_after is not None:
        extensions["retryAfter"] = retry_after
        headers.append((b"retry-after", str(retry_after).encode()))
    body = json.dumps({"errors": [{"message": message, "extensions": extensions}]}).encode()
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class AnswerWhenCutOff:
    """A request still running when the graceful shutdown runs out is cancelled; it is
    told to retry (elsewhere) rather than get uvicorn's bare 500. Its transaction, cut
    off before committing, is rolled back; a commit under way may have stored it, which
    the client's retry with the same idempotency key settles."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except asyncio.CancelledError:
            # Only the shutdown cancels a request (a client leaving does not): answer,
            # and end the request here rather than as an error with a traceback.
            logging.getLogger("octopods.server").warning(
                "request cut off by the shutdown request_id=%s",
                scope.get("state", {}).get("request_id"),
            )
            if not started:
                message = "The server is restarting; try again."
                await refuse(send, 503, "SERVICE_UNAVAILABLE", message, retry_after=1)


class BodySizeLimit:
    """Refuses request bodies over `max_bytes` with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = f"The request body is over {self.max_bytes} bytes."
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await refuse(send, 413, "REQUEST_TOO_LARGE", too_large)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                await refuse(send, 413, "REQUEST_TOO_LARGE", too_large)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
