"""A measurement waits for its server to finish the requests wrk left in flight before
the next one starts on the same CPU (bench/servers.py), or the next variant pays for
them, and the same server's CPU counter charges them to its next row."""

import subprocess
import sys
from pathlib import Path

from bench.servers import CLOCK_TICKS, wait_until_idle

BURN = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass\n"


def test_it_waits_while_the_process_still_works_and_returns_once_it_is_quiet():
    process = subprocess.Popen([sys.executable, "-c", BURN + "time.sleep(30)"])
    try:

        def cpu_seconds() -> float:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

        waited = wait_until_idle(cpu_seconds, quiet=0.3, limit=20)
        assert cpu_seconds() >= 0.6  # the burn had ended
        assert waited < 10  # and it saw the quiet that followed, not its limit
    finally:
        process.kill()
        process.wait()


def test_it_gives_up_at_its_limit_on_a_process_that_never_rests():
    ticks = iter(range(1_000_000))
    waited = wait_until_idle(lambda: float(next(ticks)), quiet=0.2, limit=0.5)
    assert 0.5 <= waited < 2
