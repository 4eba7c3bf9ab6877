"""The manifest of trusted documents (SPEC §12): `sha256:<hex>` → the document's text.

`operations/manifest.json` holds every file of `operations/` (its id is the SHA-256 of
the file's bytes) and the page's documents as the page sends them: urql reads
`__typename` to know what a change makes stale, so the page's documents carry it where
the files do not. graphql-codegen writes those (`persistedDocuments` in web/codegen.ts)
to web/src/gql/persisted-documents.json, with ids made the same way.

`make manifest` (and `make web`, after codegen) writes the manifest with
`octopods manifest`; tests/web/test_manifest.py fails when it and `operations/`
disagree. Nothing here needs the schema: a broken manifest can always be rewritten.
"""

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OPERATIONS = ROOT / "operations"
MANIFEST = OPERATIONS / "manifest.json"
PAGE_DOCUMENTS = ROOT / "web" / "src" / "gql" / "persisted-documents.json"
PREFIX = "sha256:"
REGENERATE = "run `make manifest` (codegen, then `octopods manifest`) and commit the manifest"


class ManifestError(Exception):
    """The manifest cannot be read, or does not say what it should."""


def document_id(text: str) -> str:
    """The id of a document: the SHA-256 of its exact UTF-8 text."""
    return PREFIX + hashlib.sha256(text.encode()).hexdigest()


def operation_files(folder: Path = OPERATIONS) -> dict[str, str]:
    """Every document of `operations/`, by id, exactly as its file holds it."""
    documents = {}
    for path in sorted(folder.glob("*.graphql")):
        raw = path.read_bytes()
        documents[PREFIX + hashlib.sha256(raw).hexdigest()] = raw.decode("utf-8")
    return documents


def _checked(documents: object, where: Path) -> dict[str, str]:
    if not isinstance(documents, dict):
        raise ManifestError(f"{where} is not a JSON object of id → document")
    for key, text in documents.items():
        if not isinstance(text, str) or document_id(text) != key:
            raise ManifestError(f"{where}: {key!r} is not the SHA-256 of its text; {REGENERATE}")
    return documents


def read(path: Path = MANIFEST) -> dict[str, str]:
    """The manifest, each id checked against its text."""
    try:
        documents = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path} is missing; {REGENERATE}") from None
    except ValueError as error:
        raise ManifestError(f"{path} is not JSON ({error}); {REGENERATE}") from None
    return _checked(documents, path)


def page_documents(path: Path = PAGE_DOCUMENTS) -> dict[str, str] | None:
    """The page's documents as codegen wrote them; None before codegen has run."""
    if not path.is_file():
        return None
    return _checked(json.loads(path.read_text(encoding="utf-8")), path)


def expected(page: dict[str, str]) -> dict[str, str]:
    """What the manifest should hold: the files of operations/ and the page's documents."""
    return dict(sorted({**operation_files(), **page}.items()))


def encode(documents: dict[str, str]) -> str:
    return json.dumps(dict(sorted(documents.items())), indent=2, ensure_ascii=False) + "\n"
