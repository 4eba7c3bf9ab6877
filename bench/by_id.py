"""By `documentId` against by text on one server process, request by request (issue 13).

Both name the same trusted document, so the server does the same work once it has found
it: the question is whether finding it by id ever costs more. Two server processes
measured at once under load (how this bench read it until 2026-12-01) differ by about
±10% a round even then, far too coarse to tell. Here one client sends a row's request by id and by
text in turn (id, text, text, id, ...), one at a time on one kept-alive connection, and
reads the server's CPU (all its threads, Linux schedstat, ns) around each: the machine's
drift hits both ways alike, and each request is charged its own work and no other.
"""

import http.client
import json
import math
import random
import statistics
import time
from dataclasses import dataclass

from bench.rows import Row, update_variables
from bench.servers import cpu_ns

SETTLE = 0.002  # s after an answer: the server finishes what it does after sending it
Z95 = 1.96


@dataclass(frozen=True)
class ById:
    """Server CPU per request by id and by text (means), and text's over id's with its
    95% interval: above 1.00, by id is the cheaper."""

    requests: int  # each way
    id_ms: float
    text_ms: float
    ratio: float
    low: float
    high: float


def _bodies(row: Row, count: int, seed: int) -> list[tuple[bytes, bytes]]:
    """(by id, by text) per pair. Writes draw each request's subscription and quantity
    afresh, as the wrk script does: a pair sharing them would make its second request a
    QUANTITY_UNCHANGED, far less work than a change."""
    if not row.writes:
        return [(row.body(by_id=True), row.body())] * count
    pick = random.Random(seed)  # noqa: S311 - a load, not a secret

    def body(number: int, by_id: bool) -> bytes:
        change = update_variables(
            pick.choice(row.subscriptions), pick.randint(1, 50), f"{seed}-{by_id}-{number}"
        )
        return row.body(change, by_id=by_id)

    return [(body(number, True), body(number, False)) for number in range(count)]


def _charge(connection: http.client.HTTPConnection, pid: int, body: bytes, headers: dict) -> int:
    before = cpu_ns(pid)
    connection.request("POST", "/graphql", body, headers)
    answer = connection.getresponse()
    content = answer.read()
    if answer.status != 200 or "errors" in json.loads(content):
        raise SystemExit(f"bench: a by-id pair's request failed: {answer.status} {content[:300]!r}")
    time.sleep(SETTLE)
    return cpu_ns(pid) - before


def measure(port: int, pid: int, row: Row, bearer: str, requests: int) -> ById:
    """`requests` each way to the server process `pid` listening on 127.0.0.1:`port`,
    after a tenth as many pairs of warm-up (not counted)."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"}
    warmup = max(requests // 10, 1)
    pairs = _bodies(row, warmup + requests, seed=time.time_ns())
    spent: dict[bool, list[int]] = {True: [], False: []}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for number, (by_id, by_text) in enumerate(pairs):
            first_by_id = number % 2 == 0  # id, text, then text, id: neither always leads
            for way in (first_by_id, not first_by_id):
                took = _charge(connection, pid, by_id if way else by_text, headers)
                if number >= warmup:
                    spent[way].append(took)
    finally:
        connection.close()
    return summary(spent[True], spent[False])


def summary(by_id: list[int], by_text: list[int]) -> ById:
    """text's CPU over id's: the median of the pairs' ratios (each pair's two requests
    sent back to back, so slow drift cancels within it), with its 95% interval from the
    ranks alone (the sign test's). The machine's noise is large and heavy-tailed: the
    same dashboard has taken 7 to 20 ms here, and a write now and then pays for a WAL
    checkpoint or a full garbage collection that belongs to neither way. The median
    reads through those; a mean would need ten times the requests."""
    ratios = sorted(text / id_ for id_, text in zip(by_id, by_text, strict=True))
    count = len(ratios)
    # the k-th smallest and largest ratios bound the median with 95% confidence
    k = max(int((count - Z95 * math.sqrt(count)) / 2), 1)
    return ById(
        count,
        statistics.fmean(by_id) / 1e6,
        statistics.fmean(by_text) / 1e6,
        statistics.median(ratios),
        ratios[k - 1],
        ratios[count - k],
    )
