"""How the serving process's garbage collector is set, for the server and the
benchmark's floors alike (they are served as the server is).

A request makes a few thousand short-lived containers (records, the answer's dicts,
tasks). With the default thresholds (700, 10, 10) a collection ran more than once a
request on the dashboard, each one walking the objects of every request in flight:
about 2.5 ms of CPU a request under 32 connections. Collecting the young generation
every 50,000 new objects instead costs about 0.3 ms, for a few MB more between
collections. Start-up objects (schema, tables, modules) never die: they are frozen out
of the collector's way."""

import gc

THRESHOLDS = (50_000, 20, 20)


def settle_collector() -> None:
    """Once, after start-up and before the first request."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
