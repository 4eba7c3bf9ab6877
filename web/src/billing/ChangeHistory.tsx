import { useEffect, useId, useRef } from 'react';
import { useQuery } from 'urql';
import { describe, problemOf } from '../errors';
import { formatMoment, units } from '../format';
import { SubscriptionHistoryDocument } from '../gql/graphql';
import { Loading, Notice } from '../ui/Notice';

/** Who changed what, newest first (admins only: the API refuses members). */
export function ChangeHistory({
  subscriptionId,
  unitLabel,
  quantity,
}: {
  subscriptionId: string;
  unitLabel: string;
  /** The quantity the card shows: when it moves, the history has grown. */
  quantity: number;
}) {
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: SubscriptionHistoryDocument,
    variables: { subscriptionId, first: 10 },
  });
  const shown = useRef(quantity);
  useEffect(() => {
    if (shown.current === quantity) return;
    shown.current = quantity;
    reexecute({ requestPolicy: 'network-only' });
  }, [quantity, reexecute]);
  const headingId = useId();
  const history = data?.subscription?.history;

  return (
    <section className="history" aria-labelledby={headingId}>
      <h4 id={headingId}>Change history</h4>
      {fetching && !data && <Loading>Loading the change history…</Loading>}
      {error && (
        <Notice tone="error" action={{ label: 'Try again', onClick: () => reexecute({ requestPolicy: 'network-only' }) }}>
          {describe(problemOf(error))}
        </Notice>
      )}
      {history && history.edges.length === 0 && <p>No changes yet.</p>}
      {history && history.edges.length > 0 && (
        <ol className="history-list">
          {history.edges.map(({ node: change }) => (
            <li key={`${change.occurredAt}-${change.requestId}`}>
              <span className="history-what">
                {change.action === 'SUBSCRIBED' || change.oldQuantity === null
                  ? `Subscribed with ${units(change.newQuantity, unitLabel)}`
                  : `${units(change.oldQuantity, unitLabel)} → ${change.newQuantity}`}
                {change.prorationAmount && ` · prorated ${change.prorationAmount.formatted}`}
              </span>
              <span className="hint">
                {change.changedBy.name} · <time dateTime={change.occurredAt}>{formatMoment(change.occurredAt)}</time>
              </span>
            </li>
          ))}
        </ol>
      )}
      {history?.pageInfo.hasNextPage && <p className="hint">Showing the latest 10 changes.</p>}
    </section>
  );
}
