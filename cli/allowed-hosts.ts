/** A comma-separated flag value as a list; undefined when the flag was not given. */
export const commaList = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

/**
 * The host names a server answers to besides loopback's and its bind address: `--allow-host`
 * and FLOWLINE_ALLOWED_HOSTS (one setting for the ingest API, the studio and the codec server).
 */
export const allowedHosts = (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] => [
  ...(commaList(flag) ?? []),
  ...(commaList(env.FLOWLINE_ALLOWED_HOSTS) ?? []),
];
