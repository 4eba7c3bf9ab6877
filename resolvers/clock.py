from datetime import datetime

from resolvers.context import Context
from services.billing import run
from services.persistence.tables import Invoice


def now(context: Context) -> datetime:
    return context.clock.now()


async def advance_test_clock(context: Context, to: datetime) -> tuple[datetime, list[Invoice]]:
    await context.viewer()
    test_clock = context.test_clock
    if test_clock is None:
        raise LookupError("advanceTestClock exists only on a server with a test clock")
    return await run.advance_test_clock(context.db, test_clock, to)
