"""A request by `documentId` against the same request by text, in-process (SPEC §12).

    .venv/bin/python -m bench.trusted_documents [--requests 500] [--rounds 3]

Each round sends operations/Dashboard.graphql N times each way, as ada over httpx's
ASGI transport (no sockets) to an app on a fresh SQLite database with the demo data,
after a warm-up of each way:

- by id;
- as its exact text (a trusted document too: the same path);
- as text outside the manifest that the server has seen before (a comment added): its
  parse, validation and plan come from the caches, as for a busy server's documents;
- as text it has never seen (a comment that changes each time).

It prints the median over the rounds of the time per request, wall and CPU.
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from migrations.apply import upgrade
from schema import manifest
from server.app import create_app
from services.auth import issue_token
from services.demo import seed
from services.settings import Settings, parse_instant

SECRET = "bench-secret-of-at-least-32-bytes-for-hs256"  # noqa: S105 - a throwaway app
DASHBOARD = (manifest.OPERATIONS / "Dashboard.graphql").read_text()


async def _timed(client: httpx.AsyncClient, body: dict, count: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for number in range(count):
        if "query" in body and body.get("new"):
            body = {"query": f"{DASHBOARD}# {time.perf_counter_ns()} {number}\n", "new": True}
        response = await client.post("/graphql", json=body)
        assert response.status_code == 200 and "errors" not in response.json(), response.text
    return (time.perf_counter() - wall) / count, (time.process_time() - cpu) / count


async def measure(requests: int, rounds: int) -> None:
    folder = Path(tempfile.mkdtemp())
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder / 'bench.db'}",
        jwt_secret=SECRET,
        test_clock=parse_instant("2026-11-15T12:00:00Z"),
        billing_interval_seconds=0,
        log_level="WARNING",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        await upgrade(app.state.db)
        await seed(app.state.db, app.state.clock.now())
        token = issue_token(SECRET, 1)  # ada, the seed's first user
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers=headers
        ) as client:
            bodies = {
                "by id": {"documentId": manifest.document_id(DASHBOARD)},
                "exact text": {"query": DASHBOARD},
                "cached text": {"query": DASHBOARD + "# seen before\n"},
                "new text": {"query": DASHBOARD, "new": True},
            }
            for body in bodies.values():
                await _timed(client, body, 20)  # warm-up
            results: dict[str, list[tuple[float, float]]] = {name: [] for name in bodies}
            for _ in range(rounds):
                for name, body in bodies.items():
                    results[name].append(await _timed(client, body, requests))
    for name, values in results.items():
        wall = statistics.median(v[0] for v in values) * 1000
        cpu = statistics.median(v[1] for v in values) * 1000
        print(f"{name:11} {wall:6.2f} ms a request, {cpu:6.2f} ms CPU ({requests} × {rounds})")


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--requests", type=int, default=500)
    arguments.add_argument("--rounds", type=int, default=3)
    options = arguments.parse_args()
    asyncio.run(measure(options.requests, options.rounds))


if __name__ == "__main__":
    main()
