import type { DashboardQuery } from '../gql/graphql';

/** The shapes the page reads, as the Dashboard operation (operations/) selects them. */
export type Viewer = DashboardQuery['viewer'];
export type Membership = Viewer['memberships'][number];
export type Account = Membership['account'];
export type Subscription = Account['subscriptions'][number];
export type AvailablePlan = Account['availablePlans'][number];
export type InvoiceLine = Subscription['upcomingInvoice']['lines'][number];

/** An issued invoice, from the dashboard's first page or a later one. */
export interface IssuedInvoice {
  id: string;
  number: string | null;
  issuedAt: string;
  periodStart: string;
  periodEnd: string;
  total: { formatted: string };
  lines: InvoiceLine[];
}

/**
 * The dashboard as the server has it now; resolves when it has arrived (or failed).
 * After a mutation (which refetches it, see AFTER_A_CHANGE) it waits for that fetch;
 * `{ force: true }` asks the server again whatever the cache holds.
 */
export type Refresh = (options?: { force?: boolean }) => Promise<void>;
