import { useId, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { AFTER_A_CHANGE } from '../client';
import { describe, problemOf, type Problem } from '../errors';
import { capitalised, formatDate, plural, slots } from '../format';
import { ConnectChannelDocument, DisconnectChannelDocument, SubscriptionChannelsDocument } from '../gql/graphql';
import { useIntentKeys } from '../idempotency';
import { Loading, Notice } from '../ui/Notice';
import type { Refresh, Subscription } from './types';

type Payload = { errors: { code: string; message: string }[] };

type Outcome =
  | { kind: 'done'; message: string }
  | { kind: 'problem'; problem: Problem; channelName?: string };

/** The label of Connect's text field: "Channel name", "WhatsApp Business number". */
const nameLabel = (unitLabel: string) =>
  unitLabel.endsWith('number') ? capitalised(unitLabel) : `${capitalised(unitLabel)} name`;

/**
 * Connected channels (SPEC §9): the channels filling the subscription's slots, oldest
 * first; admins connect one by name and disconnect any. The list comes from its own
 * query (SubscriptionChannels), read when the details open; the counts come from the
 * card. Each connect or disconnect carries an idempotency key made once per intended
 * action, so a double press or a retry acts once.
 */
export function Channels({
  subscription: s,
  isAdmin,
  refresh,
}: {
  subscription: Subscription;
  isAdmin: boolean;
  refresh: Refresh;
}) {
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: SubscriptionChannelsDocument,
    variables: { subscriptionId: s.id },
  });
  const [, connectChannel] = useMutation(ConnectChannelDocument);
  const [, disconnectChannel] = useMutation(DisconnectChannelDocument);
  const [name, setName] = useState('');
  const [sending, setSending] = useState(false);
  const sendingNow = useRef(false); // a second press lands before React re-renders
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const keys = useIntentKeys();
  const ids = { heading: useId(), input: useId(), hint: useId(), note: useId() };
  const message = useRef<HTMLDivElement>(null);
  const unit = s.plan.unitLabel;
  const channels = data?.subscription?.channels;
  const situation = {
    planName: s.plan.name,
    unitLabel: unit,
    quantity: s.quantity,
    connectedUnits: s.connectedUnits,
  };

  /** Sends one action; says what became of it once the figures on screen are fresh. */
  async function act(
    intent: string,
    send: (idempotencyKey: string) => Promise<{ payload?: Payload | null; error?: CombinedError }>,
    done: string,
    channelName?: string,
  ): Promise<boolean> {
    if (!isAdmin || sendingNow.current) return false;
    sendingNow.current = true;
    setSending(true);
    setOutcome(null);
    const { payload, error } = await send(keys.keyFor(intent));
    let succeeded = false;
    if (!payload) {
      setOutcome({ kind: 'problem', problem: problemOf(error), channelName });
    } else if (payload.errors.length > 0) {
      const [refusal] = payload.errors;
      if (refusal.code === 'IDEMPOTENCY_KEY_REUSED') keys.forget(intent);
      await refresh(); // fetched again (AFTER_A_CHANGE): the message reads the fresh counts
      setOutcome({ kind: 'problem', problem: { code: refusal.code, message: refusal.message }, channelName });
    } else {
      keys.forget(intent);
      await refresh(); // the card's slots show the change before we say so
      setOutcome({ kind: 'done', message: done });
      succeeded = true;
    }
    sendingNow.current = false;
    setSending(false);
    return succeeded;
  }

  async function connect(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim(); // as the server keeps it
    const connected = await act(
      `${s.id}:connect:${trimmed}`,
      async (idempotencyKey) => {
        const input = { subscriptionId: s.id, name: trimmed, idempotencyKey };
        const result = await connectChannel({ input }, AFTER_A_CHANGE);
        return { payload: result.data?.connectChannel, error: result.error };
      },
      `Connected “${trimmed}”.`,
      trimmed,
    );
    if (connected) setName('');
  }

  async function disconnect(channel: { id: string; name: string }) {
    await act(
      `${channel.id}:disconnect`,
      async (idempotencyKey) => {
        const result = await disconnectChannel({ input: { channelId: channel.id, idempotencyKey } }, AFTER_A_CHANGE);
        return { payload: result.data?.disconnectChannel, error: result.error };
      },
      `Disconnected “${channel.name}”: its slot is free.`,
    );
    // The button pressed is gone with its channel: keep the keyboard near the news.
    message.current?.focus();
  }

  return (
    <section className="channels" aria-labelledby={ids.heading}>
      <h4 id={ids.heading}>Connected {plural(unit)}</h4>
      <p>{slots(s.connectedUnits, s.quantity, unit)}</p>
      {fetching && !data && <Loading>Loading the connected {plural(unit)}…</Loading>}
      {error && (
        <Notice tone="error" action={{ label: 'Try again', onClick: () => reexecute({ requestPolicy: 'network-only' }) }}>
          {describe(problemOf(error))}
        </Notice>
      )}
      {channels && channels.length === 0 && <p>No {plural(unit)} connected yet.</p>}
      {channels && channels.length > 0 && (
        <ol className="channel-list">
          {channels.map((channel) => (
            <li key={channel.id}>
              <span className="channel-name">{channel.name}</span>{' '}
              <span className="hint">
                connected <time dateTime={channel.connectedAt}>{formatDate(channel.connectedAt)}</time>
              </span>{' '}
              {isAdmin && (
                <button
                  type="button"
                  className="button-secondary"
                  aria-label={`Disconnect ${channel.name}`}
                  disabled={sending}
                  onClick={() => disconnect(channel)}
                >
                  Disconnect
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
      {!isAdmin && (
        <p className="note" id={ids.note}>
          Only admins can connect and disconnect {plural(unit)}.
        </p>
      )}
      {isAdmin && (
        <form className="connect" onSubmit={connect}>
          <div className="field">
            <label htmlFor={ids.input}>{nameLabel(unit)}</label>
            <div className="field-row">
              <input
                id={ids.input}
                type="text"
                value={name}
                autoComplete="off"
                aria-describedby={ids.hint}
                onChange={(event) => setName(event.target.value)}
              />
              <button type="submit" disabled={sending}>
                Connect
              </button>
            </div>
            <p className="hint" id={ids.hint}>
              1 to 100 characters, different from the other {plural(unit)} here. Each fills a free slot.
            </p>
          </div>
        </form>
      )}
      <div ref={message} tabIndex={-1} className="message-anchor">
        {sending && <p role="status">Saving…</p>}
        {outcome?.kind === 'done' && <Notice tone="success">{outcome.message}</Notice>}
        {outcome?.kind === 'problem' && (
          <Notice tone="error">{describe(outcome.problem, { ...situation, channelName: outcome.channelName })}</Notice>
        )}
      </div>
    </section>
  );
}
