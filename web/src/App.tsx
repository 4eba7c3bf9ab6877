import { useCallback, useMemo, useState } from 'react';
import { Provider } from 'urql';
import { forgetToken, storeToken, storedToken } from './auth';
import { BillingPage } from './billing/BillingPage';
import { makeClient } from './client';
import { LiveContext } from './live';
import { PrintableInvoice } from './invoice/PrintableInvoice';
import { routeOf, usePathname } from './routes';
import { SignIn } from './SignIn';

export function App() {
  const [token, setToken] = useState<string | null>(storedToken);
  const [notice, setNotice] = useState<string | null>(null);
  const route = routeOf(usePathname());

  const signOut = useCallback((why: string | null) => {
    forgetToken();
    setToken(null);
    setNotice(why);
  }, []);
  const client = useMemo(
    () => (token ? makeClient(token, () => signOut('Your session has ended. Sign in again.')) : null),
    [token, signOut],
  );

  if (!token || !client) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(newToken) => {
          storeToken(newToken);
          setNotice(null);
          setToken(newToken);
        }}
      />
    );
  }
  return (
    <Provider value={client.urql}>
      <LiveContext.Provider value={client.live}>
        {route.page === 'invoice' ? (
          <PrintableInvoice invoiceId={route.invoiceId} />
        ) : (
          <BillingPage onSignOut={() => signOut('You have signed out.')} />
        )}
      </LiveContext.Provider>
    </Provider>
  );
}
