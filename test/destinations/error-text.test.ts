import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient } from '../../destinations/clients.ts';
import type { DestinationError } from '../../destinations/errors.ts';
import type { DestinationCall, UserRef } from '../../destinations/types.ts';
import type { DestinationConfig } from '../../dsl/language/config.ts';
import { FAKE_ENV, FAKES } from '../../destinations/fakes/index.ts';
import { startFake, type Fake } from '../../destinations/fakes/server.ts';

// A destination that answers 4xx and echoes the request (headers, form and body) back, as some
// do in their error bodies: what it says goes into the failure message Temporal stores.
let echo: Fake;
beforeAll(async () => {
  echo = await startFake('echo', (req) => ({
    status: req.path.startsWith('/plain') ? 403 : 400,
    body: req.path.startsWith('/plain')
      ? `denied: ${JSON.stringify(req.headers)} ${req.body}`
      : {
          message: `refused request with authorization ${req.headers.authorization ?? ''}`,
          request: { headers: req.headers, body: req.body },
        },
  }));
});
afterAll(async () => echo.close());

const CONFIGS: Record<keyof typeof FAKES, Record<string, unknown>> = {
  sailthru: { api_key: '${SAILTHRU_API_KEY}', api_secret: '${SAILTHRU_API_SECRET}' },
  customerio: { site_id: '${CUSTOMERIO_SITE_ID}', track_api_key: '${CUSTOMERIO_TRACK_API_KEY}', app_api_key: '${CUSTOMERIO_APP_API_KEY}' },
  clevertap: { account_id: '${CLEVERTAP_ACCOUNT_ID}', passcode: '${CLEVERTAP_PASSCODE}' },
  moengage: { app_id: '${MOENGAGE_APP_ID}', api_key: '${MOENGAGE_API_KEY}', data_center: 'DC-01' },
  mparticle: { api_key: '${MPARTICLE_API_KEY}', api_secret: '${MPARTICLE_API_SECRET}', environment: 'development' },
  antavo: { region: 'eu', api_key: '${ANTAVO_API_KEY}', api_secret: '${ANTAVO_API_SECRET}' },
  webhook: {
    allow_private_addresses: true,
    allowed_hosts: ['127.0.0.1'],
    headers: { Authorization: 'Bearer ${WEBHOOK_TOKEN}', 'X-Api-Key': '${WEBHOOK_TOKEN}' },
  },
};

const user: UserRef = { id: 'cust-1', email: 'ada@example.com', identities: {} };
const ctx = { idempotencyKey: 'flow/e/cust-1/run-1/#1' };
const CALLS: Record<keyof typeof FAKES, (path: string) => DestinationCall> = {
  sailthru: () => ({ kind: 'send_email', user, template: 't', vars: {} }),
  customerio: () => ({ kind: 'send_sms', user, body: 'hi' }),
  clevertap: () => ({ kind: 'send_sms', user, body: 'hi' }),
  moengage: () => ({ kind: 'send_event', user, event: 'e', eventType: 'other', attributes: {} }),
  mparticle: () => ({ kind: 'send_event', user, event: 'e', eventType: 'other', attributes: {} }),
  antavo: () => ({ kind: 'send_event', user, event: 'e', eventType: 'other', attributes: {} }),
  webhook: (path) => ({ kind: 'webhook', user, url: `${echo.url}${path}/hook`, method: 'POST', headers: {}, body: { a: 1 } }),
};
const basicTokens = [
  ['CUSTOMERIO_SITE_ID', 'CUSTOMERIO_TRACK_API_KEY'],
  ['MOENGAGE_APP_ID', 'MOENGAGE_API_KEY'],
  ['MPARTICLE_API_KEY', 'MPARTICLE_API_SECRET'],
].map(([u, p]) => Buffer.from(`${FAKE_ENV[u as keyof typeof FAKE_ENV]}:${FAKE_ENV[p as keyof typeof FAKE_ENV]}`).toString('base64'));
const SECRETS = [
  FAKE_ENV.SAILTHRU_API_KEY,
  FAKE_ENV.SAILTHRU_API_SECRET,
  FAKE_ENV.CUSTOMERIO_TRACK_API_KEY,
  FAKE_ENV.CUSTOMERIO_APP_API_KEY,
  FAKE_ENV.CLEVERTAP_PASSCODE,
  FAKE_ENV.MOENGAGE_API_KEY,
  FAKE_ENV.MPARTICLE_API_KEY,
  FAKE_ENV.MPARTICLE_API_SECRET,
  FAKE_ENV.ANTAVO_API_SECRET,
  FAKE_ENV.WEBHOOK_TOKEN,
  ...basicTokens,
];

describe('a destination that echoes the request never puts a credential into the failure message', () => {
  for (const type of Object.keys(FAKES) as Array<keyof typeof FAKES>) {
    for (const path of ['', '/plain']) {
      it(`${type}, ${path ? 'plain-text' : 'JSON'} echo`, async () => {
        // Every API path under the echo server: base_url may carry a path prefix.
        const config = { name: type, type, base_url: `${echo.url}${path}`, timeout: '2s', ...CONFIGS[type] } as DestinationConfig;
        const error = await httpClient(config, FAKE_ENV)
          .perform(CALLS[type](path), ctx)
          .then(
            () => undefined,
            (e: unknown) => e as DestinationError,
          );
        expect(error, type).toBeDefined();
        expect(error!.retryable).toBe(false);
        expect(error!.message).toMatch(/^40[03]: /);
        for (const secret of SECRETS) expect(error!.message, `${type} leaked ${secret}`).not.toContain(secret);
        expect(error!.message).not.toMatch(/Bearer\s+(?!\[redacted\])\S/);
        expect(error!.message).not.toMatch(/Basic\s+(?!\[redacted\])\S/);
        expect(error!.message.length).toBeLessThan(400);
      });
    }
  }
});
