"""bench/ measures the product as it is: it imports no test helpers and no private
names, and reuses the product's own ids, DateTime and cursor encoders (issue 13)."""

import ast
from pathlib import Path

import pytest

from bench.environment import database_name

BENCH = Path(__file__).resolve().parents[2] / "bench"


def imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for each name `path` imports; name is "" for `import module`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.module, alias.name) for alias in node.names]
    return found


def private(module: str, name: str) -> bool:
    parts = [*module.split("."), *([name] if name else [])]
    return any(part.startswith("_") and not part.startswith("__") for part in parts)


@pytest.mark.parametrize("path", sorted(BENCH.glob("*.py")), ids=lambda path: path.name)
def test_bench_imports_no_test_helpers_and_no_private_names(path: Path) -> None:
    wrong = [
        f"{module}.{name}" if name else module
        for module, name in imports(path)
        if module == "tests" or module.startswith("tests.") or private(module, name)
    ]
    assert wrong == [], f"{path.name} imports {wrong}"


def test_the_check_sees_what_it_must_refuse(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import tests.support.api\n"
        "from tests.support.statements import statements\n"
        "from services.persistence.database import _WRITE, Database\n"
        "from services import _hidden\n"
        "from bench.rows import Row\n"
    )
    assert [pair for pair in imports(sample) if pair[0].startswith("tests") or private(*pair)] == [
        ("tests.support.api", ""),
        ("tests.support.statements", "statements"),
        ("services.persistence.database", "_WRITE"),
        ("services", "_hidden"),
    ]


def test_each_checkout_has_its_own_postgresql_database() -> None:
    assert database_name(Path("/work/wt/bench")) == "octopods_bench_bench"
    assert database_name(Path("/work/main")) == "octopods_bench_main"
    assert database_name(Path("/home/me/Octopods-BFF 2")) == "octopods_bench_octopods_bff_2"
    assert len(database_name(Path("/x/" + "a" * 100))) == 63
