"""Answers to GET by `documentId` (SPEC §12), fit for the client's cache.

They are the viewer's own, so only the client may keep them (`private`), and it must
ask again each time (`no-cache`) with the ETag it holds, a hash of the body: an answer
that has not changed comes back as 304 with no body. `Vary` names what else the body
depends on: the media type asked for, and whose token it is.
"""

import hashlib

from starlette.responses import Response

CACHE_CONTROL = "private, no-cache"
VARY = "Accept, Authorization"


class Revalidation:
    """Marks a response as cacheable; holds the request's If-None-Match, if any."""

    def __init__(self, if_none_match: str | None):
        self.if_none_match = if_none_match


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _held(if_none_match: str, etag: str) -> bool:
    """RFC 9110's weak comparison: any tag of the list, with or without W/."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


def revalidated(response: Response, revalidation: Revalidation) -> Response:
    """`response` with its cache headers, or 304 when the client holds that body."""
    if response.status_code != 200:
        return response
    headers = {"ETag": etag_of(response.body), "Cache-Control": CACHE_CONTROL, "Vary": VARY}
    if revalidation.if_none_match and _held(revalidation.if_none_match, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return response
