"""The page has a readable message for every refusal code, in one place (web/src/errors.ts)."""

import re
from pathlib import Path

from graphql import build_schema

ROOT = Path(__file__).resolve().parents[2]
ERRORS_TS = (ROOT / "web" / "src" / "errors.ts").read_text()


def _codes_listed() -> set[str]:
    listed = re.search(r"REFUSAL_CODES = \[(.*?)\] as const", ERRORS_TS, re.S)
    assert listed, "errors.ts lists REFUSAL_CODES"
    return set(re.findall(r"'([A-Z_]+)'", listed.group(1)))


def _codes_with_a_message() -> set[str]:
    table = re.search(r"const REFUSALS: Record<RefusalCode, Say> = \{(.*?)\n\};", ERRORS_TS, re.S)
    assert table, "errors.ts has the REFUSALS table"
    return set(re.findall(r"^  ([A-Z_]+):", table.group(1), re.M))


def test_every_code_of_the_schema_and_the_request_refusals_has_a_message():
    schema = build_schema((ROOT / "schema" / "schema.graphql").read_text())
    codes = set(schema.type_map["UserErrorCode"].values)
    # From the contract (SPEC §6): codes the API is growing into, and request refusals.
    codes |= {"NO_FREE_SLOT", "UNITS_IN_USE", "INVALID_CHANNEL_NAME", "QUOTE_EXPIRED"}
    codes |= {"RATE_LIMITED", "SERVICE_UNAVAILABLE"}

    assert codes <= _codes_listed()
    assert _codes_with_a_message() == _codes_listed()
