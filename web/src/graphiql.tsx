/**
 * GraphiQL, bundled from npm and served by the BFF at /graphql (server/web.py), so it
 * works without internet access: Strawberry's own page loads React and GraphiQL from
 * a CDN. Whatever the Headers tab holds is sent with each request; a person signed in
 * on the page in this tab finds their token there already.
 *
 * Subscriptions (SPEC §11) go over graphql-ws to ws(s)://<this host>/graphql; the
 * toolkit sends the Headers tab as the connection's init payload, which is where the
 * server reads the token ({"Authorization": "Bearer …"}).
 */
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './graphiql.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { storedToken } from './auth';

const DEFAULT_QUERY = `# Octopods Billing, the API of Billing & Subscriptions.
#
# All but \`plans\` and \`now\` need a token in Headers:
#   { "Authorization": "Bearer <token>" }
# Get one with: .venv/bin/octopods token ada@acme.test
# Or sign in on the page (/), then open /graphql in
# the same tab: the token is filled in.
#
# Live updates: subscription { accountEvents(accountId: "<an
# account's id>") { kind at subscription { quantity } } }

query Dashboard {
  now
  viewer {
    email
    memberships {
      role
      account {
        name
        subscriptions { plan { name } quantity status monthlyCost { formatted } }
      }
    }
  }
}
`;

const token = storedToken();
const { protocol, host } = window.location;
const subscriptionUrl = `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/graphql`;
const headers = JSON.stringify(token ? { Authorization: `Bearer ${token}` } : {}, null, 2);

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={createGraphiQLFetcher({ url: '/graphql', subscriptionUrl })}
      defaultQuery={DEFAULT_QUERY}
      initialHeaders={headers}
      defaultEditorToolsVisibility="headers"
    />
  </StrictMode>,
);
