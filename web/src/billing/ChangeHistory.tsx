import { useId } from 'react';
import { useQuery } from 'urql';
import { describe, problemOf } from '../errors';
import { formatMoment, units } from '../format';
import { SubscriptionHistoryDocument, type SubscriptionHistoryQuery } from '../gql/graphql';
import { Loading, Notice } from '../ui/Notice';

type Change = NonNullable<NonNullable<SubscriptionHistoryQuery['subscription']>['history']>['edges'][number]['node'];

/** "Subscribed with 3 channels", "3 channels → 5", "Connected “Sales chat”" */
function what(change: Change, unitLabel: string): string {
  switch (change.action) {
    case 'CHANNEL_CONNECTED':
      return `Connected “${change.channelName}”`;
    case 'CHANNEL_DISCONNECTED':
      return `Disconnected “${change.channelName}”`;
    case 'SUBSCRIBED':
      return `Subscribed with ${units(change.newQuantity, unitLabel)}`;
    default:
      return change.oldQuantity === null
        ? `Subscribed with ${units(change.newQuantity, unitLabel)}`
        : `${units(change.oldQuantity, unitLabel)} → ${change.newQuantity}`;
  }
}

/** Who changed what, newest first (admins only: the API refuses members). */
export function ChangeHistory({ subscriptionId, unitLabel }: { subscriptionId: string; unitLabel: string }) {
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: SubscriptionHistoryDocument,
    variables: { subscriptionId, first: 10 },
  });
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
                {what(change, unitLabel)}
                {change.prorationAmount && change.action === 'QUANTITY_CHANGED' && ` · prorated ${change.prorationAmount.formatted}`}
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
