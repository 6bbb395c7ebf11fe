import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient } from '../../destinations/clients.ts';
import type { DestinationError } from '../../destinations/errors.ts';
import type { DestinationCall, UserRef } from '../../destinations/types.ts';
import { loadConfig } from '../../dsl/load/config.ts';
import { destinationClients, type Clients } from '../../worker/destination-clients.ts';
import { scratchRepo } from '../helpers/scratch-repo.ts';

// A new user's config: every credential variable named differently from the example config.
const CONFIG = `timezone: UTC
destinations:
  st:
    type: sailthru
    api_key: \${ST_KEY}
    api_secret: \${ST_SECRET}
  cio:
    type: customerio
    site_id: \${CIO_SITE}
    track_api_key: \${CIO_TRACK}
    app_api_key: \${CIO_APP}
  ct:
    type: clevertap
    account_id: \${CT_ACCOUNT}
    passcode: \${CT_PASS}
  moe:
    type: moengage
    data_center: DC-01
    app_id: \${MOE_APP}
    api_key: \${MOE_KEY}
  mp:
    type: mparticle
    environment: development
    api_key: \${MPARTICLE_KEY}
    api_secret: \${MPARTICLE_SECRET}
  loyalty:
    type: antavo
    region: eu
    api_key: \${LOYALTY_KEY}
    api_secret: \${LOYALTY_SECRET}
  hooks:
    type: webhook
    allowed_hosts: [hooks.example.com]
    headers:
      Authorization: Bearer \${HOOKS_TOKEN}
`;

const user: UserRef = { id: 'cust-7', email: 'ada@example.com', identities: {} };
const other: UserRef = { id: '', identities: {} };
const ctx = { idempotencyKey: 'flow/any/cust-7/run-1/#1' };
const event = (u: UserRef, name: string): DestinationCall => ({
  kind: 'send_event',
  user: u,
  event: name,
  eventType: 'other',
  attributes: { n: 1 },
});
const hook = (headers: Record<string, string> = {}): DestinationCall => ({
  kind: 'webhook',
  user,
  url: 'https://hooks.example.com/p',
  method: 'POST',
  headers,
  body: {},
});

/** A call each destination accepts, and one its fake refuses with a 4xx of its own making. */
const CASES: Record<string, { ok: DestinationCall; refused: DestinationCall; says: RegExp }> = {
  st: {
    ok: { kind: 'send_email', user, template: 'welcome', vars: {} },
    refused: { kind: 'send_email', user, template: 'missing-template', vars: {} },
    says: /^400: Unknown template: missing-template \(Sailthru error 14\) \[POST \/send\]$/,
  },
  cio: {
    ok: event(user, 'signed_up'),
    refused: event(user, ''),
    says: /^400: event name is required \[POST \/api\/v1\/customers\/cust-7\/events\]$/,
  },
  ct: {
    ok: { kind: 'send_sms', user, body: 'hi' },
    refused: { kind: 'send_sms', user, body: '' },
    says: /^400: content\.body is required \[POST \/1\/send\/sms\.json\]$/,
  },
  moe: {
    ok: event(user, 'bought'),
    refused: event(other, 'bought'),
    says: /^400: customer_id is missing \(MissingAttributeError\) \[POST \/v1\/event\/\{app_id\}\]$/,
  },
  mp: {
    ok: event(user, 'points'),
    refused: event(user, ''),
    says: /^400: Required event field "event_name" is missing or empty\. \(BAD_REQUEST\) \[POST \/v2\/events\]$/,
  },
  loyalty: {
    ok: event(user, 'point_add'),
    refused: event({ ...user, id: 'unknown-customer' }, 'point_add'),
    says: /^404: Customer not found \(NotFoundException\) \[POST \/events\]$/,
  },
  hooks: {
    ok: hook(),
    refused: hook({ Authorization: 'Bearer wrong' }),
    says: /^401: header Authorization is missing or wrong \[POST 127\.0\.0\.1:\d+\]$/,
  },
};

let clients: Clients;
beforeAll(async () => {
  const { config, diagnostics } = loadConfig(join(scratchRepo(CONFIG), 'flows.config.yaml'));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  // None of the variables is set, as for a new user trying `flows worker --fake-destinations`.
  clients = await destinationClients(config, { mode: 'fake', env: {} });
});
afterAll(async () => clients?.close());

describe('--fake-destinations with a config whose variables are named its own way', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: a send succeeds, and the fake checked the credentials the client was configured with`, async () => {
      await clients.clients.get(name)!.perform(c.ok, ctx);
      expect(clients.fakes.get(name)!.received).toHaveLength(1);
    });

    it(`${name}: a 4xx names the status, the destination's own text and the endpoint`, async () => {
      const error = await clients.clients
        .get(name)!
        .perform(c.refused, ctx)
        .then(
          () => undefined,
          (e: unknown) => e as DestinationError,
        );
      expect(error).toMatchObject({ retryable: false, message: expect.stringMatching(c.says) });
    });
  }

  it("mParticle's bare 403 (a wrong key) says what was refused and which settings to check", async () => {
    const config = {
      name: 'mp',
      type: 'mparticle',
      environment: 'development',
      base_url: clients.fakes.get('mp')!.url,
      api_key: 'other',
      api_secret: 'other',
    } as const;
    const error = await httpClient({ ...config }, {})
      .perform(event(user, 'points'), ctx)
      .then(
        () => undefined,
        (e: unknown) => e as DestinationError,
      );
    expect(error).toMatchObject({
      retryable: false,
      message: expect.stringMatching(/^403: .*api_key and api_secret.* \[POST \/v2\/events\]$/),
    });
  });
});
