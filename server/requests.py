"""What a GraphQL request over HTTP must look like, and how a refused one is answered.

GraphQL over HTTP (graphql.github.io/graphql-over-http): a request whose body or
parameters are wrong (not JSON, not a JSON object, nested deeper than MAX_JSON_DEPTH, no
`query` string, `variables` not an object, ...) gets 400 (SPEC §6). A client that
accepts `application/graphql-response+json` gets that media type, and also 400 and no
`data` when its document does not parse or validate or its variables do not fit; other
clients get `application/json` and those errors in a 200, as before. Every refusal is
JSON: `{"errors": [{"message": …, "extensions": {"code": …}}]}`.

A request may name a trusted document by `documentId` instead of sending `query`
(SPEC §12; GraphQL over HTTP's persisted documents).
"""

import json
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response
from strawberry.http import GraphQLRequestData

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
MAX_JSON_DEPTH = 100
_CONTAINERS = frozenset((dict, list))


@dataclass
class GraphQLRequest(GraphQLRequestData):
    document_id: str | None = None  # a trusted document's id, sent instead of `query`


class Refusal(Exception):
    """A request refused before it runs."""

    def __init__(
        self,
        message: str,
        status: int = 400,
        code: str = "BAD_REQUEST",
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.headers = headers or {}


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                return 1.0
            return quality if 0 <= quality <= 1 else 0.0
    return 1.0


def response_media_type(accept: str | None) -> str:
    """GRAPHQL_RESPONSE when the client accepts it at least as gladly as JSON."""
    quality = {GRAPHQL_RESPONSE: 0.0, JSON: 0.0}
    for part in (accept or "").split(","):
        media, *parameters = part.split(";")
        media = media.strip().lower()
        if media in (GRAPHQL_RESPONSE, JSON, "application/*", "*/*"):
            key = GRAPHQL_RESPONSE if media == GRAPHQL_RESPONSE else JSON
            quality[key] = max(quality[key], _quality(parameters))
    wanted = quality[GRAPHQL_RESPONSE]
    return GRAPHQL_RESPONSE if wanted > 0 and wanted >= quality[JSON] else JSON


def is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";")[0].strip().lower()
    return media in (JSON, GRAPHQL_RESPONSE)


def deeper_than(value: Any, limit: int) -> bool:
    """Whether JSON containers nest deeper than `limit`, level by level (no recursion;
    a list of plain values is checked at C speed)."""
    level, depth = [value], 1
    while level:
        if depth > limit:
            return True
        nested = []
        for container in level:
            items = container.values() if type(container) is dict else container
            if not _CONTAINERS.isdisjoint(map(type, items)):
                nested.extend(item for item in items if type(item) in _CONTAINERS)
        level, depth = nested, depth + 1
    return False


def decode_json(raw: bytes | str) -> Any:
    """JSON of a body or a parameter, refused if it is not JSON or nests too deep."""
    try:
        value = json.loads(raw)
    except RecursionError:
        value = None
        too_deep = True
    except json.JSONDecodeError as error:
        raise Refusal(f"The request is not valid JSON: {error}.") from None
    except ValueError:  # not UTF-8, or a number too long to read
        raise Refusal("The request is not valid JSON.") from None
    else:
        too_deep = type(value) in _CONTAINERS and deeper_than(value, MAX_JSON_DEPTH)
    if too_deep:
        raise Refusal(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.")
    return value


def _optional(data: dict, name: str, kind: type, what: str) -> Any:
    value = data.get(name)
    if value is not None and not isinstance(value, kind):
        raise Refusal(f"`{name}` must be {what}, or null.")
    return value


def graphql_request(data: Any) -> GraphQLRequest:
    """The parameters of a GraphQL request, from a decoded body or query string."""
    if not isinstance(data, dict):
        raise Refusal('The request body must be a JSON object: {"query": ...}.')
    query = data.get("query")
    document_id = _optional(data, "documentId", str, "a string naming a trusted document")
    if document_id is not None and query not in (None, ""):
        raise Refusal("Send either `query` or `documentId`, not both.")
    if document_id is None and (query is None or query == ""):
        raise Refusal("The request has no `query`: send the GraphQL document in it.")
    if document_id is None and not isinstance(query, str):
        raise Refusal("`query` must be a string holding a GraphQL document.")
    return GraphQLRequest(
        query=None if document_id is not None else query,
        variables=_optional(data, "variables", dict, "an object"),
        operation_name=_optional(data, "operationName", str, "a string"),
        extensions=_optional(data, "extensions", dict, "an object"),
        document_id=document_id,
    )


def query_string_request(parameters: dict[str, str]) -> GraphQLRequest:
    """A GET request's parameters: `variables` and `extensions` are JSON text."""
    data: dict[str, Any] = dict(parameters)
    for name in ("variables", "extensions"):
        data[name] = decode_json(data[name]) if data.get(name) else None
    return graphql_request(data)


def refused(refusal: Refusal, media_type: str) -> Response:
    body = {"errors": [{"message": refusal.message, "extensions": {"code": refusal.code}}]}
    return Response(
        json.dumps(body),
        status_code=refusal.status,
        media_type=media_type,
        headers={"Vary": "Accept", **refusal.headers},
    )
