import { Client, cacheExchange, fetchExchange, mapExchange } from 'urql';
import { byDocumentId, sendsDocumentIds } from './documents';
import { problemOf } from './errors';
import { liveUpdates, type Live } from './live';

/**
 * The context of every mutation: whatever its answer (a change, or a refusal because
 * something changed meanwhile), the queries showing these types are fetched again.
 */
export const AFTER_A_CHANGE = {
  additionalTypenames: ['Subscription', 'CostPreview', 'SubscriptionChange', 'Invoice'],
};

export interface PageClient {
  urql: Client;
  live: Live;
}

/**
 * The page's GraphQL client, one per signed-in user (a new sign-in starts with an
 * empty cache). Server state lives in urql's document cache: a mutation's answer
 * refetches every query that shows a type it returned (a changed Subscription
 * refetches the dashboard, the previews and the invoices). Subscriptions go over a
 * graphql-ws socket on /graphql, and each event they bring refetches every query on
 * screen (live.ts).
 */
export function makeClient(token: string, onSignedOut: () => void): PageClient {
  // A socket refused (4403): read everything again over HTTP, which signs out if the
  // token is what the server no longer takes.
  const live = liveUpdates(token, () => live.live.refetchAll());
  const urql = new Client({
    url: '/graphql',
    // POST for text (production serves no free-text GET); by id, queries go by GET
    // (documents.ts).
    preferGetMethod: false,
    fetchOptions: { headers: { Authorization: `Bearer ${token}` } },
    exchanges: [
      live.first, // sees every query, so that live updates can fetch them all again
      mapExchange({
        onError(error) {
          if (problemOf(error).code === 'UNAUTHENTICATED') onSignedOut();
        },
      }),
      cacheExchange,
      ...(sendsDocumentIds() ? [byDocumentId] : []),
      live.socket,
      fetchExchange,
    ],
  });
  return { urql, live: live.live };
}
