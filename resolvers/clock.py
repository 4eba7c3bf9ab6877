from datetime import datetime

from resolvers.context import Context
from services.billing import run
from services.persistence.tables import Invoice


def now(context: Context) -> datetime:
    return context.clock.now()


async def advance_test_clock(context: Context, to: datetime) -> tuple[datetime, list[Invoice]]:
    await context.viewer()
    assert context.test_clock is not None  # the field exists only with a test clock
    return await run.advance_test_clock(context.db, context.test_clock, to)
