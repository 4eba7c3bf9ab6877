"""The server's own upkeep, every few seconds beside the requests: the billing run, and
forgetting idempotency keys past their retention."""

import asyncio
import logging
from datetime import timedelta

from services.billing.run import run_billing
from services.clock import Clock
from services.idempotency import purge
from services.persistence.database import Database

log = logging.getLogger("octopods.billing")


async def upkeep_once(db: Database, clock: Clock, key_retention: timedelta) -> None:
    now = clock.now()
    # One instance scans at a time; the others skip (billing is exactly-once anyway).
    async with db.alone("billing run") as alone:
        issued = await run_billing(db, now) if alone else []
    for invoice in issued:
        log.info("issued invoice %s total=%s", invoice.number, invoice.total)
    forgotten = await purge(db, now, key_retention)
    if forgotten:
        log.info("forgot %d idempotency keys older than %s", forgotten, key_retention)


async def upkeep_periodically(
    db: Database, clock: Clock, interval_seconds: float, key_retention: timedelta
) -> None:
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            await upkeep_once(db, clock, key_retention)
        except Exception:
            log.exception("upkeep failed; the next run retries")
