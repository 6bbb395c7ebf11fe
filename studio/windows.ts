/** The windows the cumulative numbers can be counted over. */
const WINDOWS = { '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000, '30d': 30 * 24 * 3600_000, all: undefined } as const;

export type WindowName = keyof typeof WINDOWS;

/** The window asked for (7d when none); any other name is the asker's mistake, a 400 naming the windows there are. */
export function windowSince(name: string | undefined, now = Date.now()): { window: WindowName; since?: number } {
  if (name && !Object.hasOwn(WINDOWS, name)) {
    throw Object.assign(new Error(`no window '${name.slice(0, 40)}': window is one of ${Object.keys(WINDOWS).join(', ')}`), {
      statusCode: 400,
    });
  }
  const window = (name || '7d') as WindowName;
  const ms = WINDOWS[window];
  return ms === undefined ? { window } : { window, since: now - ms };
}
