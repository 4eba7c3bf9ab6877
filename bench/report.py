"""The table of a run: medians over rounds, how the real server compares, and whether
the issue's goals hold."""

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bench.by_id import ById
from bench.load import Measurement

VARIANTS = ("graphql", "by documentId", "stock", "same-SQL floor", "same-bytes floor")
FLOORS = ("same-SQL floor", "same-bytes floor")
# Measured at once, sharing the server CPU: graphql with the same-SQL floor. (By
# documentId against by text is measured one request at a time: bench/by_id.py.)
PAIRS = (("graphql", "same-SQL floor"),)

# graphql's req/s over the same-SQL floor's, at least (issue 13).
GOALS = {"dashboard": 0.75, "previewCost": 0.85, "updateQuantity": 0.75}
TAIL = 3.0  # p99 at most 3 × p50, on every row of the server
FLOOR_DRIFT = 0.10  # a floor's cpu/req moving more than this says so
# By documentId at least as fast as by text. Once the document is found the work is the
# same, so the two can only be equal within what a measurement resolves: the goal holds
# when bench/by_id.py's 95% interval shows by id slower by less than this margin, the
# least difference this bench calls a finding (bench/README.md, make compare).
BY_ID_MARGIN = 0.02


@dataclass(frozen=True)
class Medians:
    rate: float
    p50: float
    p99: float
    cpu: float  # ms of server CPU per request


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _cpu_ms(measurement: Measurement) -> float:
    """Server CPU per request: unlike req/s, barely moved by other work stealing the CPU."""
    return measurement.server_cpu * 1000 / max(measurement.requests_per_second, 1e-9)


def _duration(ms: float) -> str:
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"


def medians(found: Sequence[Measurement]) -> Medians:
    return Medians(
        _median([m.requests_per_second for m in found]),
        _median([m.p50_ms for m in found]),
        _median([m.p99_ms for m in found]),
        _median([_cpu_ms(m) for m in found]),
    )


Results = Mapping[tuple[str, str], Sequence[Measurement]]
# (row, the pair's first variant) → per round, (its measurement, its partner's)
Paired = Mapping[tuple[str, str], Sequence[tuple[Measurement, Measurement]]]


def cpu_ratio(top: Measurement, bottom: Measurement) -> float:
    """The top's requests per CPU second over the bottom's: their req/s ratio had each
    the same CPU, which two servers sharing one CPU never get exactly."""
    return _cpu_ms(bottom) / _cpu_ms(top)


def together(found: Paired, row: str, top: str) -> tuple[float, float, float]:
    """(median, lowest, highest) of the paired rounds' cpu_ratio."""
    ratios = [cpu_ratio(t, b) for t, b in found[row, top]]
    return _median(ratios), min(ratios), max(ratios)


def same_round(results: Results, row: str, top: str, bottom: str, *, cpu: bool = False) -> float:
    """The median over rounds of one variant's req/s over another's measured in the same
    round, minutes apart at most; read from CPU, the bottom's cpu/req over the top's.
    The machine's own speed drifts by tens of percent over minutes (the same code's
    cpu/req has moved 30% between runs): a ratio of two medians taken at different
    times carries that drift, a median of same-round ratios mostly cancels it."""
    pairs = zip(results[row, top], results[row, bottom], strict=True)
    if cpu:
        return _median([_cpu_ms(b) / _cpu_ms(t) for t, b in pairs])
    return _median([t.requests_per_second / b.requests_per_second for t, b in pairs])


def floors_cpu(
    results: Mapping[tuple[str, str], Sequence[Measurement]], rows: Sequence[str]
) -> dict[str, float]:
    """The floors' cpu/req by "row/variant": kept with each run, so the next one can
    say whether the floors got slower."""
    return {f"{row}/{floor}": medians(results[row, floor]).cpu for row in rows for floor in FLOORS}


