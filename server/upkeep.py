"""The server's own upkeep, every few seconds beside the requests: the billing run,
forgetting idempotency keys past their retention, and idle rate-limit buckets."""

import asyncio
import logging
from datetime import timedelta

from services.billing.run import run_billing
from services.clock import Clock
from services.idempotency import purge
from services.persistence.database import Database, is_unavailable
from services.rate_limits import forget_idle
from services.settings import RateLimits

log = logging.getLogger("octopods.billing")


async def upkeep_once(
    db: Database, clock: Clock, key_retention: timedelta, limits: RateLimits | None = None
) -> None:
    now = clock.now()
    # One instance scans at a time; the others skip (billing is exactly-once anyway).
    async with db.alone("billing run") as alone:
        issued = await run_billing(db, now) if alone else []
    for invoice in issued:
        log.info("issued invoice %s total=%s", invoice.number, invoice.total)
    forgotten = await purge(db, now, key_retention)
    if forgotten:
        log.info("forgot %d idempotency keys older than %s", forgotten, key_retention)
    if limits is not None:
        await forget_idle(db, limits)


async def upkeep_periodically(
    db: Database,
    clock: Clock,
    interval_seconds: float,
    key_retention: timedelta,
    limits: RateLimits | None = None,
) -> None:
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            await upkeep_once(db, clock, key_retention, limits)
        except Exception as error:
            if not is_unavailable(error):
                log.exception("upkeep failed; the next run retries")
            else:  # an outage, which requests report too: no traceback
                log.warning("upkeep skipped: database unavailable; the next run retries")
