"""schema.together runs planned siblings concurrently without a task each, and keeps a
TaskGroup's promises: results in order, loads batched, the first failure (or the
request's cancellation) stops the others and waits for their cleanup."""

import asyncio

import pytest
from strawberry.dataloader import DataLoader

from schema.together import together


async def test_results_come_back_in_order_whenever_each_ends():
    async def after(seconds: float, value: str) -> str:
        await asyncio.sleep(seconds)
        return value

    assert await together([after(0.03, "a"), after(0, "b"), after(0.01, "c")]) == ["a", "b", "c"]
    assert await together([]) == []


async def test_loads_made_by_siblings_land_in_one_batch():
    batches: list[list[int]] = []

    async def read(keys: list[int]) -> list[int]:
        batches.append(keys)
        return [key * 10 for key in keys]

    loader = DataLoader(read)

    async def item(key: int) -> int:
        first = await loader.load(key)
        return first + await loader.load(key + 100)

    assert await together([item(1), item(2), item(1)]) == [1020, 1040, 1020]
    assert batches == [[1, 2], [101, 102]]


async def test_a_bare_yield_lets_the_loop_run_and_goes_on():
    ran: list[str] = []

    async def polite() -> str:
        await asyncio.sleep(0)
        ran.append("polite")
        return "done"

    async def other() -> str:
        ran.append("other")
        return "other"

    assert await together([polite(), other()]) == ["done", "other"]
    assert ran == ["other", "polite"]


async def test_the_first_failure_stops_the_others_and_waits_for_their_cleanup():
    ended: list[str] = []

    async def fails() -> None:
        await asyncio.sleep(0.01)
        raise LookupError("nope")

    async def slow(name: str) -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            await asyncio.sleep(0.01)  # cleanup that itself waits
            ended.append(name)
            raise

    async def never_started() -> None:
        ended.append("started")

    with pytest.raises(LookupError, match="nope"):
        await asyncio.wait_for(together([slow("a"), fails(), slow("b")]), 1)
    assert sorted(ended) == ["a", "b"]

    def broken() -> None:
        raise ValueError("at once")

    async def first() -> None:
        broken()

    later = never_started()
    with pytest.raises(ValueError, match="at once"):
        await together([first(), later])
    assert sorted(ended) == ["a", "b"]  # the one not yet started never runs
    assert later.cr_frame is None  # and is closed, not left for the collector to warn of


async def test_a_cancelled_request_cancels_every_sibling():
    ended: list[str] = []

    async def waits(name: str) -> None:
        try:
            await asyncio.sleep(10)
        finally:
            ended.append(name)

    task = asyncio.ensure_future(together([waits("a"), waits("b")]))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted(ended) == ["a", "b"]


async def test_a_future_that_fails_raises_inside_the_one_waiting_on_it():
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    loop.call_later(0.01, future.set_exception, KeyError("gone"))

    async def waits() -> str:
        try:
            await future
        except KeyError:
            return "caught"
        return "not raised"

    assert await together([waits()]) == ["caught"]
