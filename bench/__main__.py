"""`make bench`: the real server against two floors, on SQLite and PostgreSQL.

    make bench BENCH_ARGS="--database sqlite --rounds 2 --duration 5"

For each database: build the data, check that the floors do the server's work (same
SQL, same JSON), warm every server up, then measure in interleaved rounds (each round
runs every row on every variant, the variants' order rotating) so that drift on the
machine hits all of them alike. Tables go to stdout and bench/results/.
"""

import argparse
import asyncio
import json
import os
import secrets
import subprocess
from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from bench import by_id, checks, data, environment, load, report, servers
from bench.environment import RESULTS, TARGETS, WORK, free_port
from bench.rows import Row, rows_for

VARIANTS = report.VARIANTS
ON_SERVER = ("graphql", "by documentId", "stock")  # the rest are floors, on their own path


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=6, help="measurements per row and variant")
    parser.add_argument("--duration", type=int, default=4, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=3, help="seconds per row and variant")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (all on one CPU)")
    parser.add_argument(
        "--by-id-requests",
        type=int,
        default=1000,
        help="per row, each way, sent one at a time by documentId and by text (bench/by_id.py)",
    )
    args = parser.parse_args()
    bounded = (
        1 <= args.rounds <= 20
        and 1 <= args.duration <= 120
        and 0 <= args.warmup <= 60
        and 1 <= args.connections <= 1000
        and 1 <= args.threads <= args.connections
        and 20 <= args.by_id_requests <= 100_000
    )
    if not bounded:
        parser.error(
            "keep it bounded: rounds 1-20, duration 1-120 s, warmup 0-60 s,"
            " connections 1-1000, threads 1-connections, by-id-requests 20-100000"
        )
    return args


def _git(*args: str) -> str:
    done = subprocess.run(  # noqa: S603 - fixed git commands
        ["git", *args],  # noqa: S607
        cwd=environment.ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    )
    return done.stdout.strip()


def revision() -> str:
    """The commit, and the files changed since, that the servers are started from."""
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    status = _git("status", "--porcelain", "--untracked-files=no").splitlines()
    changed = [line.split(maxsplit=1)[1] for line in status]
    changed = [path for path in changed if not path.startswith("bench/")]
    return commit + (f" + uncommitted {', '.join(changed)}" if changed else "")


