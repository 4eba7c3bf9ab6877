"""Hypothesis strategies for what a client controls: bodies, variables, cursors, ids,
token claims and headers. Each mixes the plausible (close to what our clients send)
with the absurd (other types, extremes, deep nesting)."""

import base64
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)
from hypothesis import strategies as st
from strawberry.relay import GlobalID

from tests.support.api import SECRET

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@dataclass(frozen=True)
class Deep:
    """Arrays and objects nested `depth` levels, written out only by to_json (deeper than
    Python's own recursion would go)."""

    depth: int


deep_values = st.integers(min_value=0, max_value=3000).map(Deep)


def _nesting(match: re.Match) -> str:
    depth = int(match.group(1))
    return '{"a":[' * (depth // 2) + "0" + "]}" * (depth // 2)


def to_json(value: object) -> str:
    text = json.dumps(value, default=lambda deep: f"@@deep{deep.depth}@@")
    return re.sub(r'"@@deep(\d+)@@"', _nesting, text)


instants = st.sampled_from(
    [
        "2026-11-15T12:00:00Z",
        "9999-12-31T23:59:59-23:59",  # past year 9999 in UTC
        "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
        "0001-01-01T00:00:00",
        "2026-13-01T00:00:00Z",
        "not a date",
        "",
    ]
) | st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat)


def _cursor_of(value: object) -> str:
    return base64.urlsafe_b64encode(to_json(value).encode()).decode()


cursor_positions = st.lists(
    st.one_of(
        st.integers(min_value=-(2**80), max_value=2**80),
        st.sampled_from([0, 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, -(2**63) - 1]),
        instants,
        json_values,
        deep_values,
    ),
    max_size=3,
)
cursors = st.one_of(
    st.text(max_size=40),
    st.tuples(st.sampled_from(["invoices", "subscription_changes", "users"]), cursor_positions)
    .map(lambda kind_values: [kind_values[0], *kind_values[1]])
    .map(_cursor_of),
    json_values.map(_cursor_of),
    deep_values.map(_cursor_of),
    st.binary(max_size=40).map(lambda raw: base64.urlsafe_b64encode(raw).decode()),
)

UNICODE_DIGITS = "٠١٢٣٤٥٦٧٨٩０１２３４５６７８９߀१"
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(alphabet="0123456789" + UNICODE_DIGITS + " +-.", max_size=25),
)
node_ids = st.one_of(numbers, numbers.map("upcoming-{}".format), st.text(max_size=10))
ids = st.one_of(
    st.text(max_size=30),
    st.tuples(
        st.sampled_from(["Account", "Subscription", "Invoice", "User", "Node", ""]), node_ids
    ).map(lambda parts: str(GlobalID(*parts))),
)

subjects = st.one_of(
    node_ids,
    st.integers(min_value=-(2**70), max_value=2**70),
    json_values,
)
expiries = st.one_of(
    st.integers(min_value=-(2**40), max_value=2**70),
    st.floats(),
    st.text(max_size=10),
    st.none(),
)


def signed_token(claims: dict, headers: dict | None = None) -> str:
    """A token signed with the server's secret: the claims are all that is wrong."""
    return jwt.encode(claims, SECRET, algorithm="HS256", headers=headers)


def _sub_claims(sub: object, exp: object) -> dict:
    claims = {"sub": sub}
    if exp is not None:
        claims["exp"] = exp
    return claims


token_claims = st.builds(_sub_claims, subjects, expiries)

header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
authorizations = st.one_of(
    header_text,
    header_text.map(lambda text: f"Bearer {text}"),
    st.sampled_from(["Bearer", "Bearer ", "bearer  x", "Basic abc", "Bearer a.b.c", "Bearer ..."]),
)
media_types = st.one_of(
    header_text,
    st.sampled_from(
        [
            "application/json",
            "application/json; charset=utf-8",
            "application/graphql-response+json",
            "application/graphql-response+json;q=0, application/json;q=0.1",
            "application/json;q=nan",
            "application/json;q=2, */*;q=-1",
            "text/html",
            "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded",
            "*/*",
            "",
        ]
    ),
)


def _of_scalar(name: str, known_ids: list[str]) -> st.SearchStrategy:
    match name:
        case "ID":
            return st.sampled_from(known_ids) | ids
        case "Int":
            return st.integers(min_value=-5, max_value=60) | st.integers(-(2**70), 2**70)
        case "String":
            return st.text(max_size=300)
        case "Boolean":
            return st.booleans()
        case "DateTime":
            return instants
        case "Decimal":
            return st.decimals(allow_nan=False, allow_infinity=False).map(str) | st.text(max_size=8)
    return json_values


def values_of(type_, known_ids: list[str]) -> st.SearchStrategy:
    """Values for a GraphQL input type: mostly fitting it, sometimes not at all."""
    if isinstance(type_, GraphQLNonNull):
        fitting = values_of(type_.of_type, known_ids)
    elif isinstance(type_, GraphQLList):
        fitting = st.lists(values_of(type_.of_type, known_ids), max_size=3) | st.none()
    elif isinstance(type_, GraphQLInputObjectType):
        fields = {name: values_of(field.type, known_ids) for name, field in type_.fields.items()}
        fitting = st.fixed_dictionaries({}, optional=fields).flatmap(
            lambda given: st.dictionaries(st.text(max_size=8), json_values, max_size=2).map(
                lambda extra: {**extra, **given}
            )
        )
    elif isinstance(type_, GraphQLEnumType):
        fitting = st.sampled_from([*type_.values, "TELEGRAM", "omnichannel", ""])
    elif isinstance(type_, GraphQLScalarType):
        fitting = _of_scalar(type_.name, known_ids)
    else:
        fitting = json_values
    return st.one_of(fitting, fitting, fitting, json_values, deep_values)


def in_days(days: float) -> int:
    return int((datetime.now(UTC) + timedelta(days=days)).timestamp())
