"""No document stalls the server: the worst of each shape, as large as the limits let it
be, is refused or answered in well under 100 ms of the server's time, and /healthz never
waits longer.

Each runs on a real server in its own process. The document's time is the CPU time the
server spent on it (all its threads, from Linux's schedstat), so other work on this
machine does not count; /healthz's is the time a client waited. Each case gets five
tries (a fresh document each time, so no cache helps) and the best counts; a check that
took exponential time, as the old fragment walks did, fails them all.
"""

import asyncio
import itertools

import httpx
import pytest

from tests.support.hostile_documents import FAMILIES, OVERSIZED, largest
from tests.support.server import served

BOUND = 0.100  # seconds
TRIES = 5
_fresh = itertools.count()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served(tmp_path_factory.mktemp("worst")) as running:
        yield running


async def _healthz_while(client: httpx.AsyncClient, done: asyncio.Event) -> float:
    """The longest /healthz took while the document was in flight."""
    longest = 0.0
    while not done.is_set():
        started = asyncio.get_running_loop().time()
        response = await client.get("/healthz")
        assert response.status_code == 200
        longest = max(longest, asyncio.get_running_loop().time() - started)
        await asyncio.sleep(0.01)  # a probe, not a load
    return longest


async def _one_try(server, document: str) -> tuple[float, float, httpx.Response]:
    async with (
        httpx.AsyncClient(base_url=server.url, timeout=30) as client,
        httpx.AsyncClient(base_url=server.url, timeout=30) as prober,
    ):
        await client.get("/healthz")  # both connections are open before the document goes
        await prober.get("/healthz")
        done = asyncio.Event()
        healthz = asyncio.create_task(_healthz_while(prober, done))
        started = server.cpu_seconds()
        response = await client.post("/graphql", json={"query": document})
        took = server.cpu_seconds() - started
        done.set()
        return took, await healthz, response


async def _best_of_tries(server, document: str) -> tuple[float, float, httpx.Response]:
    best = None
    for _ in range(TRIES):
        took, healthz, response = await _one_try(server, f"# {next(_fresh)}\n{document}")
        assert response.status_code in (200, 413), response.text[:300]
        codes = {
            (e.get("extensions") or {}).get("code") for e in response.json().get("errors") or []
        }
        assert "INTERNAL_SERVER_ERROR" not in codes, response.text[:300]
        if best is None or max(took, healthz) < max(best[0], best[1]):
            best = (took, healthz, response)
        if max(took, healthz) < BOUND:
            break
    return best


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FAMILIES))
async def test_the_largest_document_of_each_shape_is_quick(server, name):
    document = largest(name)

    took, healthz, _response = await _best_of_tries(server, document)

    print(
        f"{name}: {len(document)} chars, {took * 1000:.1f} ms CPU, /healthz {healthz * 1000:.1f} ms"
    )
    assert took < BOUND, f"{name}: {took * 1000:.0f} ms"
    assert healthz < BOUND, f"{name}: /healthz waited {healthz * 1000:.0f} ms"


@pytest.mark.slow
@pytest.mark.parametrize("name", list(OVERSIZED))
async def test_a_document_over_the_length_limit_is_refused_unread(server, name):
    took, healthz, response = await _best_of_tries(server, OVERSIZED[name])

    print(f"{name}: {took * 1000:.1f} ms, /healthz {healthz * 1000:.1f} ms")
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert took < BOUND and healthz < BOUND


async def test_the_old_worst_case_a_kilobyte_of_fragments_is_answered(server):
    # 25 fragments, each spreading the next twice: 2^25 walks before.
    document = FAMILIES["fragments spreading the next twice"](25)
    assert len(document) < 1100

    took, _healthz, response = await _best_of_tries(server, document)

    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert took < BOUND


async def test_fragment_cycles_are_refused_by_validation(server):
    document = "query Q { ...A } fragment A on Query { ...B now } fragment B on Query { ...A }"

    async with httpx.AsyncClient(base_url=server.url, timeout=5) as client:
        response = await client.post("/graphql", json={"query": document})

    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "within itself" in error["message"]


def test_no_client_mistake_above_was_logged_as_an_error(server):
    assert [line for line in server.log_lines() if " ERROR " in line] == []
