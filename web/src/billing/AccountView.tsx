import { useEffect, useState } from 'react';
import { useSubscription } from 'urql';
import { formatCount, formatMoment } from '../format';
import { AccountEventsDocument } from '../gql/graphql';
import { useLive, useLiveState, type LiveState } from '../live';
import { ExpandIntegration } from './ExpandIntegration';
import { Invoices } from './Invoices';
import { SubscriptionCard } from './SubscriptionCard';
import { SubscriptionDetails } from './SubscriptionDetails';
import type { Membership, Refresh } from './types';

export function AccountView({ membership, refresh }: { membership: Membership; refresh: Refresh }) {
  const { account } = membership;
  const isAdmin = account.viewerRole === 'ADMIN';
  const [openId, setOpenId] = useState<string | null>(null);
  const open = account.subscriptions.find((s) => s.id === openId);

  // Live updates (SPEC §11): each event of this account, RESYNC included, reads
  // everything on screen afresh; the person's unsent pick stays as it is.
  const live = useLive();
  const liveState = useLiveState(live);
  const [{ data: event }] = useSubscription({ query: AccountEventsDocument, variables: { accountId: account.id } });
  const [lastChange, setLastChange] = useState<string | null>(null);
  useEffect(() => {
    if (!event) return;
    live.refetchAll();
    if (event.accountEvents.kind !== 'RESYNC') setLastChange(event.accountEvents.at);
  }, [event, live]);

  return (
    <>
      <p className="account-summary">
        <strong>{account.name}</strong> · you are {isAdmin ? 'an admin' : 'a member'}
        {isAdmin ? '' : ' (read only)'} · Messaging allowance:{' '}
        <strong>{formatCount(account.messagingAllowance)} messages a month</strong>
      </p>
      <LiveStatus state={liveState} lastChange={lastChange} />

      <section aria-labelledby="active-subscriptions">
        <h2 id="active-subscriptions">Active Subscriptions</h2>
        {account.subscriptions.length === 0 ? (
          <p>No subscriptions yet. Add a product under Expand Your Integration.</p>
        ) : (
          <ul className="cards">
            {account.subscriptions.map((subscription) => (
              <li key={subscription.id}>
                <SubscriptionCard
                  subscription={subscription}
                  expanded={subscription.id === openId}
                  onToggle={() => setOpenId(subscription.id === openId ? null : subscription.id)}
                />
              </li>
            ))}
          </ul>
        )}
        {open && (
          <SubscriptionDetails
            key={open.id}
            subscription={open}
            accountName={account.name}
            isAdmin={isAdmin}
            refresh={refresh}
          />
        )}
      </section>

      <ExpandIntegration account={account} isAdmin={isAdmin} refresh={refresh} />
      <Invoices account={account} />
    </>
  );
}

const SAY: Record<LiveState, string> = {
  idle: 'Live updates are starting.',
  connecting: 'Connecting for live updates…',
  live: 'Live: changes made elsewhere appear here by themselves.',
  reconnecting: 'Live updates paused: reconnecting… Changes made meanwhile will appear when they resume.',
};

/** Whether changes made elsewhere show by themselves, and when the last one came. */
function LiveStatus({ state, lastChange }: { state: LiveState; lastChange: string | null }) {
  return (
    <p className={`live live-${state}`} role="status">
      {SAY[state]}
      {state === 'live' && lastChange && (
        <>
          {' '}
          Last change: <time dateTime={lastChange}>{formatMoment(lastChange)}</time>.
        </>
      )}
    </p>
  );
}
