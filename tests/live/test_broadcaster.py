"""The in-process fan-out: a slow reader costs bounded memory and is told it missed
events; closing ends every stream."""

from datetime import UTC, datetime

from services.events import AccountEvent, EventKind
from services.persistence.notify import Broadcaster

NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)


def changed(account_id: int, subscription_id: int) -> AccountEvent:
    return AccountEvent(EventKind.QUANTITY_CHANGED, account_id, NOW, subscription_id)


async def test_events_reach_the_streams_of_their_account_in_order():
    hub = Broadcaster()
    mine, theirs = hub.open(1), hub.open(2)

    hub.deliver([changed(1, 10), changed(2, 20), changed(1, 11)])

    assert [(await mine.next()).subscription_id for _ in range(2)] == [10, 11]
    assert (await theirs.next()).subscription_id == 20


async def test_a_reader_that_falls_behind_gets_one_resync_instead_of_a_growing_queue():
    hub = Broadcaster(stream_limit=8)
    slow = hub.open(1)

    hub.deliver(changed(1, n) for n in range(1000))

    first = await slow.next()
    assert first.kind is EventKind.RESYNC
    assert slow.waiting < 8  # what it holds is bounded by the limit


async def test_a_closed_stream_is_forgotten_and_closing_all_ends_the_rest():
    hub = Broadcaster()
    gone, open_ = hub.open(1), hub.open(1)
    gone.close()

    hub.close_all()

    assert hub.open_streams == 1
    assert await open_.next() is None


async def test_resync_reaches_every_open_stream():
    hub = Broadcaster()
    streams = [hub.open(1), hub.open(2)]

    hub.resync_all()

    assert [(await s.next()).kind for s in streams] == [EventKind.RESYNC, EventKind.RESYNC]
