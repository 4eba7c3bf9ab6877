import { useEffect, useState } from 'react';
import { demoToken, signInOptions, type SignInOptions } from './devSignIn';
import { Loading, Notice } from './ui/Notice';

/**
 * Who is this? In development: a button per demo user, named by the user's email.
 * In production the page is opened by the host app with a token (README), so landing
 * here means the person should go back there.
 */
export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (token: string) => void }) {
  const [options, setOptions] = useState<SignInOptions | 'loading' | 'unreachable'>('loading');
  const [attempt, setAttempt] = useState(0);
  const [signingIn, setSigningIn] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setOptions('loading');
    signInOptions().then(
      (found) => live && setOptions(found),
      () => live && setOptions('unreachable'),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  async function signIn(email: string) {
    setSigningIn(email);
    setFailure(null);
    try {
      onSignedIn(await demoToken(email));
    } catch (error) {
      setFailure(
        error instanceof TypeError
          ? 'We could not reach Octopods. Check your connection, then try again.'
          : `Could not sign in: ${(error as Error).message}`,
      );
      setSigningIn(null);
    }
  }

  return (
    <main id="main" className="page page-narrow">
      <p className="brand">Octopods</p>
      <h1>Sign in</h1>
      <p className="lede">to see and change your account’s Billing &amp; Subscriptions.</p>
      {notice && <Notice tone="info">{notice}</Notice>}
      {options === 'loading' && <Loading>Loading sign-in…</Loading>}
      {options === 'unreachable' && (
        <Notice tone="error" action={{ label: 'Try again', onClick: () => setAttempt((n) => n + 1) }}>
          We could not reach Octopods. Check your connection, then try again.
        </Notice>
      )}
      {typeof options === 'object' && options.kind === 'host' && (
        <p>Open Billing &amp; Subscriptions from your Octopods workspace: it signs you in here.</p>
      )}
      {typeof options === 'object' && options.kind === 'demo' && (
        <section aria-labelledby="demo-users">
          <h2 id="demo-users">Demo users</h2>
          <p className="hint">Development only: choose who to be.</p>
          {options.users.length === 0 && (
            <p>
              There are no demo users in the database. Run <code>octopods seed</code>, then reload.
            </p>
          )}
          <ul className="demo-users">
            {options.users.map((user, index) => (
              <li key={user.email}>
                <button
                  type="button"
                  aria-describedby={`demo-user-${index}`}
                  disabled={signingIn !== null}
                  onClick={() => signIn(user.email)}
                >
                  {user.email}
                </button>
                <span id={`demo-user-${index}`} className="hint">
                  {user.name}
                </span>
              </li>
            ))}
          </ul>
          {failure && <Notice tone="error">{failure}</Notice>}
        </section>
      )}
    </main>
  );
}
