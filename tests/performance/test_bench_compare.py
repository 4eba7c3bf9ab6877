"""`make compare` (bench/compare.py): two revisions' servers swap sides every other
round, and each round's ratio is still the working tree's over the base's."""

from bench.compare import current_over_base, sides, summary
from bench.load import Measurement


def measured(cpu_ms: float) -> Measurement:
    rate = 100.0
    return Measurement(rate, 100.0, 150.0, 500, 0, 0, 0, rate * cpu_ms / 1000, 0.0, 0.0)


def test_the_sides_swap_every_other_round_and_the_ratio_follows_them():
    current, base = measured(8.0), measured(10.0)  # the working tree: 1.25 × the requests
    for number in range(4):
        first, second = sides(number, current, base)
        assert (first is base) == (number % 2 == 1)
        assert current_over_base(number, first, second) == 10.0 / 8.0


def test_the_summary_gives_each_row_its_median_and_every_round():
    text = summary({"previewCost": [1.04, 0.98, 1.02]}, "HEAD~1")
    assert text.splitlines() == [
        "working tree ÷ HEAD~1, requests per CPU second measured at once:",
        "  previewCost     1.020  (0.980, 1.020, 1.040)",
    ]
