import type { Kind } from 'graphql';
import { makeOperation, mapExchange, type Operation, type PersistedDocument } from 'urql';

/**
 * Trusted documents (SPEC §12). Where the server runs nothing else
 * (OCTOPODS_TRUSTED_DOCUMENTS=only, which it says in the page it serves), each document
 * leaves by its id, `sha256:<hex>` of its text as codegen printed it (web/codegen.ts):
 * queries over GET, so the browser revalidates them with their ETag (a 304 instead of
 * the whole answer), mutations and subscriptions by POST and over the socket.
 * Elsewhere (development) the page sends the documents' text, as readable as ever.
 */
export function sendsDocumentIds(): boolean {
  const meta = document.querySelector('meta[name="octopods-trusted-documents"]');
  return meta?.getAttribute('content') === 'only';
}

function idOf(operation: Operation): string | undefined {
  return (operation.query as { __meta__?: { hash?: string } }).__meta__?.hash;
}

/** Put it after the cache (which reads the documents) and before what sends them. */
export const byDocumentId = mapExchange({
  onOperation(operation) {
    const documentId = idOf(operation);
    if (!documentId || operation.kind === 'teardown') return operation;
    const query: PersistedDocument = { kind: 'Document' as Kind.DOCUMENT, definitions: [], documentId };
    const preferGetMethod = operation.kind === 'query' ? 'within-url-limit' : false;
    return makeOperation(operation.kind, { ...operation, query }, { ...operation.context, preferGetMethod });
  },
});