class Run:
    """One database's benchmark: its servers, and the measurements it takes."""

    def __init__(
        self,
        target: environment.Target,
        history: data.History,
        seeded: data.Seeded,
        wrk: str,
        args: argparse.Namespace,
    ):
        self.target = target
        self.history = history
        self.seeded = seeded
        self.wrk = wrk
        self.args = args
        self.secret = secrets.token_urlsafe(32)
        self.env = servers.environment(target.url, self.secret)
        self.rows = rows_for(seeded)
        self.tokens: dict[str, str] = {}
        self.results: dict[tuple[str, str], list[load.Measurement]] = defaultdict(list)
        # (row, top variant): the top's and its partner's measurements, taken together
        self.at_once: report.Paired = defaultdict(list)
        self.by_id: dict[str, by_id.ById] = {}
        self.revision = "unknown"

    def say(self, text: str) -> None:
        print(f"[{self.target.name}] {text}", flush=True)

    def undo_writes(self) -> None:
        asyncio.run(data.undo_writes(self.target.url, self.seeded))

    def script(self, row: Row, variant: str, name: str = "") -> tuple[str, Path]:
        """The path to ask and a fresh wrk script (updateQuantity's idempotency keys
        carry its nonce)."""
        path = "/graphql" if variant in ON_SERVER else row.floor_path
        name = f"{self.target.name}-{row.name}{name}"
        script = load.write_script(
            row, self.tokens[row.email], name, by_id=variant == "by documentId"
        )
        return path, script

    def settings(self, seconds: int) -> load.Load:
        return load.Load(seconds, self.args.connections, self.args.threads)

    def measure(
        self, row: Row, variant: str, server: servers.Server, seconds: int
    ) -> load.Measurement:
        path, script = self.script(row, variant)
        measured = load.run(self.wrk, server, path, script, self.settings(seconds))
        if row.writes:
            self.undo_writes()
        return measured

    def measure_pair(
        self, row: Row, pair: tuple[str, str], on: tuple[servers.Server, servers.Server]
    ) -> tuple[load.Measurement, load.Measurement]:
        """Both variants at once, on the server CPU they share. Writers pick from
        different halves of the subscriptions, so neither waits on the other's rows."""
        targets = []
        for half, (variant, server) in enumerate(zip(pair, on, strict=True)):
            mine = replace(row, subscriptions=row.subscriptions[half::2])
            targets.append((server, *self.script(mine, variant, f"-pair{half}")))
        top, bottom = load.run_together(self.wrk, targets, self.settings(self.args.duration))
        if row.writes:
            self.undo_writes()
        return top, bottom

    def prepare(self) -> dict[str, int]:
        self.say(f"building the database at {self.target.url}")
        environment.reset(self.target)
        asyncio.run(data.load(self.target.url, self.history, self.seeded))
        self.tokens = {row.email: servers.token(row.email, self.env) for row in self.rows}
        counts = asyncio.run(checks.same_sql(self.target.url, self.secret, self.rows, self.tokens))
        self.undo_writes()
        self.say(f"same SQL on the server and the same-SQL floor: {counts} statements")
        return counts

    def run(self) -> str:
        counts = self.prepare()
        real = servers.real_server(self.env, free_port())
        stock = servers.real_server(self.env, free_port(), planned=False)
        sql = servers.floor("sql", self.env, free_port())
        recorded_path = WORK / f"recorded-{self.target.name}.json"
        raw = servers.floor("bytes", self.env, free_port(), recorded_path)
        variants = {
            "graphql": real,
            "by documentId": real,
            "stock": stock,
            "same-SQL floor": sql,
            "same-bytes floor": raw,
        }
        partners = {"same-SQL floor": sql}
        try:
            self.revision = revision()
            real.start()
            recorded = checks.record(real, self.rows, self.tokens)
            recorded_path.write_text(json.dumps({p: b.decode() for p, b in recorded.items()}))
            stock.start()
            sql.start()
            raw.start()
            checks.same_answers(real, stock, self.rows, self.tokens, recorded)
            floors = {"same-SQL": sql, "same-bytes": raw}
            checks.same_json(floors, self.rows, self.tokens, recorded)
            self.undo_writes()
            self.say("same JSON by documentId, from stock and from the floors; warming up")
            for variant, server in variants.items():
                for row in self.rows:  # by documentId warms the server up a second time
                    if self.args.warmup:
                        self.measure(row, variant, server, self.args.warmup)
            for number in range(self.args.rounds):
                turn = number % len(VARIANTS)
                order = VARIANTS[turn:] + VARIANTS[:turn]
                for row in self.rows:
                    for variant in order:
                        found = self.measure(row, variant, variants[variant], self.args.duration)
                        self.results[row.name, variant].append(found)
                        self.say(
                            f"round {number + 1}/{self.args.rounds} {row.name:<14} {variant:<16}"
                            f" {found.requests_per_second:>8.1f} req/s"
                            f"  p50 {found.p50_ms:7.2f} ms  p99 {found.p99_ms:7.2f} ms"
                            f"  other CPU {found.other_cpu:.2f}"
                        )
                    self.measure_pairs(row, number, variants, partners)
            for row in self.rows:
                assert real.process is not None
                bearer, pid = self.tokens[row.email], real.process.pid
                self.by_id[row.name] = found = by_id.measure(
                    real.port, pid, row, bearer, self.args.by_id_requests
                )
                if row.writes:
                    self.undo_writes()
                self.say(
                    f"{row.name:<14} one at a time: {found.id_ms:.2f} ms CPU by documentId,"
                    f" {found.text_ms:.2f} ms by text: {found.ratio:.3f}"
                    f" ({found.low:.3f}-{found.high:.3f})"
                )
        finally:
            for server in (real, stock, sql, raw):
                server.stop()
        return self.table(counts, {row.name: len(recorded[row.floor_path]) for row in self.rows})

    def measure_pairs(self, row: Row, number: int, variants: dict, partners: dict) -> None:
        for pair in report.PAIRS:
            top, partner = pair
            on = (variants[top], partners[partner])
            found = self.measure_pair(row, pair, on)
            self.at_once[row.name, top].append(found)
            ratio = report.cpu_ratio(*found)
            self.say(
                f"round {number + 1}/{self.args.rounds} {row.name:<14} {top} with {partner}"
                f" at once: {ratio:.2f} of its req/s per CPU second"
                f"  other CPU {found[0].other_cpu:.2f}"
            )

    def table(self, counts: dict[str, int], sizes: dict[str, int]) -> str:
        """The table, after the floors' cpu/req of the latest earlier run (if any) is
        read, and this run's is kept for the next one."""
        seeded, args = self.seeded, self.args
        title = (
            f"{self.target.title}: the GraphQL server against its floors"
            f"  ({datetime.now():%Y-%m-%d %H:%M})"
        )
        settings = (
            f"{args.rounds} rounds × {args.duration} s per row and variant after {args.warmup} s"
            f" of warm-up; wrk -t{args.threads} -c{args.connections} on CPU {environment.WRK_CPU},"
            f" each server (1 uvicorn worker) on CPU {environment.SERVER_CPU}"
        )
        data_line = ", ".join(f"{count:,} {table}" for table, count in seeded.counts.items())
        notes = [
            *report.LEGEND,
            f"code: {self.revision} (read when the servers started).",
            f"data: {data_line}.",
            f"dashboard: {data.BENCH_EMAIL}, admin of 2 accounts, 5 subscriptions, 10 invoices"
            f" a page; previewCost: its ACTIVE subscription with pending lines, quantity"
            f" {data.PREVIEW_QUANTITY}; updateQuantity: {data.WRITER_EMAIL}, a random one of"
            f" {len(seeded.writer_subscription_ids)} ACTIVE subscriptions in"
            f" {data.WRITER_ACCOUNTS} accounts, quantity 1-50, a new idempotency key each.",
            f"statements per request (checked equal on server and floor): {counts};"
            f" response bytes: {sizes}.",
            f"load average at the end: {os.getloadavg()[0]:.2f} (1 min).",
        ]
        rows = [row.name for row in self.rows]
        kept = RESULTS / f"{self.target.name}-floors.json"
        previous = json.loads(kept.read_text()) if kept.exists() else None
        kept.write_text(json.dumps(report.floors_cpu(self.results, rows)))
        return report.table(
            title, settings, self.results, rows, self.at_once, notes, previous, self.by_id
        )


def main() -> None:
    args = arguments()
    environment.check_cpus()
    wrk = environment.ensure_wrk()
    WORK.mkdir(parents=True, exist_ok=True)
    history, seeded = data.build(data.now_utc())  # once; loaded into each database
    names = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for name in names:
        text = Run(TARGETS[name], history, seeded, wrk, args).run()
        path = RESULTS / f"{name}-{stamp}.txt"
        path.write_text(text)
        print("\n" + text + f"(written to {path.relative_to(environment.ROOT)})\n", flush=True)


if __name__ == "__main__":
    main()
