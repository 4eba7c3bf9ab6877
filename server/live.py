"""Live updates over graphql-transport-ws: who may connect, and how many connections.

A client signs in with `connection_init`'s payload {"Authorization": "Bearer <JWT>"};
without a valid token the socket is closed with 4403 and never acknowledged. Each
user holds at most a few connections per instance, each at most 10 streams.
"""

from collections import Counter

from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

from resolvers.context import Context
from schema.trusted import DocumentRefused, admit
from services.errors import NotSignedIn

STREAMS_PER_CONNECTION = 10  # SPEC §11


class Connections:
    """The open connections of this process, per user."""

    def __init__(self, per_user: int):
        self.per_user = per_user
        self._open: Counter[int] = Counter()

    def admit(self, user_id: int) -> bool:
        if self._open[user_id] >= self.per_user:
            return False
        self._open[user_id] += 1
        return True

    def release(self, user_id: int) -> None:
        self._open[user_id] -= 1
        if self._open[user_id] <= 0:
            del self._open[user_id]

    @property
    def total(self) -> int:
        return sum(self._open.values())


async def sign_in(connections: Connections, context: Context, params: object) -> None:
    """Authenticate a connection from its `connection_init` payload, or reject it."""
    authorization = params.get("Authorization") if isinstance(params, dict) else None
    context.authorization = authorization if isinstance(authorization, str) else None
    try:
        viewer = await context.viewer()
    except NotSignedIn:
        raise ConnectionRejectionError({"message": "Sign in first."}) from None
    if not connections.admit(viewer.user_id):
        raise ConnectionRejectionError({"message": "Too many connections for this user."})
    context.connection_user_id = viewer.user_id


class CountedConnection(BaseGraphQLTransportWSHandler):
    """Signs in from `connection_init`, and gives the user's connection back when the
    socket closes."""

    async def handle_connection_init(self, message) -> None:
        # A payload that is not an object carries no token: 4403, like a bad token.
        if not isinstance(message.get("payload"), dict):
            message = {**message, "payload": {}}
        await super().handle_connection_init(message)

    async def handle_subscribe(self, message) -> None:
        """A trusted document may be named by `documentId` here too (SPEC §12), and
        with OCTOPODS_TRUSTED_DOCUMENTS=only nothing else runs."""
        payload, operation_id = message.get("payload"), message.get("id")
        new = isinstance(operation_id, str) and operation_id not in self.operations
        if self.connection_acknowledged and new and isinstance(payload, dict):
            try:
                document = admit(
                    self.view.trusted,
                    payload.get("query"),
                    payload.get("documentId"),
                    only=self.view.only_trusted,
                )
            except DocumentRefused as refused:
                error = {"message": refused.message, "extensions": {"code": refused.code}}
                await self.send_message({"id": operation_id, "type": "error", "payload": [error]})
                return
            if document is not None:
                message = {**message, "payload": {**payload, "query": document.text}}
        await super().handle_subscribe(message)

    async def shutdown(self) -> None:
        try:
            await super().shutdown()
        finally:
            user_id = getattr(self.context, "connection_user_id", None)
            if user_id is not None:
                self.view.connections.release(user_id)
                self.context.connection_user_id = None
