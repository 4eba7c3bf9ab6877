import type { InvoiceLine } from './types';

/** An invoice's lines and total, as a table that fits a phone. */
export function InvoiceLines({ lines, total, caption }: { lines: InvoiceLine[]; total: string; caption: string }) {
  return (
    <table className="lines">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Description</th>
          <th scope="col" className="amount">
            Amount
          </th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line, index) => (
          <tr key={index} className={line.kind === 'PRORATION' ? 'line-proration' : undefined}>
            <td>{line.description}</td>
            <td className="amount">{line.amount.formatted}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td className="amount">{total}</td>
        </tr>
      </tfoot>
    </table>
  );
}
