"""The token bucket: a burst, then a steady rate."""

import pytest

from services.rate_limits import Bucket, seconds_until_a_token
from services.settings import RateLimits

LIMITS = RateLimits(burst=100, per_second=10)


def test_a_full_bucket_allows_a_burst_of_its_size_then_refuses():
    bucket = Bucket.full(LIMITS, now=0.0)
    taken = []
    for _ in range(101):
        bucket, ok = bucket.take(LIMITS, now=0.0)
        taken.append(ok)
    assert taken == [True] * 100 + [False]


def test_it_refills_at_the_rate_up_to_the_burst():
    empty = Bucket(0.0, refilled_at=0.0)
    assert empty.take(LIMITS, now=0.05) == (Bucket(0.5, 0.05), False)
    assert empty.take(LIMITS, now=0.1)[1] is True
    assert empty.take(LIMITS, now=3600)[0].tokens == 99  # full again, one taken


def test_a_clock_going_back_refills_nothing():
    assert Bucket(0.0, refilled_at=10.0).take(LIMITS, now=5.0) == (Bucket(0.0, 5.0), False)


@pytest.mark.parametrize(("tokens", "per_second", "wait"), [(0, 10, 1), (0.5, 0.1, 5), (0, 0.5, 2)])
def test_retry_after_is_the_whole_seconds_until_a_token(tokens, per_second, wait):
    assert seconds_until_a_token(tokens, RateLimits(burst=10, per_second=per_second)) == wait


def test_zero_disables_it():
    assert not RateLimits(burst=0).enabled
    assert not RateLimits(per_second=0).enabled
