"""The graphql-http audit (npm, `auditServer`) of GraphQL over HTTP, against a real server:
no failure and no warning in development; in production (trusted documents off) the
only ones allowed are about free-text queries over GET, which production refuses (SPEC
§12), and are optional (MAY) in the spec.

Needs Node 20 and npm; installs the pinned graphql-http (package-lock.json) on first run.
Skipped where node is missing, unless OCTOPODS_TEST_REQUIRE_NODE=1 (CI), which fails.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.server import served

HERE = Path(__file__).resolve().parent
FREE_TEXT_GET = {
    "5A70": "MAY accept application/x-www-form-urlencoded formatted GET requests",
    "D6D5": "MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting "
    "application/graphql-response+json",
    "6A70": "MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting "
    "application/json",
}


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None or shutil.which("npm") is None:
        if os.environ.get("OCTOPODS_TEST_REQUIRE_NODE") == "1":
            pytest.fail("node and npm are required (OCTOPODS_TEST_REQUIRE_NODE=1)")
        pytest.skip("node and npm are not installed")
    if not (HERE / "node_modules" / "graphql-http").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=HERE,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return found


def audit(node: str, url: str) -> list[dict]:
    result = subprocess.run(
        [node, str(HERE / "audit.mjs"), f"{url}/graphql"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


def not_ok(results: list[dict]) -> dict[str, tuple[str, str]]:
    return {r["id"]: (r["status"], r["name"]) for r in results if r["status"] != "ok"}


def test_development_passes_the_whole_audit(node, tmp_path):
    with served(tmp_path) as server:
        results = audit(node, server.url)

    assert len(results) > 50
    assert not_ok(results) == {}


def test_production_passes_but_for_the_optional_free_text_get(node, tmp_path):
    with served(tmp_path, OCTOPODS_ENV="production") as server:
        results = audit(node, server.url)

    remaining = not_ok(results)
    assert {id_: status for id_, (status, _name) in remaining.items() if status == "error"} == {}
    assert set(remaining) <= set(FREE_TEXT_GET), remaining
    for id_, (_status, name) in remaining.items():
        assert name == FREE_TEXT_GET[id_]
