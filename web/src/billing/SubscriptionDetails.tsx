import { useEffect, useId, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { AFTER_A_CHANGE } from '../client';
import { describe, problemOf, type Problem, type Situation } from '../errors';
import { formatCount, formatDate, range, units } from '../format';
import { PreviewCostDocument, UpdateQuantityDocument } from '../gql/graphql';
import { useIntentKeys } from '../idempotency';
import { Notice } from '../ui/Notice';
import { Channels } from './Channels';
import { ChangeHistory } from './ChangeHistory';
import { detailsId } from './SubscriptionCard';
import type { Refresh, Subscription } from './types';

/** What became of the last Update Subscription. */
type Outcome =
  | { kind: 'changed'; message: string }
  | { kind: 'problem'; problem: Problem; from: number; to: number };

// After these refusals the page's figures are stale: reload them before saying why.
const STALE_AFTER = new Set(['QUANTITY_CONFLICT', 'NOT_FOUND', 'FORBIDDEN', 'QUOTE_EXPIRED', 'UNITS_IN_USE']);

/**
 * A subscription's details: Registered Channels, the Update channel count select, the
 * cost of the pick (previewCost, on every pick: a quote, SPEC §10), Update Subscription,
 * and the connected channels.
 *
 * Only the person's unsent pick is component state; the subscription and the preview
 * come from urql's cache, which live updates and every change fetch again.
 */
export function SubscriptionDetails({
  subscription: s,
  accountName,
  isAdmin,
  refresh,
}: {
  subscription: Subscription;
  accountName: string;
  isAdmin: boolean;
  refresh: Refresh;
}) {
  const [pick, setPick] = useState<number | null>(null);
  const chosen = pick ?? s.quantity;
  const [sending, setSending] = useState(false);
  const sendingNow = useRef(false); // a second click lands before React re-renders
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const keys = useIntentKeys();
  // The quote sent for each intended change (see `intent`), sent again on a retry.
  const quotesSent = useRef(new Map<string, string>());
  // The quote a change was refused for (QUOTE_EXPIRED): its price is no longer on offer.
  const [expiredQuote, setExpiredQuote] = useState<string | null>(null);
  const ids = { select: useId(), note: useId(), heading: useId(), blocked: useId() };
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const [preview, reloadPreview] = useQuery({
    query: PreviewCostDocument,
    variables: { subscriptionId: s.id, quantity: chosen },
    requestPolicy: 'cache-and-network', // prices depend on the day: always confirm with the server
  });
  const [, updateQuantity] = useMutation(UpdateQuantityDocument);

  const quote = preview.data?.previewCost;
  // A preview from another quantity than the card's: one of the two is stale (a change
  // made elsewhere, a refusal that refreshed the card). Ask again for both, once each time.
  const mismatches = useRef(new Set<string>());
  const mismatch =
    quote && quote.newQuantity === chosen && quote.currentQuantity !== s.quantity && !preview.fetching && !sending
      ? `${s.quantity}:${quote.currentQuantity}`
      : null;
  useEffect(() => {
    if (mismatch === null || mismatches.current.has(mismatch)) return;
    mismatches.current.add(mismatch);
    reloadPreview({ requestPolicy: 'network-only' });
    void refresh({ force: true });
  }, [mismatch, reloadPreview, refresh]);

  // The figures shown are those of this pick from this quantity, fresh from the server,
  // or none at all: Update Subscription confirms exactly the price on screen.
  const quoteFits =
    quote !== undefined &&
    quote.newQuantity === chosen &&
    quote.currentQuantity === s.quantity &&
    quote.quoteId !== expiredQuote &&
    !preview.stale;
  const changed = chosen !== s.quantity;
  // Below the connected channels: the server would refuse it (UNITS_IN_USE).
  const blocked = quoteFits && quote.blockedByConnectedUnits;
  const disabled = !s.viewerCanUpdate || !changed || sending || !quoteFits || blocked;
  // One intended change is this pick from this quantity at this price. A double click or
  // a retry sends the same key and the same quote (the first sent for it: a preview
  // fetched again meanwhile has a new id for the same price); a new price is a new
  // intended change, with a key of its own.
  const intent = quoteFits
    ? `${s.id}:${s.quantity}→${chosen}:${quote.newMonthlyCost.amount}:${quote.prorationAmount.amount}`
    : '';
  const forget = (done: string) => {
    keys.forget(done);
    quotesSent.current.delete(done);
  };
  const unit = s.plan.unitLabel;
  const situation: Situation = {
    planName: s.plan.name,
    unitLabel: unit,
    quantity: s.quantity,
    pick: chosen,
    minQuantity: s.plan.minQuantity,
    maxQuantity: s.plan.maxQuantity,
    connectedUnits: s.connectedUnits,
    accountName,
  };

  async function update() {
    if (disabled || sendingNow.current || !quote) return;
    sendingNow.current = true;
    setSending(true);
    setOutcome(null);
    const seen = quote; // the price the person confirms
    const quoteId = quotesSent.current.get(intent) ?? seen.quoteId;
    quotesSent.current.set(intent, quoteId);
    const result = await updateQuantity(
      {
        input: {
          subscriptionId: s.id,
          quantity: chosen,
          expectedQuantity: s.quantity,
          quoteId, // charged exactly this, or refused with QUOTE_EXPIRED
          idempotencyKey: keys.keyFor(intent),
        },
      },
      AFTER_A_CHANGE,
    );
    const payload = result.data?.updateQuantity;
    if (!payload) {
      setOutcome({ kind: 'problem', problem: problemOf(result.error), from: s.quantity, to: chosen });
    } else if (payload.errors.length > 0) {
      const [refusal] = payload.errors;
      if (refusal.code === 'IDEMPOTENCY_KEY_REUSED') forget(intent);
      if (refusal.code === 'QUOTE_EXPIRED') {
        // The preview of the same pick is fetched again (AFTER_A_CHANGE): a new quote,
        // to confirm again; until it comes, the button waits.
        forget(intent);
        setExpiredQuote(quoteId);
      }
      if (STALE_AFTER.has(refusal.code)) await refresh(); // fetched again, see AFTER_A_CHANGE
      setOutcome({
        kind: 'problem',
        problem: { code: refusal.code, message: refusal.message },
        from: s.quantity,
        to: chosen,
      });
    } else {
      forget(intent);
      await refresh(); // the card and the invoices show the new quantity before we say so
      setPick(null);
      const line = payload.prorationLine;
      const charge =
        line && seen.remainingDays !== null && seen.daysInPeriod !== null
          ? ` ${line.amount.formatted} for ${seen.remainingDays} of ${seen.daysInPeriod} days is on the next invoice (${formatDate(s.upcomingInvoice.issuedAt)}).`
          : s.status === 'TRIALING'
            ? ' No charge during the trial.'
            : '';
      setOutcome({
        kind: 'changed',
        message: `Updated: ${s.plan.name} now has ${units(chosen, unit)} for ${seen.newMonthlyCost.formatted} a month.${charge}`,
      });
    }
    sendingNow.current = false;
    setSending(false);
  }

  const pickProblem = preview.error && !quoteFits ? problemOf(preview.error) : null;
  const pending = <span className="pending">Calculating…</span>;

  return (
    <section className="details" id={detailsId(s.id)} aria-labelledby={ids.heading}>
      <h3 id={ids.heading} ref={heading} tabIndex={-1}>
        {s.plan.name} details
      </h3>
      <dl className="facts">
        <div>
          <dt>Registered Channels</dt>
          <dd>{units(s.quantity, unit)}</dd>
        </div>
        <div>
          <dt>Monthly cost</dt>
          <dd>{s.monthlyCost.formatted}</dd>
        </div>
        <div>
          <dt>{s.status === 'TRIALING' ? 'Trial ends' : 'Current period'}</dt>
          <dd>
            {s.status === 'TRIALING'
              ? formatDate(s.trialEndsAt!)
              : `${formatDate(s.currentPeriodStart!)} – ${formatDate(s.currentPeriodEnd!)}`}
          </dd>
        </div>
        <div>
          <dt>Messaging allowance</dt>
          <dd>{formatCount(s.messagingAllowance)} messages a month</dd>
        </div>
      </dl>

      <div className="change">
        <div className="field">
          <label htmlFor={ids.select}>Update channel count</label>
          <select
            id={ids.select}
            value={chosen}
            onChange={(event) => {
              setPick(Number(event.target.value));
              setOutcome(null);
            }}
          >
            {range(s.plan.minQuantity, s.plan.maxQuantity).map((n) => (
              <option key={n} value={n}>
                {units(n, unit)}
              </option>
            ))}
          </select>
        </div>

        <dl className="quote" aria-live="polite" aria-busy={!quoteFits && !pickProblem}>
          <div>
            <dt>New monthly cost</dt>
            <dd>{quoteFits ? quote.newMonthlyCost.formatted : pending}</dd>
          </div>
          <div>
            <dt>Prorated charge</dt>
            <dd>
              {!quoteFits
                ? pending
                : !quote.changed
                  ? `${quote.prorationAmount.formatted}: pick a different count`
                  : quote.remainingDays === null || quote.daysInPeriod === null
                    ? `${quote.prorationAmount.formatted}: free during the trial`
                    : (
                        <>
                          {quote.prorationAmount.formatted}{' '}
                          <span className="hint">
                            for {quote.remainingDays} of {quote.daysInPeriod} days
                          </span>
                        </>
                      )}
            </dd>
          </div>
          <div>
            <dt>Next invoice total</dt>
            <dd>
              {quoteFits ? quote.nextInvoiceTotal.formatted : pending}{' '}
              <span className="hint">on {formatDate(s.upcomingInvoice.issuedAt)}</span>
            </dd>
          </div>
        </dl>

        {pickProblem && (
          <Notice
            tone="error"
            action={{ label: 'Try again', onClick: () => reloadPreview({ requestPolicy: 'network-only' }) }}
          >
            We could not price {units(chosen, unit)}: {describe(pickProblem, situation)} Your pick is kept.
          </Notice>
        )}

        {blocked && (
          <p id={ids.blocked} className="note">
            {describe({ code: 'UNITS_IN_USE', message: '' }, situation)}
          </p>
        )}
        {!s.viewerCanUpdate && (
          <p id={ids.note} className="note">
            Only admins can change subscriptions. Ask an admin of {accountName} to make a change.
          </p>
        )}
        <div className="actions">
          <button
            type="button"
            className="button-primary"
            disabled={disabled}
            aria-describedby={[!s.viewerCanUpdate && ids.note, blocked && ids.blocked].filter(Boolean).join(' ') || undefined}
            onClick={update}
          >
            Update Subscription
          </button>
          {sending && <span role="status">Updating…</span>}
        </div>
        {outcome?.kind === 'changed' && <Notice tone="success">{outcome.message}</Notice>}
        {outcome?.kind === 'problem' &&
          (outcome.problem.code === 'NETWORK' && s.quantity === outcome.to && s.quantity !== outcome.from ? (
            // The answer was lost, but the figures fetched since show the change made.
            <Notice tone="info">
              The connection dropped before Octopods answered, but {s.plan.name} now has{' '}
              {units(s.quantity, unit)}, as you picked: nothing more to do.
            </Notice>
          ) : (
            <Notice tone="error">
              {describe(outcome.problem, situation)}
              {outcome.problem.code === 'NETWORK' ? ` Your pick of ${units(chosen, unit)} is kept.` : ''}
            </Notice>
          ))}
      </div>

      <Channels subscription={s} isAdmin={isAdmin} refresh={refresh} />
      {isAdmin && <ChangeHistory subscriptionId={s.id} unitLabel={unit} />}
    </section>
  );
}
