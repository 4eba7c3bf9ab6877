import { useEffect } from 'react';
import { useQuery } from 'urql';
import { describe, problemOf } from '../errors';
import { formatDate, formatPeriod } from '../format';
import { InvoicePrintDocument } from '../gql/graphql';
import { Link } from '../ui/Link';
import { Loading, Notice } from '../ui/Notice';

/**
 * An issued invoice on its own, at a stable address (/invoices/<id>): its number,
 * account, period, lines and total, laid out to print or save as PDF.
 */
export function PrintableInvoice({ invoiceId }: { invoiceId: string }) {
  const [{ data, fetching, error }, reexecute] = useQuery({ query: InvoicePrintDocument, variables: { id: invoiceId } });
  const node = data?.node;
  const invoice = node && node.__typename === 'Invoice' && node.status === 'ISSUED' ? node : null;

  useEffect(() => {
    const previous = document.title;
    if (invoice) document.title = `Invoice ${invoice.number} · Octopods`;
    return () => {
      document.title = previous;
    };
  }, [invoice]);

  return (
    <main id="main" className="page print-page">
      <nav className="print-actions no-print" aria-label="Invoice">
        <Link href="/">Back to Billing &amp; Subscriptions</Link>
        {invoice && (
          <button type="button" className="button-primary" onClick={() => window.print()}>
            Print or save as PDF
          </button>
        )}
      </nav>
      {fetching && !data && <Loading>Loading the invoice…</Loading>}
      {error && (
        <Notice tone="error" action={{ label: 'Try again', onClick: () => reexecute({ requestPolicy: 'network-only' }) }}>
          {describe(problemOf(error))}
        </Notice>
      )}
      {data && !invoice && (
        <>
          <h1>Invoice not found</h1>
          <p>There is no issued invoice at this address in your accounts.</p>
        </>
      )}
      {invoice && (
        <article className="printed-invoice" aria-labelledby="invoice-title">
          <header className="printed-header">
            <p className="brand">Octopods</p>
            <h1 id="invoice-title">Invoice {invoice.number}</h1>
          </header>
          <dl className="facts">
            <div>
              <dt>Billed to</dt>
              <dd>{invoice.subscription.account.name}</dd>
            </div>
            <div>
              <dt>Invoice number</dt>
              <dd>{invoice.number}</dd>
            </div>
            <div>
              <dt>Issued</dt>
              <dd>{formatDate(invoice.issuedAt)}</dd>
            </div>
            <div>
              <dt>Period</dt>
              <dd>{formatPeriod(invoice.periodStart, invoice.periodEnd)}</dd>
            </div>
            <div>
              <dt>Product</dt>
              <dd>{invoice.subscription.plan.name}</dd>
            </div>
          </dl>
          <table className="lines printed-lines">
            <caption className="visually-hidden">Lines of invoice {invoice.number}</caption>
            <thead>
              <tr>
                <th scope="col">Description</th>
                <th scope="col" className="amount">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {invoice.lines.map((line, index) => (
                <tr key={index}>
                  <td>{line.description}</td>
                  <td className="amount">{line.amount.formatted}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total ({invoice.total.currency})</th>
                <td className="amount">{invoice.total.formatted}</td>
              </tr>
            </tfoot>
          </table>
        </article>
      )}
    </main>
  );
}
