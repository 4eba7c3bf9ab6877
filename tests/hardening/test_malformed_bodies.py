"""Bodies a client controls, on a real server over one kept-alive connection: each
malformed one gets its 4xx in JSON, and the next request on the same connection is
answered (a 500 used to close it)."""

import asyncio
import json

import pytest

from tests.support.server import served

NOT_AN_OBJECT = [b"null", b"5", b'"{ now }"', b"true", b"[]", b'[{"query": "{ now }"}]']
TOO_DEEP = [
    b'{"query": "{ now }", "variables": {"x": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
    b'{"query": "{ now }", "extensions": ' + b'{"a":' * 101 + b"1" + b"}" * 101 + b"}",
    b'{"query": "{ now }", "variables": {"x": ' + b"[" * 101 + b"]" * 101 + b"}}",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served(tmp_path_factory.mktemp("bodies")) as running:
        yield running


class Connection:
    """One HTTP/1.1 connection, requests sent one after the other on it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    async def post(self, body: bytes, accept: str = "*/*") -> tuple[int, dict, bytes]:
        self.writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + f"Accept: {accept}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await self.writer.drain()
        head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), 10)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {
            name.lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines if line)
        }
        content = await self.reader.readexactly(int(headers["content-length"]))
        return int(status_line.split()[1]), headers, content


async def _connect(url: str) -> Connection:
    port = int(url.rsplit(":", 1)[1])
    return Connection(*await asyncio.open_connection("127.0.0.1", port))


async def test_each_malformed_body_is_400_in_json_and_the_connection_stays_open(server):
    connection = await _connect(server.url)
    try:
        for body in NOT_AN_OBJECT + TOO_DEEP:
            status, headers, content = await connection.post(body)

            assert status == 400, body[:60]
            assert headers["content-type"].startswith("application/json")
            assert "connection" not in headers or headers["connection"] != "close"
            [error] = json.loads(content)["errors"]
            assert error["extensions"]["code"] == "BAD_REQUEST"

        status, _headers, content = await connection.post(b'{"query": "{ now }"}')
        assert status == 200
        assert "now" in json.loads(content)["data"]
    finally:
        connection.writer.close()


async def test_graphql_response_clients_get_their_media_type_for_refusals_too(server):
    connection = await _connect(server.url)
    try:
        for body in [b"null", b"{ not json", b'{"query": 5}', b'{"notquery": "{ now }"}']:
            status, headers, content = await connection.post(
                body, accept="application/graphql-response+json"
            )

            assert status == 400, body
            assert headers["content-type"].startswith("application/graphql-response+json")
            assert "data" not in json.loads(content)
    finally:
        connection.writer.close()


def test_no_malformed_body_was_logged_as_an_error(server):
    assert [line for line in server.log_lines() if " ERROR " in line] == []
