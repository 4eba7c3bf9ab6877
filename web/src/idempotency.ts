import { useRef } from 'react';

/** A fresh idempotency key (a UUID v4). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // crypto.randomUUID needs a secure context (https or localhost); this does not.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface IntentKeys {
  /** The key of an intended change, made the first time it is asked for. */
  keyFor(intent: string): string;
  /** Done with (it succeeded) or spoiled: the same intent later is a new change. */
  forget(intent: string): void;
}

/**
 * One idempotency key per intended change (say "this subscription, from 3 to 5"),
 * not per click or page load: a double click, a retry after a network failure and a
 * re-render all send the same key, so the server makes the change once.
 */
export function useIntentKeys(): IntentKeys {
  const keys = useRef<Map<string, string> | null>(null);
  keys.current ??= new Map();
  const map = keys.current;
  return {
    keyFor(intent) {
      let key = map.get(intent);
      if (key === undefined) {
        key = newIdempotencyKey();
        map.set(intent, key);
      }
      return key;
    },
    forget(intent) {
      map.delete(intent);
    },
  };
}
