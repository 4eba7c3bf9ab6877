import type { CombinedError } from 'urql';
import { plural, units } from './format';

/**
 * What the page tells a person when the API refuses or cannot be reached: every code,
 * in one place, each saying what happened and what to do next.
 */

/** Refusals: a mutation's `errors[].code`, or a request's `extensions.code`. */
export const REFUSAL_CODES = [
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_QUANTITY',
  'QUANTITY_UNCHANGED',
  'QUANTITY_CONFLICT',
  'ALREADY_SUBSCRIBED',
  'IDEMPOTENCY_KEY_REUSED',
  'NO_FREE_SLOT',
  'UNITS_IN_USE',
  'INVALID_CHANNEL_NAME',
  'QUOTE_EXPIRED',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** A refusal or failure as it reached the page. */
export interface Problem {
  code: string;
  /** The server's own message, shown when the page has nothing better to say. */
  message: string;
  retryAfterSeconds?: number;
  requestId?: string;
  /** The server lost the database while a change was committing: it may have applied. */
  changeMayHaveApplied?: boolean;
}

/** What the page knows when it shows the message; all optional. */
export interface Situation {
  planName?: string;
  unitLabel?: string;
  /** The quantity the page shows now (after a conflict: the fresh one). */
  quantity?: number;
  /** The person's pick. */
  pick?: number;
  minQuantity?: number;
  maxQuantity?: number;
  /** Channels connected to the subscription (SPEC §9). */
  connectedUnits?: number;
  /** The channel name the person sent to Connect, as typed. */
  channelName?: string;
  accountName?: string;
}

type Say = (problem: Problem, s: Situation) => string;

const count = (s: Situation, n: number | undefined) =>
  n === undefined ? undefined : units(n, s.unitLabel ?? 'channel');

/** Names are compared as the server counts them: trimmed, in characters. */
const MAX_CHANNEL_NAME = 100;

const later = (p: Problem) =>
  p.retryAfterSeconds ? `in ${p.retryAfterSeconds} second${p.retryAfterSeconds === 1 ? '' : 's'}` : 'in a moment';

const REFUSALS: Record<RefusalCode, Say> = {
  FORBIDDEN: (_p, s) =>
    `Only admins can change subscriptions. Ask an admin of ${s.accountName ?? 'this account'} to make this change.`,
  NOT_FOUND: () =>
    'This is no longer in your account, or you are no longer a member. Reload the page to see what you have now.',
  INVALID_QUANTITY: (_p, s) =>
    `Choose between ${s.minQuantity ?? 1} and ${s.maxQuantity ?? 50} in Update channel count.`,
  QUANTITY_UNCHANGED: (p, s) =>
    s.quantity !== undefined
      ? `The subscription already has ${count(s, s.quantity)}. Pick a different count to change it.`
      : p.message,
  QUANTITY_CONFLICT: (p, s) =>
    s.quantity !== undefined
      ? `Someone else changed this subscription meanwhile: it now has ${count(s, s.quantity)}. ` +
        'Nothing was charged. Check the new cost and choose Update Subscription again.'
      : p.message,
  ALREADY_SUBSCRIBED: (_p, s) =>
    `This account already has ${s.planName ?? 'this product'}. To add more, change its count under Active Subscriptions.`,
  IDEMPOTENCY_KEY_REUSED: () =>
    'This request clashed with an earlier one and was not made. Choose the button again.',
  NO_FREE_SLOT: (_p, s) =>
    (s.quantity !== undefined
      ? `Every slot is filled: ${s.connectedUnits ?? s.quantity} of ${count(s, s.quantity)} connected. `
      : 'Every slot is filled. ') +
    `Raise the count in Update channel count first (or disconnect one), then choose Connect again.`,
  UNITS_IN_USE: (p, s) => {
    if (s.connectedUnits === undefined || s.pick === undefined) return p.message;
    const extra = s.connectedUnits - s.pick;
    return (
      `${count(s, s.connectedUnits)} are connected. Disconnect ${extra} of them ` +
      `under Connected ${plural(s.unitLabel ?? 'channel')} first, then lower the count to ${s.pick}.`
    );
  },
  INVALID_CHANNEL_NAME: (_p, s) => {
    const unit = s.unitLabel ?? 'channel';
    const name = s.channelName?.trim();
    const length = name === undefined ? 0 : [...name].length;
    if (name === undefined || length === 0) return `Type the ${unit}'s name (1 to ${MAX_CHANNEL_NAME} characters), then choose Connect.`;
    if (length > MAX_CHANNEL_NAME) return `A name can have at most ${MAX_CHANNEL_NAME} characters; this one has ${length}. Shorten it, then choose Connect.`;
    return `“${name}” is already connected to ${s.planName ?? 'this subscription'}. Give the new ${unit} another name.`;
  },
  QUOTE_EXPIRED: () =>
    'The price changed since you saw it (a price holds for 15 minutes, and only while nothing else changes). ' +
    'Nothing was charged. Check the new price and choose Update Subscription again.',
  RATE_LIMITED: (p) => `Too many requests in a short time. Nothing was changed; try again ${later(p)}.`,
  SERVICE_UNAVAILABLE: (p) =>
    p.changeMayHaveApplied
      ? 'Billing stopped answering while your change was being saved, so it may have gone through. ' +
        `Choose the same again ${later(p)}: it is sent as the same change, so it is never made twice.`
      : `Billing is unavailable right now. Nothing was changed; try again ${later(p)}.`,
};

/** Failures that are not refusals of the rules. */
const FAILURES: Record<string, Say> = {
  NETWORK: () => 'We could not reach Octopods. Check your connection, then try again.',
  UNAUTHENTICATED: () => 'Your session has ended. Sign in again.',
  INTERNAL_SERVER_ERROR: (p) =>
    'Something went wrong on our side, and nothing was changed. Try again; if it keeps happening, ' +
    `contact support${p.requestId ? ` with the reference ${p.requestId}` : ''}.`,
};

export function isRefusal(code: string): code is RefusalCode {
  return (REFUSAL_CODES as readonly string[]).includes(code);
}

/** The sentence to show for a problem. */
export function describe(problem: Problem, situation: Situation = {}): string {
  if (isRefusal(problem.code)) return REFUSALS[problem.code](problem, situation);
  const failure = FAILURES[problem.code];
  return failure ? failure(problem, situation) : problem.message;
}

/** The problem behind a failed request: a network failure or its first GraphQL error. */
export function problemOf(error: CombinedError | undefined): Problem {
  if (!error) return { code: 'INTERNAL_SERVER_ERROR', message: 'No answer.' };
  const retryAfter = Number(
    (error.response as Response | undefined)?.headers?.get?.('Retry-After') ?? Number.NaN,
  );
  const first = error.graphQLErrors[0];
  if (error.networkError || !first) {
    return { code: 'NETWORK', message: error.message };
  }
  const extensions = (first.extensions ?? {}) as {
    code?: unknown;
    requestId?: unknown;
    retryAfter?: unknown;
    changeMayHaveApplied?: unknown;
  };
  const hint = Number(extensions.retryAfter ?? retryAfter);
  return {
    code: typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR',
    message: first.message,
    retryAfterSeconds: Number.isFinite(hint) && hint > 0 ? Math.ceil(hint) : undefined,
    requestId: typeof extensions.requestId === 'string' ? extensions.requestId : undefined,
    changeMayHaveApplied: extensions.changeMayHaveApplied === true,
  };
}
