// Typed documents for the page, from the committed schema and the documents in
// operations/ (the one home of what the clients send). Output: src/gql/ (not committed).
//
// Trusted documents (SPEC §12): each document also gets its id, `sha256:<hex>` of its
// text as the page sends it (with the `__typename`s urql's cache reads), embedded as
// `__meta__.hash`, and src/gql/persisted-documents.json lists them; `octopods manifest`
// adds them to operations/manifest.json, so the server knows them by id.
import { createHash } from 'node:crypto';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

const config: CodegenConfig = {
  schema: '../schema/schema.graphql',
  documents: ['../operations/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: {
          hashAlgorithm: (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`,
        },
      },
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: {
        scalars: { DateTime: 'string', Decimal: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      },
    },
  },
};

export default config;
