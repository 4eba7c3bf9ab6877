import { useState } from 'react';
import { formatCount } from '../format';
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

  return (
    <>
      <p className="account-summary">
        <strong>{account.name}</strong> · you are {isAdmin ? 'an admin' : 'a member'}
        {isAdmin ? '' : ' (read only)'} · Messaging allowance:{' '}
        <strong>{formatCount(account.messagingAllowance)} messages a month</strong>
      </p>

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
