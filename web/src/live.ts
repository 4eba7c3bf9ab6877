import { createContext, useContext, useSyncExternalStore } from 'react';
import { createClient as createSocket } from 'graphql-ws/client';
import { makeOperation, mapExchange, subscriptionExchange, type Client, type Exchange, type Operation } from 'urql';

/**
 * Live updates (SPEC §11): the account's events over graphql-transport-ws at /graphql,
 * and what the page does with them, which is to read everything on screen again.
 *
 * Events say what changed, not how: the page fetches every query it shows afresh from
 * the network (cards, channels, previews, history, invoices). A RESYNC (events may have
 * been missed) and a reconnect after a dropped socket do the same. A query already on
 * its way when an event arrives may have left before the change was committed, so it
 * is fetched once more when it answers. The person's unsent pick is component state,
 * which none of this touches.
 */

/** How live updates stand, as the page says it. */
export type LiveState = 'idle' | 'connecting' | 'live' | 'reconnecting';

export interface Live {
  /** Fetch every query on screen again from the network. */
  refetchAll(): void;
  state(): LiveState;
  onState(listener: () => void): () => void;
}

/** ws(s)://<this host>/graphql: the API's own address, for WebSockets. */
export function socketUrl(path = '/graphql'): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}${path}`;
}

/** Half a second, doubling to half a minute, each with up to half of it again at random. */
function backoff(retries: number): Promise<void> {
  const base = Math.min(30_000, 500 * 2 ** retries);
  return new Promise((resolve) => window.setTimeout(resolve, base * (1 + Math.random() / 2)));
}

/**
 * The exchanges of a signed-in user's live updates: one that knows which queries are on
 * screen (first, so it sees every query, cached or not), and the subscription exchange
 * (before fetchExchange) that sends subscriptions over a graphql-ws socket.
 *
 * `onRefused` is called when the server closes the socket as Forbidden (4403): a token
 * it no longer takes, or too many connections. The socket keeps retrying with backoff.
 */
export function liveUpdates(token: string, onRefused: () => void): { live: Live; first: Exchange; socket: Exchange } {
  let client: Client | null = null;
  const onScreen = new Map<number, Operation>(); // active queries, by key
  const answering = new Set<number>(); // sent, not answered yet
  const again = new Set<number>(); // to fetch again once answered

  const refetch = (operation: Operation) =>
    client?.reexecuteOperation(
      makeOperation(operation.kind, operation, { ...operation.context, requestPolicy: 'network-only' }),
    );

  const refetchAll = () => {
    for (const [key, operation] of onScreen) {
      if (answering.has(key)) again.add(key);
      else refetch(operation);
    }
  };

  const tracking = mapExchange({
    onOperation(operation) {
      if (operation.kind === 'query') {
        onScreen.set(operation.key, operation);
        answering.add(operation.key);
      } else if (operation.kind === 'teardown') {
        onScreen.delete(operation.key);
        answering.delete(operation.key);
        again.delete(operation.key);
      }
    },
    onResult(result) {
      const { key, kind } = result.operation;
      if (kind !== 'query' || result.stale) return; // a cached answer while the network's comes
      answering.delete(key);
      const operation = onScreen.get(key);
      if (again.delete(key) && operation) refetch(operation);
    },
  });
  const first: Exchange = (input) => {
    client = input.client;
    return tracking(input);
  };

  let state: LiveState = 'idle';
  let streams = 0;
  const listeners = new Set<() => void>();
  const setState = (next: LiveState) => {
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener();
  };

  const sockets = createSocket({
    url: socketUrl(),
    connectionParams: { Authorization: `Bearer ${token}` },
    lazy: true, // open while a stream is wanted
    lazyCloseTimeout: 2_000, // an account switch ends one stream and starts the next
    keepAlive: 25_000, // a ping now and then keeps proxies from closing a quiet socket
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: backoff,
    on: {
      connecting: (isRetry) => setState(isRetry ? 'reconnecting' : 'connecting'),
      connected: (_socket, _payload, wasRetry) => {
        setState('live');
        if (wasRetry) refetchAll(); // whatever happened while it was down
      },
      closed: (event) => {
        setState(streams > 0 ? 'reconnecting' : 'idle');
        if ((event as CloseEvent | undefined)?.code === 4403) onRefused();
      },
    },
  });

  const socket = subscriptionExchange({
    forwardSubscription(request) {
      const input = { ...request, query: request.query ?? '' };
      return {
        subscribe(sink) {
          streams += 1;
          const stop = sockets.subscribe(input, sink);
          return {
            unsubscribe() {
              streams -= 1;
              stop();
            },
          };
        },
      };
    },
  });

  return {
    live: {
      refetchAll,
      state: () => state,
      onState(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    first,
    socket,
  };
}

export const LiveContext = createContext<Live | null>(null);

/** The signed-in user's live updates (App provides them beside the urql client). */
export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside LiveContext');
  return live;
}

export function useLiveState(live: Live): LiveState {
  return useSyncExternalStore(live.onState, live.state);
}
