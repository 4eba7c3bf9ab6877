"""The two floors each row is measured against, as minimal Starlette apps that uvicorn
serves exactly as `octopods serve` serves the real one (one worker, asyncio loop, h11,
no access log).

  same-bytes: reads the body, decodes the bearer token, answers the bytes the real
              server answered (recorded before measuring). What HTTP + JSON parsing +
              a JWT cost on this machine: no server can do the row faster.
  same-SQL:   the same, plus the real server's SQL through SQLAlchemy Core and the JSON
              built by hand (bench.handwritten). What the row costs without GraphQL,
              the ORM and the resolvers' structure.

Run one with `python -m bench.floors --kind bytes|sql --port P` (bench.servers does),
configured by the environment the real server reads: DATABASE_URL, OCTOPODS_JWT_SECRET.
"""

import argparse
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench import handwritten
from schema.errors import code_of
from server.collector import settle_collector
from services.auth import user_id_from_header
from services.errors import DomainError
from services.persistence.database import Database
from services.quotes import quote_key
from services.settings import Settings

# The floors' routes, one per row; the real server has /graphql for all of them.
PATHS = {
    "dashboard": "/dashboard",
    "previewCost": "/preview-cost",
    "updateQuantity": "/update-quantity",
}


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def _json(payload: dict) -> Response:
    # Strawberry's encoding (strawberry.http.base.encode_json): compact, ASCII.
    return Response(json.dumps(payload, separators=(",", ":")), media_type="application/json")


def same_bytes_app(secret: str, recorded: dict[str, bytes]) -> Starlette:
    async def answer(request: Request) -> Response:
        json.loads(await request.body())
        user_id_from_header(secret, request.headers.get("authorization"))
        return Response(recorded[request.url.path], media_type="application/json")

    routes = [Route(path, answer, methods=["POST"]) for path in recorded]
    return Starlette(routes=[*routes, Route("/healthz", healthz)])


Handler = Callable[[Database, int, dict, datetime], Awaitable[dict]]


async def _dashboard(db: Database, user_id: int, variables: dict, now: datetime) -> dict:
    return await handwritten.dashboard(db, user_id, variables.get("invoicesFirst", 10), now)


def handlers(secret: str) -> dict[str, Handler]:
    key = quote_key(secret)  # the server's key for quotes, from the same secret

    async def preview(db: Database, user_id: int, variables: dict, now: datetime) -> dict:
        return await handwritten.cost_preview(db, user_id, variables, now, key)

    return {
        "dashboard": _dashboard,
        "previewCost": preview,
        "updateQuantity": handwritten.update_quantity,
    }


def same_sql_app(secret: str, database_url: str) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Database gives the server's engine: its pool, SQLite pragmas and BEGIN
        # IMMEDIATE for writes. Only its engine is used, never its ORM sessions.
        app.state.db = Database(database_url)
        try:
            yield
        finally:
            await app.state.db.dispose()

    by_row = handlers(secret)

    def route(row: str) -> Route:
        handler = by_row[row]

        async def answer(request: Request) -> Response:
            body = json.loads(await request.body())
            try:
                user_id = user_id_from_header(secret, request.headers.get("authorization"))
                data = await handler(
                    request.app.state.db, user_id, body.get("variables") or {}, datetime.now(UTC)
                )
            except DomainError as error:
                refusal = {"message": error.message, "extensions": {"code": code_of(error)}}
                return _json({"data": None, "errors": [refusal]})
            return _json({"data": data})

        return Route(PATHS[row], answer, methods=["POST"])

    routes = [route(row) for row in by_row]
    return Starlette(routes=[*routes, Route("/healthz", healthz)], lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.floors")
    parser.add_argument("--kind", choices=("bytes", "sql"), required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--recorded", type=Path, help="for --kind bytes: {path: body} JSON")
    args = parser.parse_args()
    settings = Settings.from_env()
    if args.kind == "bytes":
        recorded = json.loads(args.recorded.read_text())
        bodies = {path: text.encode() for path, text in recorded.items()}
        app = same_bytes_app(settings.jwt_secret, bodies)
    else:
        app = same_sql_app(settings.jwt_secret, settings.database_url)
    # As octopods.serve runs the real server, with its collector settings.
    settle_collector()
    uvicorn.run(
        app, host="127.0.0.1", port=args.port, loop="asyncio", log_config=None, access_log=False
    )


if __name__ == "__main__":
    main()
