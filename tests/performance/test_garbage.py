"""A request's objects are freed as it ends, by reference counting: none of them is left
in a reference cycle for the garbage collector to find (which cost the dashboard about
2 ms a request under load when the loaders were), and the serving process collects
its young objects rarely (server/collector.py)."""

import gc

import pytest

from server.collector import THRESHOLDS
from tests.api.lookups import acme_omnichannel_id
from tests.support.operations import client_operation
from tests.support.people import ADA


def _cyclic_garbage_of(kinds: tuple[str, ...]) -> list[str]:
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        return [type(o).__qualname__ for o in gc.garbage if type(o).__qualname__ in kinds]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


@pytest.mark.no_twin(reason="counts what one request leaves behind")
@pytest.mark.parametrize("operation", ["Dashboard", "SubscriptionChannels"])
async def test_a_request_leaves_no_loader_in_a_cycle(api, operation):
    variables = {"subscriptionId": await acme_omnichannel_id(api)}
    variables = {} if operation == "Dashboard" else variables
    await api.post(client_operation(operation), variables, as_user=ADA)  # warm
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            response = await api.post(client_operation(operation), variables, as_user=ADA)
            assert response.status_code == 200 and "errors" not in response.json()
        left = _cyclic_garbage_of(("DataLoader", "LoaderTask", "InvoiceRecord", "ChannelRecord"))
    finally:
        gc.enable()
    assert left == []


async def test_the_serving_process_collects_young_objects_rarely(api):
    assert gc.get_threshold() == THRESHOLDS
    assert gc.get_freeze_count() > 0
