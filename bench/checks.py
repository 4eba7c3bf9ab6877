"""Before measuring: the floors must do the real server's work, or the ratios mean nothing.

same SQL:   each row's statements, caught with a `before_cursor_execute` listener
            (services.persistence.statements) on the real app and on the same-SQL floor, run
            in-process on the bench database, must be the same text in the same order.
same JSON:  over HTTP, against the processes that are then measured: the server asked
            by `documentId` and the stock server (planned execution off) must answer
            what the server answers by text (reads) or its shape (updateQuantity);
            the same-SQL
            floor's response must equal the real server's after parsing (reads), or
            have its shape (updateQuantity, whose every answer differs), and the
            same-bytes floor must answer the recorded bytes.
"""

import json
import re

import httpx

from bench.floors import same_sql_app
from bench.rows import Row, update_variables
from bench.servers import Server, environment, post
from server.app import create_app
from services.persistence.statements import statements
from services.settings import Settings


class CheckFailed(SystemExit):
    pass


def _normalised(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


async def _statements_of(app, engine_of, requests: list[tuple[str, bytes, str]]) -> list[list]:
    """The statements each request makes `app` send (lifespan running, in-process)."""
    sent = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client,
    ):
        for path, body, bearer in requests:
            with statements(engine_of(app)) as seen:
                answer = await client.post(
                    path,
                    content=body,
                    headers={
                        "Content-Type": "application/json",
                        "Authorization": f"Bearer {bearer}",
                    },
                )
                if answer.status_code != 200 or b'"errors":[{' in answer.content:
                    raise CheckFailed(f"bench: {path} answered {answer.status_code}: {answer.text}")
            sent.append([_normalised(sql) for sql in seen])
    return sent


async def same_sql(url: str, secret: str, rows: list[Row], tokens: dict[str, str]) -> dict:
    """Compare the statements; returns {row: number of statements}."""

    def requests(path_of, index: int) -> list[tuple[str, bytes, str]]:
        """Each row's request; a write changes subscription `index` to 50 - index, a
        quantity the data never holds, so it is not refused as QUANTITY_UNCHANGED."""
        found = []
        for row in rows:
            body = row.body()
            if row.writes:
                change = update_variables(row.subscriptions[index], 50 - index, f"check-{index}")
                body = row.body(change)
            found.append((path_of(row), body, tokens[row.email]))
        return found

    # The measured server's settings (bench.servers.environment), rate limits off.
    settings = Settings.from_env(environment(url, secret))
    real = await _statements_of(
        create_app(settings), lambda app: app.state.db.engine, requests(lambda row: "/graphql", 0)
    )
    floor = await _statements_of(
        same_sql_app(secret, url),
        lambda app: app.state.db.engine,
        requests(lambda row: row.floor_path, 1),
    )
    for row, theirs, ours in zip(rows, real, floor, strict=True):
        if theirs != ours:
            lines = [f"bench: the same-SQL floor's {row.name} statements differ from the server's:"]
            for number, (a, b) in enumerate(zip(theirs, ours, strict=False), 1):
                if a != b:
                    lines += [f"  #{number} server: {a}", f"  #{number} floor:  {b}"]
            lines.append(
                f"  ({len(theirs)} statements from the server, {len(ours)} from the floor)"
            )
            raise CheckFailed("\n".join(lines))
    return {row.name: len(sent) for row, sent in zip(rows, real, strict=True)}


# A preview's quote holds the instant it was made: equal answers differ there alone.
MADE_AT_ANSWER = ("quoteId", "quoteExpiresAt")


def comparable(value):
    """An answer without what depends on the instant it was made (a quote's id and
    expiry): those only keep their shape."""
    if isinstance(value, dict):
        return {
            key: shape(item) if key in MADE_AT_ANSWER else comparable(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [comparable(item) for item in value]
    return value


def shape(value):
    """The structure of a JSON value: keys and kinds, not the values themselves."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value[:1]]
    return type(value).__name__


def record(server: Server, rows: list[Row], tokens: dict[str, str]) -> dict[str, bytes]:
    """The real server's answer to each row's request, by the floors' path."""
    recorded = {}
    for row in rows:
        body = row.body()
        if row.writes:
            body = row.body(update_variables(row.subscriptions[2], 48, "record"))
        status, answer = post(server.url("/graphql"), body, tokens[row.email])
        if status != 200 or b'"errors":[{' in answer:
            raise CheckFailed(f"bench: the server answered {row.name} with {status}: {answer!r}")
        recorded[row.floor_path] = answer
    return recorded


def same_json(
    floors: dict[str, Server], rows: list[Row], tokens: dict[str, str], recorded: dict
) -> None:
    for row in rows:
        expected = json.loads(recorded[row.floor_path])
        body = row.body()
        if row.writes:
            body = row.body(update_variables(row.subscriptions[3], 47, "compare"))
        for kind, server in floors.items():
            status, answer = post(server.url(row.floor_path), body, tokens[row.email])
            if status != 200:
                raise CheckFailed(f"bench: the {kind} floor answered {row.name} with {status}")
            if kind == "same-bytes":
                same = answer == recorded[row.floor_path]
            elif row.writes:
                same = shape(json.loads(answer)) == shape(expected)
            else:
                same = comparable(json.loads(answer)) == comparable(expected)
            if not same:
                raise CheckFailed(
                    f"bench: the {kind} floor's {row.name} answer is not the server's:\n"
                    f"  server: {recorded[row.floor_path][:2000]!r}\n  floor:  {answer[:2000]!r}"
                )


def same_answers(
    server: Server, stock: Server, rows: list[Row], tokens: dict[str, str], recorded: dict
) -> None:
    """By `documentId` and with planned execution off, the answers are the server's."""
    for row in rows:
        expected = json.loads(recorded[row.floor_path])
        for number, (kind, target, by_id) in enumerate(
            (("by documentId", server, True), ("stock", stock, False))
        ):
            variables = None
            if row.writes:  # another subscription, to a quantity the data never holds
                variables = update_variables(row.subscriptions[4 + number], 46 - number, kind)
            status, answer = post(
                target.url("/graphql"), row.body(variables, by_id=by_id), tokens[row.email]
            )
            found = json.loads(answer) if status == 200 else None
            same = found is not None and (
                shape(found) == shape(expected)
                if row.writes
                else comparable(found) == comparable(expected)
            )
            if not same:
                raise CheckFailed(
                    f"bench: {row.name} {kind} answered {status}, not the server's answer:\n"
                    f"  server: {recorded[row.floor_path][:2000]!r}\n  {kind}: {answer[:2000]!r}"
                )
