"""The table of a run: medians over rounds, and how the real server compares."""

import statistics
from collections.abc import Sequence

from bench.load import Measurement

VARIANTS = ("graphql", "same-SQL floor", "same-bytes floor")


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _cpu_ms(measurement: Measurement) -> float:
    """Server CPU per request: unlike req/s, barely moved by other work stealing the CPU."""
    return measurement.server_cpu * 1000 / max(measurement.requests_per_second, 1e-9)


def _duration(ms: float) -> str:
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"


def table(
    title: str,
    settings: str,
    results: dict[tuple[str, str], list[Measurement]],
    rows: Sequence[str],
    notes: Sequence[str],
) -> str:
    """`results` maps (row, variant) to its measurements, one per round."""
    lines = [title, settings, ""]
    header = (
        f"{'row':<15} {'variant':<17} {'req/s':>8} {'spread':>7} {'p50':>9} {'p99':>9}"
        f" {'cpu/req':>9}  {'server':>6} {'db':>5} {'other':>5}  {'errors':>6} {'unchanged':>9}"
    )
    lines += [header, "-" * len(header)]
    medians: dict[tuple[str, str], tuple[float, float, float, float]] = {}
    noisiest = 0.0
    for row in rows:
        for variant in VARIANTS:
            found = results[row, variant]
            rate = _median([m.requests_per_second for m in found])
            p50 = _median([m.p50_ms for m in found])
            p99 = _median([m.p99_ms for m in found])
            cpu = _median([_cpu_ms(m) for m in found])
            medians[row, variant] = (rate, p50, p99, cpu)
            rates = [m.requests_per_second for m in found]
            spread = (max(rates) - min(rates)) / rate if rate else 0.0
            other = max(m.other_cpu for m in found)
            noisiest = max(noisiest, other)
            errors = sum(m.failed + m.refused for m in found)
            unchanged = sum(m.unchanged for m in found)
            requests = sum(m.requests for m in found)
            lines.append(
                f"{row:<15} {variant:<17} {rate:>8.1f} {spread:>6.0%} {_duration(p50):>9}"
                f" {_duration(p99):>9} {_duration(cpu):>9}"
                f"  {_median([m.server_cpu for m in found]):>6.2f}"
                f" {_median([m.database_cpu for m in found]):>5.2f} {other:>5.2f}"
                f"  {errors:>6} {unchanged:>9}"
                + (f" of {requests}" if row == "updateQuantity" and variant == "graphql" else "")
            )
        lines.append("")
    lines += [
        "",
        f"{'':<15} {'req/s, graphql ÷':^30} {'cpu/req, graphql ÷':^30}",
        f"{'row':<15} {'same-SQL':>14} {'same-bytes':>15} {'same-SQL':>14} {'same-bytes':>15}"
        f" {'graphql p99 ÷ p50':>18}",
    ]
    for row in rows:
        rate, p50, p99, cpu = medians[row, "graphql"]
        sql, raw = medians[row, "same-SQL floor"], medians[row, "same-bytes floor"]
        lines.append(
            f"{row:<15} {rate / sql[0]:>14.2f} {rate / raw[0]:>15.3f}"
            f" {cpu / sql[3]:>14.1f} {cpu / raw[3]:>15.1f} {p99 / p50:>18.1f}"
        )
    lines += ["", *notes]
    if noisiest > 0.25:
        lines.append(
            f"NOISY: up to {noisiest:.2f} of a core went to other work during a measurement;"
            " compare ratios, not absolute numbers, and rerun on a quiet machine."
        )
    return "\n".join(lines) + "\n"


LEGEND = (
    "req/s, p50, p99: medians over the rounds; spread: (max - min) / median of req/s.",
    "server, db: cores used by the server process and by PostgreSQL's backends (median);",
    "other: the most any round saw used by anything else (other jobs, kernel network work).",
    "cpu/req: the server process's CPU per request (median), the least noisy column.",
    "ratios: graphql's req/s over each floor's (1.00 = as fast as the floor); graphql's",
    "cpu/req over each floor's (how many times the floor's CPU a request costs).",
    "errors: non-200, socket errors, GraphQL or payload errors; unchanged: QUANTITY_UNCHANGED.",
)