def _measured(row: str, variant: str, found: Sequence[Measurement], at: Medians) -> str:
    rates = [m.requests_per_second for m in found]
    spread = (max(rates) - min(rates)) / at.rate if at.rate else 0.0
    errors = sum(m.failed + m.refused for m in found)
    unchanged = sum(m.unchanged for m in found)
    requests = sum(m.requests for m in found)
    return (
        f"{row:<15} {variant:<17} {at.rate:>8.1f} {spread:>6.0%} {_duration(at.p50):>9}"
        f" {_duration(at.p99):>9} {at.p99 / at.p50:>7.1f} {_duration(at.cpu):>9}"
        f"  {_median([m.server_cpu for m in found]):>6.2f}"
        f" {_median([m.database_cpu for m in found]):>5.2f}"
        f" {max(m.other_cpu for m in found):>5.2f}"
        f"  {errors:>6} {unchanged:>9}"
        + (f" of {requests}" if row == "updateQuantity" and variant == "graphql" else "")
    )


def _ratios(rows: Sequence[str], results: Results) -> list[str]:
    lines = [
        f"{'':<15} {'req/s ÷ same-SQL floor':^29} {'same-SQL cpu/req ÷':^22}"
        f" {'by documentId ÷ text':^22}",
        f"{'row':<15} {'graphql':>9} {'stock':>9} {'bytes':>9} {'graphql':>10} {'stock':>10}"
        f" {'req/s':>10} {'cpu/req':>10}",
    ]
    sql = "same-SQL floor"
    for row in rows:

        def ratio(top: str, bottom: str, *, cpu: bool = False, row: str = row) -> float:
            return same_round(results, row, top, bottom, cpu=cpu)

        lines.append(
            f"{row:<15} {ratio('graphql', sql):>9.2f} {ratio('stock', sql):>9.2f}"
            f" {ratio('same-bytes floor', sql):>9.2f} {ratio('graphql', sql, cpu=True):>10.2f}"
            f" {ratio('stock', sql, cpu=True):>10.2f} {ratio('by documentId', 'graphql'):>10.2f}"
            f" {1 / ratio('by documentId', 'graphql', cpu=True):>10.2f}"
        )
    return lines


def _together_lines(rows: Sequence[str], found: Paired) -> list[str]:
    lines = [
        "measured at once on the shared server CPU (requests per CPU second, median and range):",
        f"{'row':<15} {'graphql ÷ same-SQL floor':>26}",
    ]
    for row in rows:
        middle, low, high = together(found, row, "graphql")
        lines.append(f"{row:<15} {f'{middle:.2f} ({low:.2f}-{high:.2f})':>26}")
    return lines


def _by_id_goal(row: str, measured: ById | None) -> str:
    if measured is None:
        return f"  MISSED {row}: by documentId was not measured one request at a time"
    floor = 1 - BY_ID_MARGIN
    if measured.low >= floor:
        verdict = "holds "
    elif measured.high < floor:
        verdict = "MISSED"
    else:
        verdict = "UNSETTLED"  # the interval straddles the margin: more requests will tell
    return (
        f"  {verdict} {row}: by documentId {measured.ratio:.3f} × the requests per CPU second"
        f" by text, 95% {measured.low:.3f}-{measured.high:.3f} (goal: ≥ {floor:.2f} at 95%;"
        f" {measured.requests} each way, one at a time: {measured.id_ms:.2f} against"
        f" {measured.text_ms:.2f} ms)"
    )


def _goals(
    rows: Sequence[str],
    results: Results,
    found: Paired,
    at: Mapping[tuple[str, str], Medians],
    previous: Mapping[str, float] | None,
    by_id: Mapping[str, ById],
) -> list[str]:
    def mark(holds: bool) -> str:
        return "holds " if holds else "MISSED"

    lines = ["goals (issue 13), the ratios to the floor measured at once:"]
    for row, goal in GOALS.items():
        if row in rows:
            ratio = together(found, row, "graphql")[0]
            alone = same_round(results, row, "graphql", "same-SQL floor")
            lead = same_round(results, row, "graphql", "stock")
            lines.append(
                f"  {mark(ratio >= goal)} {row}: graphql {ratio:.3f} of the same-SQL floor's"
                f" req/s (goal ≥ {goal:.2f}; {alone:.2f} one after the other);"
                f" {lead:.2f}× stock's"
            )
    for row in rows:
        for variant in ("graphql", "by documentId"):
            tail = at[row, variant].p99 / at[row, variant].p50
            lines.append(
                f"  {mark(tail <= TAIL)} {row} {variant}: p99 {tail:.1f} × p50 (goal ≤ {TAIL:g})"
            )
    for row in rows:
        lines.append(_by_id_goal(row, by_id.get(row)))
    lines.append("floors' cpu/req (they must not get slower):")
    for row in rows:
        for floor in FLOORS:
            now = at[row, floor].cpu
            before = (previous or {}).get(f"{row}/{floor}")
            if before is None:
                moved = "no earlier run to compare"
            else:
                change = now / before - 1
                word = "MOVED" if abs(change) > FLOOR_DRIFT else "steady"
                moved = f"{word}, {change:+.0%} from {_duration(before)} in the previous run"
            lines.append(f"  {row:<15} {floor:<17} {_duration(now):>9}  {moved}")
    return lines


