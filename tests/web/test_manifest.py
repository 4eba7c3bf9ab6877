"""The manifest of trusted documents (SPEC §12) says exactly what operations/ and the
page send; a document that changed without it fails here, saying how to regenerate."""

import os

import pytest

from schema import build_schema, manifest
from schema.manifest import REGENERATE, ManifestError, document_id
from schema.trusted import TrustedDocuments

REQUIRE_NODE = os.environ.get("OCTOPODS_TEST_REQUIRE_NODE") == "1"


def test_every_file_of_operations_is_in_the_manifest_as_it_is():
    documents = manifest.read()

    for key, text in manifest.operation_files().items():
        assert documents.get(key) == text, (
            f"an operations/ file is not in the manifest: {REGENERATE}"
        )


def test_every_id_is_the_sha256_of_its_text():
    for key, text in manifest.read().items():
        assert key == document_id(text)
        assert key.startswith("sha256:") and len(key) == len("sha256:") + 64


def test_the_manifest_holds_the_pages_documents_and_nothing_else():
    page = manifest.page_documents()
    if page is None:
        message = "the page's codegen has not run (web/src/gql/): make manifest"
        if REQUIRE_NODE:
            pytest.fail(message)
        pytest.skip(message)

    assert manifest.read() == manifest.expected(page), f"the manifest is stale: {REGENERATE}"
    assert all("__typename" in text for text in page.values()), "urql's cache reads them"


@pytest.mark.parametrize("production", [False, True], ids=["development", "production"])
def test_every_document_is_ready_at_start_up(production):
    trusted = build_schema(production=production).trusted

    assert set(trusted.by_id) == set(manifest.read())
    planned = {d.operation_name for d in trusted.by_id.values() if d.plan is not None}
    assert {"Dashboard", "PreviewCost", "Invoices"} <= planned
    assert all(d.within_cost for d in trusted.by_id.values())


def test_a_document_that_does_not_validate_stops_the_start():
    schema = build_schema()
    text = "query Stale { viewer { renamedField } }"

    with pytest.raises(ManifestError, match=r"Stale.*does not validate"):
        TrustedDocuments.compile(schema, {document_id(text): text}, schema.trusted_checks)


def test_a_manifest_whose_id_does_not_match_its_text_is_refused(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text('{"sha256:' + "0" * 64 + '": "{ now }"}')

    with pytest.raises(ManifestError, match="make manifest"):
        manifest.read(path)
