import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient } from '../../destinations/clients.ts';
import { REDACTED, redact } from '../../destinations/error-text.ts';
import type { DestinationError } from '../../destinations/errors.ts';
import { FAKE_ENV, FAKES } from '../../destinations/fakes/index.ts';
import type { Fake } from '../../destinations/fakes/server.ts';
import type { DestinationConfig } from '../../dsl/language/config.ts';

const SECRET = 'sk_live-7Qf9zR2mXw4Lp8Vt';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const b64url = (text: string) => Buffer.from(text).toString('base64url');

/**
 * Whether `text` still gives away a 4-byte piece of `secret` read as base64: every run of
 * base64 characters, decoded from each of its first four positions (any alignment).
 */
function revealsBase64(text: string, secret: string): boolean {
  const pieces = Array.from({ length: secret.length - 3 }, (_, i) => secret.slice(i, i + 4));
  for (const run of text.match(/[A-Za-z0-9+/_-]{4,}/g) ?? []) {
    for (let shift = 0; shift < 4; shift++) {
      const decoded = Buffer.from(run.slice(shift).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
      if (pieces.some((p) => decoded.includes(p))) return true;
    }
  }
  return false;
}

describe('redact removes a secret however the destination spells it', () => {
  it('the Basic token base64("key:secret"), without its scheme', () => {
    const token = b64(`acct-42:${SECRET}`);
    const out = redact(`invalid credentials ${token} for this workspace`, [SECRET]);
    expect(out).toContain(REDACTED);
    expect(out).not.toContain(token);
    expect(revealsBase64(out, SECRET)).toBe(false);
    expect(out).toMatch(/^invalid credentials .*for this workspace$/);
  });

  for (const prefix of ['', 'k', 'ke', 'key=']) {
    it(`base64 and base64url of the secret at byte offset ${prefix.length % 3} (prefix ${JSON.stringify(prefix)})`, () => {
      for (const encoded of [b64(`${prefix}${SECRET}`), b64url(`${prefix}${SECRET}`), b64(`${prefix}${SECRET}!trailer`)]) {
        const out = redact(`echo: ${encoded} (BadAuth)`, [SECRET]);
        expect(out, encoded).toContain(REDACTED);
        expect(revealsBase64(out, SECRET), `${encoded} -> ${out}`).toBe(false);
        expect(out).toMatch(/^echo: .* \(BadAuth\)$/);
      }
    });
  }

  it('upper-cased and lower-cased', () => {
    for (const spelled of [SECRET.toUpperCase(), SECRET.toLowerCase()]) {
      const out = redact(`unknown api key ${spelled}.`, [SECRET]);
      expect(out).toBe(`unknown api key ${REDACTED}.`);
    }
  });

  it('percent-encoded, with either case of hex digits, and form-encoded', () => {
    const secret = 'p@ss/w0rd+key=1 2';
    const encoded = encodeURIComponent(secret);
    for (const spelled of [encoded, encoded.toLowerCase(), new URLSearchParams({ a: secret }).toString().slice(2)]) {
      const out = redact(`bad request: key=${spelled}&x=1`, [secret]);
      expect(out, spelled).not.toContain(spelled);
      expect(out, spelled).toContain(REDACTED);
    }
  });

  it('as hex, lower or upper case', () => {
    const hex = Buffer.from(SECRET).toString('hex');
    for (const spelled of [hex, hex.toUpperCase()])
      expect(redact(`checksum ${spelled} rejected`, [SECRET])).toBe(`checksum ${REDACTED} rejected`);
  });

  it('still replaces exact values and credential shapes, longest first', () => {
    expect(redact(`a ${SECRET} b ${SECRET.slice(0, 8)}`, [SECRET.slice(0, 8), SECRET])).toBe(`a ${REDACTED} b ${REDACTED}`);
    expect(redact('header Authorization: Bearer abcdefghijkl', [])).not.toContain('abcdefghijkl');
  });

  it('leaves ordinary text alone', () => {
    const messages = [
      'Required event field "event_name" is missing or empty. (BAD_REQUEST)',
      'User ada@example.com is not subscribed (Sailthru error 34)',
      `customer_id is missing; request id ${b64('some other request 123456')}`,
      'SK_LIVE is not a valid environment; 7Qf9 attempts left',
    ];
    for (const message of messages) expect(redact(message, [SECRET, 'fake-moengage-key'])).toBe(message);
  });
});

describe('a destination echoing its credential in another spelling', () => {
  let fake: Fake;
  beforeAll(async () => {
    fake = await FAKES.moengage();
  });
  afterAll(async () => fake.close());

  it('the Basic token alone, and the key upper-cased, are not in the failure message', async () => {
    const token = b64(`${FAKE_ENV.MOENGAGE_APP_ID}:${FAKE_ENV.MOENGAGE_API_KEY}`);
    fake.inject({
      status: 400,
      body: {
        status: 'fail',
        error: { type: 'AuthError', message: `credentials ${token} do not match key ${FAKE_ENV.MOENGAGE_API_KEY.toUpperCase()}` },
      },
    });
    const config = {
      name: 'moengage',
      type: 'moengage',
      base_url: fake.url,
      timeout: '2s',
      app_id: '${MOENGAGE_APP_ID}',
      api_key: '${MOENGAGE_API_KEY}',
      data_center: 'DC-01',
    } as DestinationConfig;
    const user = { id: 'cust-1', identities: {} };
    const error = await httpClient(config, FAKE_ENV)
      .perform({ kind: 'send_event', user, event: 'e', eventType: 'other', attributes: {} }, { idempotencyKey: 'k' })
      .then(
        () => undefined,
        (e: unknown) => e as DestinationError,
      );
    expect(error).toBeDefined();
    expect(error!.retryable).toBe(false);
    expect(error!.message).toMatch(/^400: credentials .* \(AuthError\) \[POST \/v1\/event\/\{app_id\}\]$/);
    expect(error!.message).not.toContain(token);
    expect(error!.message.toLowerCase()).not.toContain(FAKE_ENV.MOENGAGE_API_KEY);
    expect(revealsBase64(error!.message, FAKE_ENV.MOENGAGE_API_KEY)).toBe(false);
  });
});
