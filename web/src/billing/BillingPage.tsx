import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { describe, problemOf } from '../errors';
import { DashboardDocument } from '../gql/graphql';
import { Loading, Notice } from '../ui/Notice';
import { AccountView } from './AccountView';
import type { Refresh } from './types';

const DASHBOARD = { invoicesFirst: 10 };

/** Billing & Subscriptions: the viewer's accounts, one at a time. */
export function BillingPage({ onSignOut }: { onSignOut: () => void }) {
  const [{ data, fetching, error }, reexecute] = useQuery({ query: DashboardDocument, variables: DASHBOARD });
  // Those waiting for the dashboard's next answer (see Refresh).
  const waiting = useRef<Array<() => void>>([]);
  useEffect(() => {
    if (fetching) return;
    const waiters = waiting.current;
    waiting.current = [];
    for (const resolve of waiters) resolve();
  }, [data, error, fetching]);
  const refresh: Refresh = useCallback(
    ({ force = false } = {}) =>
      new Promise<void>((resolve) => {
        waiting.current.push(resolve);
        if (force) reexecute({ requestPolicy: 'network-only' });
        window.setTimeout(resolve, 10_000); // never wait for ever
      }),
    [reexecute],
  );
  const [accountId, setAccountId] = useState<string | null>(null);
  const pickerId = useId();

  const viewer = data?.viewer;
  const memberships = viewer?.memberships ?? [];
  const membership = memberships.find((m) => m.account.id === accountId) ?? memberships[0];
  const retry = () => reexecute({ requestPolicy: 'network-only' });

  return (
    <>
      <header className="topbar">
        <span className="brand">Octopods</span>
        {viewer && (
          <span className="who">
            Signed in as <strong>{viewer.name}</strong> <span className="hint">({viewer.email})</span>
          </span>
        )}
        <button type="button" className="button-secondary" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main" className="page">
        <h1>Billing &amp; Subscriptions</h1>
        {memberships.length > 1 && (
          <div className="field field-inline">
            <label htmlFor={pickerId}>Account</label>
            <select id={pickerId} value={membership?.account.id} onChange={(e) => setAccountId(e.target.value)}>
              {memberships.map((m) => (
                <option key={m.account.id} value={m.account.id}>
                  {m.account.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {fetching && !data && <Loading>Loading your subscriptions…</Loading>}
        {error && (
          <Notice tone="error" action={{ label: 'Try again', onClick: retry }}>
            {data ? 'Showing the figures we had. ' : ''}
            {describe(problemOf(error))}
          </Notice>
        )}
        {data && memberships.length === 0 && <p>You are not a member of any account yet.</p>}
        {membership && <AccountView key={membership.account.id} membership={membership} refresh={refresh} />}
      </main>
    </>
  );
}
