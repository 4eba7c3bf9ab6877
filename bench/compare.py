"""`make compare BASE=<revision>`: the working tree's server against another revision's,
both on the server CPU at once, each asked by text with its own wrk.

    make compare BASE=HEAD COMPARE_ARGS="--rows previewCost --rounds 8"

A change worth a few percent is lost in `make bench`'s noise between runs; measured
at once, two servers see the same machine over the same seconds. They swap sides every
other round. The base revision is checked out into a temporary git worktree (committed
files only) and served from there with this tree's .venv. Ratios above 1.00: the
working tree answers more requests per CPU second. Compare HEAD with itself first: on
this machine, that has stayed within ±0.03 a round.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bench import checks, data, environment, report, servers
from bench.__main__ import Run
from bench.environment import ROOT, TARGETS, WORK, free_port
from bench.load import Measurement


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__)
    parser.add_argument("--base", required=True, help="a git revision, e.g. HEAD or main~2")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rows", default="dashboard,previewCost,updateQuantity")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--duration", type=int, default=4, help="seconds per round and row")
    args = parser.parse_args()
    if not (1 <= args.rounds <= 40 and 1 <= args.duration <= 60):
        parser.error("keep it bounded: rounds 1-40, duration 1-60 s")
    args.warmup, args.connections, args.threads = 2, 32, 2  # as Run reads them
    return args


@contextmanager
def checked_out(revision: str) -> Iterator[Path]:
    """The revision's committed files in a temporary worktree, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="octopods-base-"))
    git = ["git", "-C", str(ROOT), "worktree"]
    added = subprocess.run([*git, "add", "--detach", "--force", str(folder), revision])  # noqa: S603
    if added.returncode != 0:
        raise SystemExit(f"bench: cannot check out {revision!r} (see git's message above)")
    try:
        yield folder
    finally:
        subprocess.run([*git, "remove", "--force", str(folder)], check=False)  # noqa: S603


def served_from(tree: Path, name: str, env: dict[str, str]) -> servers.Server:
    """`octopods serve` from `tree`: its directory comes first on the import path."""
    port = free_port()
    command = [sys.executable, str(tree / "octopods.py"), "serve", "--port", str(port)]
    return servers.Server(name, command, env, port)


def sides(number: int, current, base) -> tuple:
    """Which goes first in round `number`: they swap every other round, so whatever tells
    one side of a pair from the other cancels out."""
    return (current, base) if number % 2 == 0 else (base, current)


def current_over_base(number: int, first: Measurement, second: Measurement) -> float:
    """The round's ratio from its two measurements, in the order `sides` gave them
    (swapping twice puts them back)."""
    current, base = sides(number, first, second)
    return report.cpu_ratio(current, base)


def summary(ratios: dict[str, Sequence[float]], base: str) -> str:
    lines = [f"working tree ÷ {base}, requests per CPU second measured at once:"]
    for row, found in ratios.items():
        values = ", ".join(f"{ratio:.3f}" for ratio in sorted(found))
        lines.append(f"  {row:<15} {statistics.median(found):.3f}  ({values})")
    return "\n".join(lines)


def main() -> None:
    args = arguments()
    environment.check_cpus()
    WORK.mkdir(parents=True, exist_ok=True)
    with checked_out(args.base) as tree:
        history, seeded = data.build(data.now_utc())
        run = Run(TARGETS[args.database], history, seeded, environment.ensure_wrk(), args)
        run.prepare()
        rows = [row for row in run.rows if row.name in args.rows.split(",")]
        ratios = measure(run, rows, served_from(tree, "base", run.env), args.rounds)
    print(summary(ratios, args.base), flush=True)


def same_answers(run: Run, rows: list, current: servers.Server, base: servers.Server) -> None:
    """A comparison of a server that answers wrong (or not at all) would mean nothing."""
    expected = checks.record(base, rows, run.tokens)
    found = checks.record(current, rows, run.tokens)  # a write: the same key, replayed
    for row in rows:
        answers = [json.loads(side[row.floor_path]) for side in (expected, found)]
        same = checks.shape if row.writes else checks.comparable
        if same(answers[0]) != same(answers[1]):
            raise checks.CheckFailed(f"bench: {row.name} is not answered as the base answers it")
    run.undo_writes()


def measure(run: Run, rows: list, base: servers.Server, rounds: int) -> dict[str, list[float]]:
    current = served_from(ROOT, "current", run.env)
    ratios: dict[str, list[float]] = defaultdict(list)
    try:
        base.start()
        current.start()
        same_answers(run, rows, current, base)
        for server in (base, current):
            for row in rows:
                run.measure(row, "graphql", server, run.args.warmup)
        for number in range(rounds):
            for row in rows:
                on = sides(number, current, base)
                measured = run.measure_pair(row, ("graphql", "graphql"), on)
                ratios[row.name].append(current_over_base(number, *measured))
                run.say(f"round {number + 1} {row.name}: {ratios[row.name][-1]:.3f}")
    finally:
        base.stop()
        current.stop()
    return ratios


if __name__ == "__main__":
    main()
