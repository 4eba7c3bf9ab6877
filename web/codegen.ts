// Typed documents for the page, from the committed schema and the documents in
// operations/ (the one home of what the clients send). Output: src/gql/ (not committed).
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../schema/schema.graphql',
  documents: ['../operations/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
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
