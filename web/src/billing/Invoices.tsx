import { useEffect, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { describe, problemOf } from '../errors';
import { formatDate, formatPeriod } from '../format';
import { InvoicesDocument } from '../gql/graphql';
import { invoicePath } from '../routes';
import { Link } from '../ui/Link';
import { Loading, Notice } from '../ui/Notice';
import { InvoiceLines } from './InvoiceLines';
import type { Account, IssuedInvoice } from './types';

const PAGE_SIZE = 10;

/** The upcoming invoice of each subscription, then issued invoices, newest first. */
export function Invoices({ account }: { account: Account }) {
  const { edges, pageInfo } = account.invoices;
  return (
    <section aria-labelledby="invoices">
      <h2 id="invoices">Invoices</h2>
      <h3>Upcoming</h3>
      {account.subscriptions.length === 0 ? (
        <p>Nothing is due: there are no subscriptions.</p>
      ) : (
        <ul className="invoice-list">
          {account.subscriptions.map(({ id, plan, upcomingInvoice: invoice }) => (
            <li key={id}>
              <article className="invoice" aria-labelledby={`upcoming-${id}`}>
                <h4 id={`upcoming-${id}`}>
                  {plan.name}: next invoice on {formatDate(invoice.issuedAt)}
                </h4>
                <p className="hint">For {formatPeriod(invoice.periodStart, invoice.periodEnd)}</p>
                <InvoiceLines
                  lines={invoice.lines}
                  total={invoice.total.formatted}
                  caption={`Upcoming invoice for ${plan.name}`}
                />
              </article>
            </li>
          ))}
        </ul>
      )}
      <h3>Issued</h3>
      {edges.length === 0 ? (
        <p>No invoices issued yet.</p>
      ) : (
        <InvoicePage
          accountId={account.id}
          invoices={edges.map((edge) => edge.node)}
          nextCursor={pageInfo.hasNextPage ? pageInfo.endCursor : null}
          focusFirst={false}
        />
      )}
    </section>
  );
}

/** One page of issued invoices, and the way to the next ("Show more invoices"). */
function InvoicePage({
  accountId,
  invoices,
  nextCursor,
  focusFirst,
}: {
  accountId: string;
  invoices: IssuedInvoice[];
  nextCursor: string | null;
  focusFirst: boolean;
}) {
  const [more, setMore] = useState(false);
  const first = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusFirst) first.current?.focus(); // "Show more invoices" is gone: go to what it showed
  }, [focusFirst]);

  return (
    <>
      <ul className="invoice-list">
        {invoices.map((invoice, index) => (
          <li key={invoice.id}>
            <article className="invoice" aria-labelledby={`invoice-${invoice.id}`}>
              <h4 id={`invoice-${invoice.id}`} ref={index === 0 ? first : undefined} tabIndex={-1}>
                Invoice {invoice.number}
              </h4>
              <p className="hint">
                Issued {formatDate(invoice.issuedAt)} · for {formatPeriod(invoice.periodStart, invoice.periodEnd)}
              </p>
              <InvoiceLines lines={invoice.lines} total={invoice.total.formatted} caption={`Invoice ${invoice.number}`} />
              <p>
                <Link href={invoicePath(invoice.id)}>Printable invoice {invoice.number}</Link>
              </p>
            </article>
          </li>
        ))}
      </ul>
      {nextCursor &&
        (more ? (
          <NextInvoicePage accountId={accountId} after={nextCursor} />
        ) : (
          <button type="button" className="button-secondary" onClick={() => setMore(true)}>
            Show more invoices
          </button>
        ))}
    </>
  );
}

function NextInvoicePage({ accountId, after }: { accountId: string; after: string }) {
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: InvoicesDocument,
    variables: { accountId, first: PAGE_SIZE, after },
  });
  const connection = data?.account?.invoices;
  if (connection) {
    return (
      <InvoicePage
        accountId={accountId}
        invoices={connection.edges.map((edge) => edge.node)}
        nextCursor={connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null}
        focusFirst
      />
    );
  }
  if (error) {
    return (
      <Notice tone="error" action={{ label: 'Try again', onClick: () => reexecute({ requestPolicy: 'network-only' }) }}>
        {describe(problemOf(error))}
      </Notice>
    );
  }
  return fetching ? <Loading>Loading more invoices…</Loading> : null;
}
