/** The credentials the fakes accept by default: tests and `npm start` set these variables when they use fakes. */
export const FAKE_ENV = {
  SAILTHRU_API_KEY: 'fake-sailthru-key',
  SAILTHRU_API_SECRET: 'fake-sailthru-secret',
  CUSTOMERIO_SITE_ID: 'fake-site',
  CUSTOMERIO_TRACK_API_KEY: 'fake-track-key',
  CUSTOMERIO_APP_API_KEY: 'fake-app-key',
  CLEVERTAP_ACCOUNT_ID: 'FAKE-ACCOUNT',
  CLEVERTAP_PASSCODE: 'fake-passcode',
  MOENGAGE_APP_ID: 'FAKEAPP',
  MOENGAGE_API_KEY: 'fake-moengage-key',
  MPARTICLE_API_KEY: 'fake-mp-key',
  MPARTICLE_API_SECRET: 'fake-mp-secret',
  ANTAVO_API_KEY: 'fake-antavo-key',
  ANTAVO_API_SECRET: 'fake-antavo-secret',
  WEBHOOK_TOKEN: 'fake-webhook-token',
} as const;

/**
 * The settings a fake checks requests against, as the client resolved them (`api_key`,
 * `api_secret`, `region`…; a webhook's `headers`). `flows worker --fake-destinations` passes
 * the client's own, so a config may name its variables as it likes.
 */
export interface FakeCredentials {
  [setting: string]: string | Record<string, string> | undefined;
  headers?: Record<string, string>;
}

export interface FakeOptions {
  port?: number;
  recordFile?: string;
  credentials?: FakeCredentials;
  /** Host names it answers to besides loopback's (a test that resolves a made-up name to it). */
  allowHosts?: string[];
}

/**
 * One setting a fake expects: the given credentials', else the conventional variable's fake
 * value (`mparticle` `api_key` → FAKE_ENV.MPARTICLE_API_KEY).
 */
export function expected(type: string, credentials: FakeCredentials | undefined): (setting: string) => string | undefined {
  if (credentials) return (setting) => (typeof credentials[setting] === 'string' ? credentials[setting] : undefined);
  return (setting) => (FAKE_ENV as Record<string, string>)[`${type}_${setting}`.toUpperCase()];
}
