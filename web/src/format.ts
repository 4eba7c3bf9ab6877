/** Words and numbers as the page shows them. Instants are UTC, as the API gives them. */

const day = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});
const moment = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
  timeZoneName: 'short',
});
const whole = new Intl.NumberFormat('en-US');

/** "Nov 22, 2026" */
export const formatDate = (instant: string): string => day.format(new Date(instant));

/** "Nov 15, 2026, 12:00 UTC" */
export const formatMoment = (instant: string): string => moment.format(new Date(instant));

/** "Nov 1, 2026 – Dec 1, 2026" */
export const formatPeriod = (start: string, end: string): string =>
  `${formatDate(start)} – ${formatDate(end)}`;

/** "3,000" */
export const formatCount = (n: number): string => whole.format(n);

/** "channels", "WhatsApp Business numbers" */
export const plural = (unitLabel: string): string => `${unitLabel}s`;

/** "1 channel", "5 channels", "2 WhatsApp Business numbers" */
export function units(quantity: number, unitLabel: string): string {
  return `${formatCount(quantity)} ${quantity === 1 ? unitLabel : plural(unitLabel)}`;
}

/** Connected/total slots (SPEC §9): "1 of 3 channels connected" */
export function slots(connected: number, quantity: number, unitLabel: string): string {
  return `${formatCount(connected)} of ${units(quantity, unitLabel)} connected`;
}

/** "Channels", "WhatsApp Business numbers": a unit label at the start of a sentence */
export const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** min..max, both included */
export function range(min: number, max: number): number[] {
  return Array.from({ length: Math.max(0, max - min + 1) }, (_, i) => min + i);
}
