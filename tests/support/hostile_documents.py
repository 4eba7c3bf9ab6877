"""The worst documents we can think of, each as large as the limits let it be.

Each family is a function of a size; `largest` finds the size that fills the token
limit (or the document length limit) exactly, so the server sees the most work a
document of that shape can ask for.
"""

from collections.abc import Callable

from graphql import Source, TokenKind
from graphql.language import Lexer

from schema import MAX_DOCUMENT_LENGTH, MAX_TOKENS


def _doubling(n: int) -> str:
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(n))
    return f"query Q {{ ...F0 }} {fragments} fragment F{n} on Query {{ now }}"


def _doubling_with_cycles(n: int) -> str:
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} ...F0 }}" for i in range(n)
    )
    return f"query Q {{ ...F0 }} {fragments} fragment F{n} on Query {{ now ...F0 }}"


def _doubling_with_fields(n: int) -> str:
    fragments = " ".join(
        f"fragment F{i} on Query {{ plans {{ code }} ...F{i + 1} ...F{i + 1} }}" for i in range(n)
    )
    return f"query Q {{ ...F0 }} {fragments} fragment F{n} on Query {{ now }}"


def _chain(n: int) -> str:
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(n))
    return f"query Q {{ ...F0 }} {fragments} fragment F{n} on Query {{ now }}"


def _nested_accounts(n: int) -> str:
    inner = "name"
    for _ in range(n):
        inner = f"subscriptions {{ account {{ {inner} }} }}"
    return f"query Deep {{ viewer {{ memberships {{ account {{ {inner} }} }} }} }}"


NESTING = 198  # graphql-core parses at most 200 nested levels

FAMILIES: dict[str, Callable[[int], str]] = {
    "fragments spreading the next twice": _doubling,
    "the same, each also spreading the first (cycles)": _doubling_with_cycles,
    "the same, each also selecting a field": _doubling_with_fields,
    "a chain of fragments": _chain,
    "one field repeated": lambda n: "{ " + "now " * n + "}",
    "one object field repeated": lambda n: "{ " + "plans { code } " * n + "}",
    "one fragment spread repeated": lambda n: (
        "query Q { " + "...A " * n + "} fragment A on Query { plans { code name } }"
    ),
    "aliases": lambda n: "{ " + " ".join(f"a{i}: now" for i in range(n)) + " }",
    "fragments each spread once": lambda n: (
        "query Q { "
        + " ".join(f"...F{i}" for i in range(n))
        + " } "
        + " ".join(f"fragment F{i} on Query {{ plans {{ code }} }}" for i in range(n))
    ),
    "operations": lambda n: " ".join(f"query Q{i} {{ now }}" for i in range(n)),
    "operations using a variable": lambda n: " ".join(
        f"query Q{i}($d: Boolean!) {{ now @skip(if: $d) }}" for i in range(n)
    ),
    "fragments using a variable": lambda n: (
        "query Q($d: Boolean!) { "
        + " ".join(f"...F{i}" for i in range(n))
        + " } "
        + " ".join(f"fragment F{i} on Query {{ now @skip(if: $d) }}" for i in range(n))
    ),
    "variables": lambda n: "query Q(" + " ".join(f"$v{i}: Int" for i in range(n)) + ") { now }",
    "directives": lambda n: "{ now " + "@skip(if: false) " * n + "}",
    "selections nested": lambda n: "{ " + "plans { " * n + "code" + " }" * n + " }",
    "an argument nested in lists": lambda n: (
        "{ plans { monthlyCost(quantity: " + "[" * n + "1" + "]" * n + ") { amount } } }"
    ),
    "accounts within accounts": _nested_accounts,
    "fields and a long comment": lambda n: "{ " + "now " * n + "}\n#" + "x" * 30_000,
}

# Longer than any document may be: refused before they are read.
OVERSIZED: dict[str, str] = {
    "a comment up to the body limit": "{ now }\n#" + "x" * 990_000,
    "whitespace up to the body limit": "{ now }" + " " * 990_000,
    "a string up to the body limit": '{ now(x: "' + "x" * 990_000 + '") }',
    "a block string up to the body limit": '{ now(x: """' + "x\n" * 320_000 + '""") }',
}


def tokens(text: str) -> int:
    lexer, count = Lexer(Source(text)), 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
    return count


# Families that nest: how many of their units fit in the parser's nesting limit.
MOST = {
    "selections nested": NESTING,
    "an argument nested in lists": NESTING - 4,
    "accounts within accounts": (NESTING - 4) // 2,
}


def largest(name: str) -> str:
    """The family's document at the largest size within the limits."""
    family = FAMILIES[name]
    one, two = tokens(family(1)), tokens(family(2))
    size = min((MAX_TOKENS - one) // (two - one) + 1, MOST.get(name, MAX_TOKENS))
    # The parser refuses a document of MAX_TOKENS tokens already.
    while len(family(size)) > MAX_DOCUMENT_LENGTH or tokens(family(size)) >= MAX_TOKENS:
        size -= max(1, size // 50)
    return family(size)
