/** The windows the cumulative numbers can be counted over. */
export const WINDOWS = { '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000, '30d': 30 * 24 * 3600_000, all: undefined } as const;

export type WindowName = keyof typeof WINDOWS;

export function windowSince(name: string | undefined, now = Date.now()): { window: WindowName; since?: number } {
  const window = (name && name in WINDOWS ? name : '7d') as WindowName;
  const ms = WINDOWS[window];
  return ms === undefined ? { window } : { window, since: now - ms };
}
