"""The Starlette application: GraphQL at /graphql, the page at /, health probes, lifespan."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

from schema import build_schema
from server.collector import settle_collector
from server.dev import dev_routes
from server.graphql_view import BillingGraphQL
from server.logs import configure_logging
from server.metrics import metrics_routes
from server.middleware import AnswerWhenCutOff, BodySizeLimit, RequestId
from server.upkeep import upkeep_periodically
from server.web import web_page
from services import metrics
from services.clock import SystemClock, TestClock
from services.persistence.database import Database
from services.rate_limits import rate_limiter
from services.settings import Settings


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    if await request.app.state.db.ping():
        return JSONResponse({"status": "ready"})
    return JSONResponse({"status": "database unavailable"}, status_code=503)


def schema_for(settings: Settings):
    return build_schema(
        test_clock=settings.test_clock is not None,
        production=settings.production,
        planned=settings.planned_execution,
    )


def _lifespan(settings: Settings):
    """What the app holds while it serves: the database (with its live-event listener
    and pool metrics), the clock, the rate limiter, and the upkeep beside the requests."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.db = Database(settings.database_url, limits=settings.database_limits)
        app.state.clock = TestClock(settings.test_clock) if settings.test_clock else SystemClock()
        metrics.watch_pool(app.state.db.engine.pool)
        await app.state.db.listen()
        app.state.rate_limiter = rate_limiter(app.state.db, settings.rate_limits)
        settle_collector()
        upkeep = None
        if settings.test_clock is None and settings.billing_interval_seconds > 0:
            upkeep = asyncio.create_task(
                upkeep_periodically(
                    app.state.db,
                    app.state.clock,
                    settings.billing_interval_seconds,
                    timedelta(hours=settings.idempotency_retention_hours),
                    settings.rate_limits,
                )
            )
        try:
            yield
        finally:
            if upkeep is not None:
                upkeep.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await upkeep
            await app.state.db.dispose()

    return lifespan


def _middleware(settings: Settings) -> list[Middleware]:
    middleware = [
        Middleware(RequestId),
        Middleware(AnswerWhenCutOff),
        Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["authorization", "content-type", "x-request-id"],
                expose_headers=["x-request-id"],
            )
        )
    return middleware


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    page = web_page(settings)
    graphql = BillingGraphQL(
        schema_for(settings),
        jwt_secret=settings.jwt_secret,
        key_retention=timedelta(hours=settings.idempotency_retention_hours),
        graphiql=not settings.production,
        connections_per_user=settings.connections_per_user,
        instance=settings.instance,
        render_ide=page.graphiql,
        only_trusted=settings.only_trusted_documents,
    )
    routes = [
        Route("/graphql", graphql),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        *metrics_routes(settings),
    ]
    if not settings.production:
        routes += dev_routes(settings.jwt_secret)
    return Starlette(
        routes=routes + page.routes(),
        middleware=_middleware(settings),
        lifespan=_lifespan(settings),
    )


def app_from_environment() -> Starlette:
    """The app of one of several worker processes (`octopods serve --workers N`)."""
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.instance)
    return create_app(settings)
