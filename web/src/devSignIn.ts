/**
 * Development sign-in (server/dev.py): the demo users and a token for one of them.
 * In production /dev/users does not exist (404), and the page says to open it from
 * the Octopods workspace instead.
 */
export interface DemoUser {
  email: string;
  name: string;
}

export type SignInOptions = { kind: 'demo'; users: DemoUser[] } | { kind: 'host' };

export async function signInOptions(): Promise<SignInOptions> {
  const response = await fetch('/dev/users', { headers: { accept: 'application/json' } });
  if (response.status === 404) return { kind: 'host' };
  if (!response.ok) throw new Error(`The server answered ${response.status}.`);
  const body = (await response.json()) as { users: DemoUser[] };
  return { kind: 'demo', users: body.users };
}

export async function demoToken(email: string): Promise<string> {
  const response = await fetch('/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ email }),
  });
  const body = (await response.json().catch(() => ({}))) as { token?: string; error?: string };
  if (!response.ok || !body.token) {
    throw new Error(body.error ?? `The server answered ${response.status}.`);
  }
  return body.token;
}
