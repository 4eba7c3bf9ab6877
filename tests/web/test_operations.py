"""Every document the clients send (operations/) is valid against the committed schema."""

from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, build_schema, parse, validate

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = build_schema((ROOT / "schema" / "schema.graphql").read_text())
DOCUMENTS = sorted((ROOT / "operations").glob("*.graphql"))


def test_there_are_documents():
    assert {path.stem for path in DOCUMENTS} >= {"Dashboard", "PreviewCost", "UpdateQuantity"}


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: path.name)
def test_the_document_is_valid_against_the_schema(path):
    document = parse(path.read_text())

    assert validate(SCHEMA, document) == []
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert len(operations) == 1, "one operation a file, named as the file"
    assert operations[0].name is not None
    assert operations[0].name.value == path.stem


def test_the_dashboard_needs_no_variables():
    (dashboard,) = parse((ROOT / "operations" / "Dashboard.graphql").read_text()).definitions

    assert dashboard.operation.value == "query"
    assert all(
        variable.default_value is not None or variable.type.kind != "non_null_type"
        for variable in dashboard.variable_definitions
    )
