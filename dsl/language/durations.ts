/** Durations of the flow language: a whole number and one unit (30s, 15m, 2h, 3d, 1w). */
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

const DURATION = /^([0-9]+)(s|m|h|d|w)$/;

export const DAY_MS = UNIT_MS.d;

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/**
 * A duration as people write it, for messages and graphs: the largest unit up to days that
 * holds it exactly (90000 → "90s", 7200000 → "2h", a week → "7d", 36 hours → "36h"). Never
 * weeks: a marketer counts waits in days. Only words for people use it, never the IR or a hash.
 */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** `100/s`, `15000/min`, `3600/h` as requests per second. */
export function parseRateLimit(text: string): number | undefined {
  const match = /^([1-9][0-9]*)\/(s|min|h)$/.exec(text);
  if (!match) return undefined;
  const per = { s: 1, min: 60, h: 3600 }[match[2] as 's' | 'min' | 'h'];
  return Number(match[1]) / per;
}

/** A span for people, to the second: "5d 2h", "3m 20s", "0s". */
export function humanDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.slice(0, 2).join(' ') || '0s';
}
