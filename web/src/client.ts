import { Client, cacheExchange, fetchExchange, mapExchange } from 'urql';
import { byDocumentId, sendsDocumentIds } from './documents';
import { problemOf } from './errors';

/**
 * The context of every mutation: whatever its answer (a change, or a refusal because
 * something changed meanwhile), the queries showing these types are fetched again.
 */
export const AFTER_A_CHANGE = {
  additionalTypenames: ['Subscription', 'CostPreview', 'SubscriptionChange', 'Invoice'],
};

/**
 * The page's GraphQL client, one per signed-in user (a new sign-in starts with an
 * empty cache). Server state lives in urql's document cache: a mutation's answer
 * refetches every query that shows a type it returned (a changed Subscription
 * refetches the dashboard, the previews and the invoices).
 *
 * Live updates (SPEC §11) plug in here: a `subscriptionExchange` before
 * `fetchExchange`, forwarding to a graphql-ws client on /graphql whose
 * `connectionParams` are `{ Authorization: \`Bearer ${token}\` }`.
 */
export function makeClient(token: string, onSignedOut: () => void): Client {
  return new Client({
    url: '/graphql',
    // POST for text (production serves no free-text GET); by id, queries go by GET
    // (documents.ts).
    preferGetMethod: false,
    fetchOptions: { headers: { Authorization: `Bearer ${token}` } },
    exchanges: [
      mapExchange({
        onError(error) {
          if (problemOf(error).code === 'UNAUTHENTICATED') onSignedOut();
        },
      }),
      cacheExchange,
      ...(sendsDocumentIds() ? [byDocumentId] : []),
      fetchExchange,
    ],
  });
}
