import { useRef, useState } from 'react';
import { useMutation } from 'urql';
import { AFTER_A_CHANGE } from '../client';
import { describe, problemOf, type Problem } from '../errors';
import { formatDate } from '../format';
import { SubscribeProductDocument } from '../gql/graphql';
import { useIntentKeys } from '../idempotency';
import { Notice } from '../ui/Notice';
import type { Account, AvailablePlan, Refresh } from './types';

type Outcome = { kind: 'subscribed'; message: string } | { kind: 'problem'; plan: AvailablePlan; problem: Problem };

/** The products the account lacks, each with Subscribe (a fresh trial). */
export function ExpandIntegration({ account, isAdmin, refresh }: { account: Account; isAdmin: boolean; refresh: Refresh }) {
  const [, subscribeProduct] = useMutation(SubscribeProductDocument);
  const [sending, setSending] = useState<string | null>(null);
  const sendingNow = useRef(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const keys = useIntentKeys();
  const message = useRef<HTMLDivElement>(null);

  async function subscribe(plan: AvailablePlan) {
    if (!isAdmin || sendingNow.current) return;
    sendingNow.current = true;
    setSending(plan.code);
    setOutcome(null);
    const intent = `${account.id}:${plan.code}`;
    const result = await subscribeProduct(
      { input: { accountId: account.id, planCode: plan.code, quantity: 1, idempotencyKey: keys.keyFor(intent) } },
      AFTER_A_CHANGE,
    );
    const payload = result.data?.subscribeProduct;
    if (!payload) {
      setOutcome({ kind: 'problem', plan, problem: problemOf(result.error) });
    } else if (payload.errors.length > 0 || !payload.subscription) {
      const [refusal] = payload.errors;
      if (refusal?.code === 'IDEMPOTENCY_KEY_REUSED') keys.forget(intent);
      await refresh();
      setOutcome({ kind: 'problem', plan, problem: { code: refusal?.code ?? 'INTERNAL_SERVER_ERROR', message: refusal?.message ?? '' } });
    } else {
      keys.forget(intent);
      await refresh(); // the new card is there before we say so
      const trialEnds = payload.subscription.trialEndsAt;
      setOutcome({
        kind: 'subscribed',
        message:
          `Subscribed to ${plan.name}: see its card under Active Subscriptions.` +
          (trialEnds ? ` The free trial ends ${formatDate(trialEnds)}.` : ''),
      });
    }
    sendingNow.current = false;
    setSending(null);
    // The button pressed may be gone with its plan: keep the keyboard near the news.
    message.current?.focus();
  }

  return (
    <section aria-labelledby="expand-your-integration">
      <h2 id="expand-your-integration">Expand Your Integration</h2>
      <div ref={message} tabIndex={-1} className="message-anchor">
        {outcome?.kind === 'subscribed' && <Notice tone="success">{outcome.message}</Notice>}
        {outcome?.kind === 'problem' && (
          <Notice tone="error">
            {describe(outcome.problem, { planName: outcome.plan.name, accountName: account.name })}
          </Notice>
        )}
      </div>
      {account.availablePlans.length === 0 ? (
        <p>{account.name} has every product.</p>
      ) : (
        <>
          <p className="hint">Each product starts with a free trial; you can change its count at any time.</p>
          {!isAdmin && (
            <p className="note" id={`members-note-${account.id}`}>
              Only admins can subscribe to products.
            </p>
          )}
          <ul className="plans">
            {account.availablePlans.map((plan) => (
              <li key={plan.code} className="plan" aria-labelledby={`plan-${plan.code}`}>
                <h3 id={`plan-${plan.code}`}>{plan.name}</h3>
                <p>
                  <strong>{plan.firstUnitPrice.formatted}</strong> a month for the first {plan.unitLabel}
                  {plan.additionalUnitPrice.amount !== plan.firstUnitPrice.amount
                    ? `, ${plan.additionalUnitPrice.formatted} for each more`
                    : ', the same for each more'}
                </p>
                <p className="hint">{plan.trialDays}-day free trial</p>
                <button
                  type="button"
                  disabled={!isAdmin || sending !== null}
                  aria-describedby={isAdmin ? `plan-${plan.code}` : `plan-${plan.code} members-note-${account.id}`}
                  onClick={() => subscribe(plan)}
                >
                  Subscribe
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
