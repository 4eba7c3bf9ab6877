"""What a GraphQL request over HTTP must look like, and how a refused one is answered.

GraphQL over HTTP (graphql.github.io/graphql-over-http): a client that accepts
`application/graphql-response+json` gets that media type, and a request that cannot run
(its body, parameters or document are wrong) gets 400 and no `data`. Others get
`application/json`; a request whose body or parameters are wrong gets 400, except for a
client that names `application/json` in its Accept header, which gets the errors in a
200 as that spec asks for this legacy media type. Always, a body that is not a JSON
object, or is nested deeper than MAX_JSON_DEPTH, is 400 (SPEC §6). Every refusal is
JSON: `{"errors": [{"message": …, "extensions": {"code": …}}]}`.
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


class Refusal(Exception):
    """A request refused before it runs. `status` None: 400, or 200 for a client that
    asked for application/json (see Answer)."""

    def __init__(
        self,
        message: str,
        status: int | None = None,
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


@dataclass(frozen=True)
class Answer:
    """How to answer a client: in which media type, and whether a refused request's
    errors come in a 200 (GraphQL over HTTP's rule for application/json)."""

    media_type: str
    refusals_in_200: bool = False


def negotiate(accept: str | None) -> Answer:
    """GRAPHQL_RESPONSE when the client accepts it at least as gladly as JSON."""
    quality = {GRAPHQL_RESPONSE: 0.0, JSON: 0.0, "*": 0.0}
    for part in (accept or "").split(","):
        media, *parameters = part.split(";")
        media = media.strip().lower()
        key = media if media in (GRAPHQL_RESPONSE, JSON) else "*"
        if media in (GRAPHQL_RESPONSE, JSON, "application/*", "*/*"):
            quality[key] = max(quality[key], _quality(parameters))
    wanted = quality[GRAPHQL_RESPONSE]
    if wanted > 0 and wanted >= max(quality[JSON], quality["*"]):
        return Answer(GRAPHQL_RESPONSE)
    return Answer(JSON, refusals_in_200=quality[JSON] > 0)


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
        raise Refusal(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.", 400)
    return value


def _optional(data: dict, name: str, kind: type, what: str) -> Any:
    value = data.get(name)
    if value is not None and not isinstance(value, kind):
        raise Refusal(f"`{name}` must be {what}, or null.")
    return value


def graphql_request(data: Any) -> GraphQLRequestData:
    """The parameters of a GraphQL request, from a decoded body or query string."""
    if not isinstance(data, dict):
        raise Refusal('The request body must be a JSON object: {"query": ...}.', 400)
    query = data.get("query")
    if query is None or query == "":
        raise Refusal("The request has no `query`: send the GraphQL document in it.")
    if not isinstance(query, str):
        raise Refusal("`query` must be a string holding a GraphQL document.")
    return GraphQLRequestData(
        query=query,
        variables=_optional(data, "variables", dict, "an object"),
        operation_name=_optional(data, "operationName", str, "a string"),
        extensions=_optional(data, "extensions", dict, "an object"),
    )


def query_string_request(parameters: dict[str, str]) -> GraphQLRequestData:
    """A GET request's parameters: `variables` and `extensions` are JSON text."""
    data: dict[str, Any] = dict(parameters)
    for name in ("variables", "extensions"):
        data[name] = decode_json(data[name]) if data.get(name) else None
    return graphql_request(data)


def refused(refusal: Refusal, answer: Answer) -> Response:
    status = refusal.status or (200 if answer.refusals_in_200 else 400)
    body = {"errors": [{"message": refusal.message, "extensions": {"code": refusal.code}}]}
    return Response(
        json.dumps(body),
        status_code=status,
        media_type=answer.media_type,
        headers={"Vary": "Accept", **refusal.headers},
    )
