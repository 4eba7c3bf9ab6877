"""`GET /metrics`: the Prometheus text format of services/metrics.py's registry.

In development it is open. In production it needs `Authorization: Bearer
<OCTOPODS_METRICS_TOKEN>` (401 otherwise), and without that variable there is no
such address (404): the figures name operations and volumes a stranger should not see.
"""

import hmac

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from services import metrics
from services.settings import Settings


def _authorized(request: Request, token: str) -> bool:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        credentials.strip().encode(), token.encode()
    )


def metrics_routes(settings: Settings) -> list[Route]:
    token = settings.metrics_token
    if settings.production and not token:
        return []

    async def scrape(request: Request) -> Response:
        if settings.production and not _authorized(request, token):
            return PlainTextResponse(
                "Send the metrics token: Authorization: Bearer <OCTOPODS_METRICS_TOKEN>.",
                401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        return Response(generate_latest(metrics.REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return [Route("/metrics", scrape)]
