"""The server's own billing run, every few seconds, beside the requests."""

import asyncio
import logging

from services.billing.run import run_billing
from services.clock import Clock
from services.persistence.database import Database

log = logging.getLogger("octopods.billing")


async def bill_periodically(db: Database, clock: Clock, interval_seconds: float) -> None:
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            issued = await run_billing(db, clock.now())
        except Exception:
            log.exception("billing run failed; the next run retries")
            continue
        for invoice in issued:
            log.info("issued invoice %s total=%s", invoice.number, invoice.total)
