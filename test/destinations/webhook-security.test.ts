import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderUrl } from '../../activities/render-url.ts';
import { isGlobalUnicast } from '../../destinations/addresses.ts';
import { httpClient } from '../../destinations/clients.ts';
import type { DestinationError } from '../../destinations/errors.ts';
import type { Resolver } from '../../destinations/pinned-connection.ts';
import type { DestinationCall, UserRef } from '../../destinations/types.ts';
import type { DestinationConfig } from '../../dsl/language/config.ts';
import { compileTemplate } from '../../dsl/language/templates.ts';
import { FAKE_ENV } from '../../destinations/fakes/index.ts';
import type { Fake } from '../../destinations/fakes/server.ts';
import { fakeWebhook } from '../../destinations/fakes/webhook.ts';

// Nothing here leaves loopback: blocked ranges are judged by the check function, and host
// names resolve through an injected resolver to 127.0.0.1 (or are refused before connecting).

let fake: Fake;
beforeAll(async () => {
  fake = await fakeWebhook({ allowHosts: ['hooks.flowline.invalid'] });
});
afterAll(async () => fake.close());
beforeEach(() => fake.clear());

const user: UserRef = { id: 'cust-1', identities: {} };
const ctx = { idempotencyKey: 'flow/w/cust-1/run-1/#1' };
const port = () => new URL(fake.url).port;
const call = (url: string, headers: Record<string, string> = {}): DestinationCall => ({
  kind: 'webhook',
  user,
  url,
  method: 'POST',
  headers,
  body: { a: 1 },
});
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as DestinationError,
  );

function webhook(settings: Record<string, unknown>, resolve?: Resolver) {
  const config = { name: 'hooks', type: 'webhook', timeout: '2s', ...settings } as DestinationConfig;
  return httpClient(config, FAKE_ENV, resolve ? { resolve } : {});
}

describe('only global unicast addresses are reachable by default', () => {
  it('refuses every special-purpose range, the ones the old list missed included', () => {
    const blocked = [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '198.18.0.1',
      '198.19.255.254',
      '224.0.0.1',
      '239.255.255.250',
      '240.0.0.1',
      '255.255.255.255',
      '192.0.0.8',
      '192.0.2.1',
      '::1',
      '::',
      '::127.0.0.1',
      '64:ff9b::7f00:1',
      '2002:7f00:1::',
      'fec0::1',
      'fe80::1',
      'fc00::1',
      'ff02::1',
      '2001:db8::1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      'not-an-address',
    ];
    for (const address of blocked) expect(isGlobalUnicast(address), address).toBe(false);
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      expect(isGlobalUnicast(address), address).toBe(true);
  });

  it('refuses a host whose name resolves to a blocked address, or to a public and a blocked one', async () => {
    for (const answer of [['198.18.0.7'], ['93.184.216.34', '127.0.0.1'], ['64:ff9b::a00:1']]) {
      const refused = await failure(webhook({}, async () => answer).perform(call(`http://hooks.flowline.invalid:${port()}/x`), ctx));
      expect(refused, answer.join()).toMatchObject({ retryable: false });
      expect(refused!.message).toContain('allow_private_addresses: true');
    }
    expect(fake.received).toEqual([]);
  });
});

describe('the connection goes to the address that was checked', () => {
  it('resolves the host once and connects there, keeping the host name in the Host header', async () => {
    const asked: string[] = [];
    // The system resolver knows nothing of .invalid: only the pinned address can be used.
    const resolve: Resolver = async (host) => {
      asked.push(host);
      return ['127.0.0.1'];
    };
    await webhook({ allow_private_addresses: true }, resolve).perform(call(`http://hooks.flowline.invalid:${port()}/pinned`), ctx);
    expect(asked).toEqual(['hooks.flowline.invalid']);
    expect(fake.received.at(-1)).toMatchObject({ path: '/pinned', headers: { host: `hooks.flowline.invalid:${port()}` } });
  });
});

describe('data placed into a URL stays data', () => {
  const scope = (id: unknown) => ({ event: {}, profile: { id }, vars: {} });

  it('is URL-encoded in path segments and query values', async () => {
    const url = renderUrl(compileTemplate(`${fake.url}/u/{{ profile.id }}/orders?ref={{ profile.id }}&x=1`), scope('../admin?x=2&y=3#z'));
    await webhook({ allow_private_addresses: true }).perform(call(url), ctx);
    const got = fake.received.at(-1)!;
    expect(got.path).toBe('/u/..%2Fadmin%3Fx%3D2%26y%3D3%23z/orders');
    expect(got.query).toEqual({ ref: '../admin?x=2&y=3#z', x: '1' });
  });

  it('cannot change the host', () => {
    const url = renderUrl(compileTemplate('https://{{ profile.id }}.hooks.example.com/x'), scope('evil.example.org/'));
    expect(() => new URL(url)).toThrow();
  });

  it('a `..` segment is refused before anything is sent', async () => {
    const url = renderUrl(compileTemplate(`${fake.url}/u/{{ profile.id }}/delete`), scope('..'));
    const refused = await failure(webhook({ allow_private_addresses: true }).perform(call(url), ctx));
    expect(refused).toMatchObject({ retryable: false, message: expect.stringContaining("'..' path segment") });
    expect(fake.received).toEqual([]);
  });
});

describe('credential headers go only to the hosts the config names', () => {
  const withToken = { allow_private_addresses: true, headers: { Authorization: 'Bearer ${WEBHOOK_TOKEN}' } };

  it('refuses a URL whose host is not in allowed_hosts, sending nothing', async () => {
    const refused = await failure(webhook({ ...withToken, allowed_hosts: ['hooks.example.com'] }).perform(call(`${fake.url}/steal`), ctx));
    expect(refused).toMatchObject({ retryable: false, message: expect.stringContaining('allowed_hosts') });
    expect(fake.received).toEqual([]);
  });

  it('refuses every host while a destination with headers lists none', async () => {
    const refused = await failure(webhook(withToken).perform(call(`${fake.url}/steal`), ctx));
    expect(refused).toMatchObject({ retryable: false, message: expect.stringContaining('add allowed_hosts: [127.0.0.1]') });
    expect(fake.received).toEqual([]);
  });

  it('sends them to a listed host', async () => {
    await webhook({ ...withToken, allowed_hosts: ['127.0.0.1'] }).perform(call(`${fake.url}/ok`), ctx);
    expect(fake.received.at(-1)!.headers.authorization).toBe(`Bearer ${FAKE_ENV.WEBHOOK_TOKEN}`);
  });
});

describe('header values from data', () => {
  it('a CR/LF fails at once, without repeating the value', async () => {
    const refused = await failure(
      webhook({ allow_private_addresses: true }).perform(call(`${fake.url}/h`, { 'x-user': 'ada\r\nX-Injected: secret-value' }), ctx),
    );
    expect(refused).toMatchObject({ retryable: false, message: expect.stringContaining("header 'x-user'") });
    expect(refused!.message).not.toContain('secret-value');
    expect(refused!.message).not.toContain('X-Injected');
    expect(fake.received).toEqual([]);
  });
});
