import { useSyncExternalStore } from 'react';

/**
 * The page's addresses. The server answers index.html for each of them
 * (server/web.py, PAGE_PATHS), so a reload or a shared link lands here.
 */
export type Route = { page: 'billing' } | { page: 'invoice'; invoiceId: string };

const INVOICE = /^\/invoices\/(.+)$/;

export function routeOf(pathname: string): Route {
  const invoice = INVOICE.exec(pathname);
  if (invoice) return { page: 'invoice', invoiceId: decodeURIComponent(invoice[1]) };
  return { page: 'billing' };
}

/** The stable address of an issued invoice's printable view. */
export const invoicePath = (invoiceId: string): string =>
  `/invoices/${encodeURIComponent(invoiceId)}`;

const NAVIGATED = 'octopods:navigated';

export function navigate(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATED));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATED, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATED, onChange);
  };
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}
