/** How the studio writes numbers, shares and times: one place, so every page says them alike. */

/** A share of a whole as a whole percent ("92%"), "<1%" for a little, nothing when the whole is zero. */
export function share(part: number, whole: number): string {
  if (!whole) return '';
  const p = (100 * part) / whole;
  if (part > 0 && p < 1) return '<1%';
  return `${Math.round(p)}%`;
}

/** A rate to a tenth of a percent ("12.5%"), a dash when there is none. */
export const rate = (r: number | undefined | null): string => (r === undefined || r === null ? '—' : `${(100 * r).toFixed(1)}%`);
export const signed = (r: number): string => `${r >= 0 ? '+' : ''}${(100 * r).toFixed(1)}%`;
export const amount = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2));

/** Today's times without the date, older ones with it. */
export function when(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const at = new Date(iso);
  return at.toDateString() === new Date().toDateString() ? at.toLocaleTimeString() : at.toLocaleString();
}
