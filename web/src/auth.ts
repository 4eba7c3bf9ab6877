/**
 * The bearer token the page sends with every request.
 *
 * In development the sign-in screen gets one from /dev/token for a demo user. In
 * production a host app hands it over (README, "How production gives the page a
 * token"): it opens the page at `/#token=<JWT>` (a fragment never reaches a server or
 * its logs, and the page removes it from the address at once), or puts the token in
 * sessionStorage under TOKEN_KEY before loading the page. sessionStorage keeps it to
 * this tab and forgets it when the tab closes.
 */
export const TOKEN_KEY = 'octopods.token';

export function takeTokenFromLocation(): void {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const token = fragment.get('token');
  if (!token) return;
  storeToken(token);
  fragment.delete('token');
  const rest = fragment.toString();
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, '', pathname + search + (rest ? `#${rest}` : ''));
}

export function storedToken(): string | null {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null; // storage disabled: sign in again on each load
  }
}

export function storeToken(token: string): void {
  try {
    window.sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // storage disabled: the token lives in memory for this page load only
  }
}

export function forgetToken(): void {
  try {
    window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing stored
  }
}
