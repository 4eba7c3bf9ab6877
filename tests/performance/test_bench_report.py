"""The benchmark's ratios and goals pair each round's measurements (bench/report.py):
a machine that speeds up between rounds moves both sides of a pair, not the ratio."""

from bench.load import Measurement
from bench.report import PAIRS, VARIANTS, same_round, table

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
    assert round(same_round(results, "dashboard", "graphql", "same-SQL floor"), 2) == 0.70
    # the floor's cpu/req over graphql's: 0.90, 0.70, 0.70
    assert round(same_round(results, "dashboard", "graphql", "same-SQL floor", cpu=True), 2) == 0.70


def at_once(cpu_ratio_of_round: list[float]) -> dict:
    """Each pair measured together: the top at the given requests per CPU second of its
    partner's, the two sharing the CPU unevenly (the top gets 0.4 of it)."""
    found = {}
    for row in ROWS:
        for top, _ in PAIRS:
            found[row, top] = [
                (measured(400 * ratio / 10, 10 / ratio), measured(60, 10.0))
                for ratio in cpu_ratio_of_round
            ]
    return found


def test_the_goals_read_the_ratios_measured_at_once():
    one_after_the_other = drifting([1.0, 1.4, 0.6, 1.2], 0.7)
    text = table("t", "s", one_after_the_other, ROWS, at_once([0.9, 0.8, 0.78, 0.5]), ())
    assert "holds  dashboard: graphql 0.79 of the same-SQL floor's req/s" in text
    assert "(goal ≥ 0.75; 0.70 one after the other)" in text
    assert "MISSED previewCost: graphql 0.79" in text
    assert "MISSED dashboard: by documentId 0.79 × the req/s by text" in text
    assert "0.79 (0.50-0.90)" in text


def test_by_document_id_holds_when_as_fast_at_once():
    text = table("t", "s", drifting([1.0, 0.9], 0.8), ROWS, at_once([1.0, 1.02, 0.98]), ())
    assert "holds  updateQuantity: by documentId 1.00 × the req/s by text" in text
