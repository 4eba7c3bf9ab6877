import { formatDate, slots, units } from '../format';
import type { Subscription } from './types';

export const detailsId = (subscriptionId: string) => `details-${subscriptionId.replace(/[^A-Za-z0-9_-]/g, '')}`;

/** A card under Active Subscriptions: plan, quantity with its connected slots, status, cost. */
export function SubscriptionCard({
  subscription: s,
  expanded,
  onToggle,
}: {
  subscription: Subscription;
  expanded: boolean;
  onToggle: () => void;
}) {
  const titleId = `${detailsId(s.id)}-card`;
  return (
    <article className={`card${expanded ? ' card-open' : ''}`} aria-labelledby={titleId}>
      <h3 id={titleId}>{s.plan.name}</h3>
      <p className="card-quantity">{units(s.quantity, s.plan.unitLabel)}</p>
      <p className="card-slots hint">{slots(s.connectedUnits, s.quantity, s.plan.unitLabel)}</p>
      <p className="card-status">
        {s.status === 'TRIALING' ? (
          <span className="badge badge-trial">Trial ends {formatDate(s.trialEndsAt!)}</span>
        ) : (
          <>
            <span className="badge badge-active">Active</span>
            {s.currentPeriodEnd && <span className="hint"> · renews {formatDate(s.currentPeriodEnd)}</span>}
          </>
        )}
      </p>
      <p className="card-cost">
        <strong>{s.monthlyCost.formatted}</strong> <span className="hint">/ month</span>
      </p>
      <button type="button" aria-expanded={expanded} aria-controls={expanded ? detailsId(s.id) : undefined} onClick={onToggle}>
        View Details
      </button>
    </article>
  );
}