def table(
    title: str,
    settings: str,
    results: Mapping[tuple[str, str], Sequence[Measurement]],
    rows: Sequence[str],
    found: Paired,
    notes: Sequence[str],
    previous: Mapping[str, float] | None = None,
    by_id: Mapping[str, ById] | None = None,
) -> str:
    """`results` maps (row, variant) to its measurements, one per round, `found` the
    PAIRS' measurements taken at once; `previous` is the floors' cpu/req of the run
    before (floors_cpu), if any; `by_id` bench/by_id.py's measurement per row."""
    lines = [title, settings, ""]
    header = (
        f"{'row':<15} {'variant':<17} {'req/s':>8} {'spread':>7} {'p50':>9} {'p99':>9}"
        f" {'p99÷p50':>7} {'cpu/req':>9}  {'server':>6} {'db':>5} {'other':>5}"
        f"  {'errors':>6} {'unchanged':>9}"
    )
    lines += [header, "-" * len(header)]
    at: dict[tuple[str, str], Medians] = {}
    for row in rows:
        for variant in VARIANTS:
            at[row, variant] = medians(results[row, variant])
            lines.append(_measured(row, variant, results[row, variant], at[row, variant]))
        lines.append("")
    lines += ["", *_ratios(rows, results), "", *_together_lines(rows, found)]
    lines += ["", *_goals(rows, results, found, at, previous, by_id or {}), "", *notes]
    noisiest = max(m.other_cpu for measured in results.values() for m in measured)
    if noisiest > 0.25:
        lines.append(
            f"NOISY: up to {noisiest:.2f} of a core went to other work during a measurement;"
            " compare ratios, not absolute numbers, and rerun on a quiet machine."
        )
    return "\n".join(lines) + "\n"


LEGEND = (
    "variants: graphql = the server asked by text; by documentId = the same server asked by",
    "the document's id (SPEC §12); stock = the server with planned execution off",
    "(OCTOPODS_PLANNED_EXECUTION=0, Strawberry's own execution); the floors: bench/README.md.",
    "req/s, p50, p99: medians over the rounds; spread: (max - min) / median of req/s.",
    "server, db: cores used by the server process and by PostgreSQL's backends (median);",
    "other: the most any round saw used by anything else (other jobs, kernel network work).",
    "cpu/req: the server process's CPU per request (median, from /proc), the least noisy column.",
    "The ratios are medians over rounds of same-round ratios, which cancel most of the",
    "machine's drift between rounds. req/s ÷ same-SQL floor: 1.00 = as fast as the floor.",
    "measured at once: each round also runs graphql and the same-SQL floor together, sharing",
    "the server CPU, so drift within seconds hits both alike; the floor goals are read from",
    "these (requests per CPU second). same-SQL cpu/req ÷: the floor's CPU per request over",
    "graphql's (or stock's). by documentId ÷ text: its req/s over graphql's, its cpu/req",
    "over graphql's, one after the other under load; its goal is read from requests sent one",
    "at a time, by id and by text in turn, to one server (bench/by_id.py), each charged its",
    "own server CPU: text's over id's, the median of the pairs' ratios with its 95% interval.",
    "errors: non-200, socket errors, GraphQL or payload errors; unchanged: QUANTITY_UNCHANGED.",
)
