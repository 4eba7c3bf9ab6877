"""The benchmark's ratios and goals pair each round's measurements (bench/report.py):
a machine that speeds up between rounds moves both sides of a pair, not the ratio."""

from bench.load import Measurement
from bench.report import VARIANTS, paired, table

ROWS = ("dashboard", "previewCost", "updateQuantity")


def measured(rate: float, cpu_ms: float) -> Measurement:
    server = rate * cpu_ms / 1000
    return Measurement(rate, 100.0, 150.0, int(rate * 5), 0, 0, 0, server, 0.0, 0.0)


def drifting(speed_of_round: list[float], ratio: float) -> dict:
    """graphql at `ratio` of the floor in every round, the machine's speed changing."""
    results = {}
    for row in ROWS:
        for variant in VARIANTS:
            share = ratio if variant in ("graphql", "by documentId", "stock") else 1.0
            results[row, variant] = [
                measured(100 * speed * share, 10 / (speed * share)) for speed in speed_of_round
            ]
    return results


def test_a_ratio_is_the_median_of_same_round_ratios():
    floor = [measured(rate, 10.0) for rate in (100, 50, 200)]  # the machine's speed drifts
    graphql = [measured(rate, cpu) for rate, cpu in ((90, 11.1), (35, 14.3), (140, 14.3))]
    results = {("dashboard", "graphql"): graphql, ("dashboard", "same-SQL floor"): floor}

    # rounds: 0.90, 0.70, 0.70; the ratio of the two medians would say 90 / 100
    assert round(paired(results, "dashboard", "graphql", "same-SQL floor"), 2) == 0.70
    # the floor's cpu/req over graphql's: 0.90, 0.70, 0.70
    assert round(paired(results, "dashboard", "graphql", "same-SQL floor", cpu=True), 2) == 0.70


def test_the_goals_read_the_paired_ratios():
    text = table("t", "s", drifting([1.0, 1.4, 0.6, 1.2], 0.8), ROWS, ())
    assert "holds  dashboard: graphql 0.80 of the same-SQL floor's req/s" in text
    assert "MISSED previewCost: graphql 0.80" in text
