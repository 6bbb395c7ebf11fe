import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DestinationConfig } from '../../dsl/language/config.ts';
import { antavoEscher } from '../../destinations/antavo.ts';
import { httpClient } from '../../destinations/clients.ts';
import { eventUlid } from '../../destinations/customerio.ts';
import { DestinationError } from '../../destinations/errors.ts';
import { sailthruSignature } from '../../destinations/sailthru.ts';
import type { DestinationCall, DestinationClient, UserRef } from '../../destinations/types.ts';
import { FAKE_ENV, FAKES } from '../../destinations/fakes/index.ts';
import type { Fake } from '../../destinations/fakes/server.ts';

const fakes = {} as Record<keyof typeof FAKES, Fake>;
beforeAll(async () => {
  for (const [type, start] of Object.entries(FAKES)) fakes[type as keyof typeof FAKES] = await start();
});
afterAll(async () => Promise.all(Object.values(fakes).map((f) => f.close())));
beforeEach(() => Object.values(fakes).forEach((f) => f.clear()));

const CONFIGS: Record<keyof typeof FAKES, Record<string, unknown>> = {
  sailthru: { api_key: '${SAILTHRU_API_KEY}', api_secret: '${SAILTHRU_API_SECRET}' },
  customerio: { site_id: '${CUSTOMERIO_SITE_ID}', track_api_key: '${CUSTOMERIO_TRACK_API_KEY}', app_api_key: '${CUSTOMERIO_APP_API_KEY}' },
  clevertap: { account_id: '${CLEVERTAP_ACCOUNT_ID}', passcode: '${CLEVERTAP_PASSCODE}' },
  moengage: { app_id: '${MOENGAGE_APP_ID}', api_key: '${MOENGAGE_API_KEY}', data_center: 'DC-01' },
  mparticle: { api_key: '${MPARTICLE_API_KEY}', api_secret: '${MPARTICLE_API_SECRET}', environment: 'development' },
  antavo: { region: 'eu', api_key: '${ANTAVO_API_KEY}', api_secret: '${ANTAVO_API_SECRET}' },
  webhook: { allow_private_addresses: true, allowed_hosts: ['127.0.0.1'], headers: { Authorization: 'Bearer ${WEBHOOK_TOKEN}' } },
};

function client(type: keyof typeof FAKES, extra: Record<string, unknown> = {}, env: Record<string, string> = FAKE_ENV): DestinationClient {
  const config = { name: type, type, base_url: fakes[type].url, timeout: '2s', ...CONFIGS[type], ...extra } as DestinationConfig;
  return httpClient(config, env);
}

const user: UserRef = { id: 'cust-1001', email: 'ada@example.com', identities: { email: 'ada@example.com' } };
const ctx = { idempotencyKey: 'flow/welcome/cust-1001/run-1/#2', scheduledAt: Date.parse('2026-11-23T10:00:00Z') };
const last = (type: keyof typeof FAKES) => fakes[type].received.at(-1)!;
const body = (type: keyof typeof FAKES) => JSON.parse(last(type).body);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as DestinationError,
  );

describe('sailthru', () => {
  it('signs a form POST of one json parameter', async () => {
    await client('sailthru').perform(
      { kind: 'set_var', user, vars: { stage: { set: 'started' }, points: { increment: 10, result: 25 }, old: { delete: true } } },
      ctx,
    );
    const req = last('sailthru');
    expect(req).toMatchObject({ method: 'POST', path: '/user', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const form = new URLSearchParams(req.body);
    expect(JSON.parse(form.get('json')!)).toEqual({ id: 'ada@example.com', key: 'email', vars: { stage: 'started', points: 25, old: '' } });
    expect(form.get('sig')).toBe(sailthruSignature(FAKE_ENV.SAILTHRU_API_SECRET, [FAKE_ENV.SAILTHRU_API_KEY, 'json', form.get('json')!]));
  });

  it('sends a template with vars, returns the send id; lists and events go to /user and /event', async () => {
    const sailthru = client('sailthru');
    const sent = await sailthru.perform({ kind: 'send_email', user, template: 'welcome-1', vars: { first_name: 'Ada' } }, ctx);
    expect(sent.id).toMatch(/^send-/);
    expect(JSON.parse(new URLSearchParams(last('sailthru').body).get('json')!)).toEqual({
      template: 'welcome-1',
      email: 'ada@example.com',
      vars: { first_name: 'Ada' },
    });
    await sailthru.perform({ kind: 'remove_from_list', user, list: 'new-users' }, ctx);
    expect(JSON.parse(new URLSearchParams(last('sailthru').body).get('json')!).lists).toEqual({ 'new-users': 0 });
    await sailthru.perform({ kind: 'send_event', user, event: 'vip', eventType: 'other', attributes: { a: 1 } }, ctx);
    expect(last('sailthru').path).toBe('/event');
  });

  it('reports its errors: a wrong secret and an unknown template fail at once, with Sailthru’s own text', async () => {
    const denied = await failure(
      client('sailthru', {}, { ...FAKE_ENV, SAILTHRU_API_SECRET: 'wrong' }).perform({ kind: 'add_to_list', user, list: 'x' }, ctx),
    );
    expect(denied).toMatchObject({ retryable: false, message: '401: Authentication failed (Sailthru error 5) [POST /user]' });
    const unknown = await failure(client('sailthru').perform({ kind: 'send_email', user, template: 'missing-template', vars: {} }, ctx));
    expect(unknown).toMatchObject({
      retryable: false,
      message: '400: Unknown template: missing-template (Sailthru error 14) [POST /send]',
    });
  });

  it('turns a 429 without Retry-After into a retry at X-Rate-Limit-Reset', async () => {
    const reset = Math.floor(Date.now() / 1000) + 30;
    fakes.sailthru.inject({
      status: 429,
      headers: { 'x-rate-limit-reset': String(reset) },
      body: { error: 43, errormsg: 'Too many POST requests this minute to /user API' },
    });
    const error = await failure(client('sailthru').perform({ kind: 'add_to_list', user, list: 'x' }, ctx));
    expect(error!.retryable).toBe(true);
    expect(error!.details.retryAfterMs).toBeGreaterThan(25_000);
    expect(error!.details.retryAfterMs).toBeLessThanOrEqual(30_000);
  });
});

describe('customerio', () => {
  it('identifies with Basic auth and sends resulting values for increments', async () => {
    await client('customerio').perform(
      { kind: 'set_var', user, vars: { plan: { set: 'pro' }, orders: { increment: 1, result: 3 }, gone: { delete: true } } },
      ctx,
    );
    expect(last('customerio')).toMatchObject({ method: 'PUT', path: '/api/v1/customers/cust-1001' });
    expect(last('customerio').headers.authorization).toBe(`Basic ${Buffer.from('fake-site:fake-track-key').toString('base64')}`);
    expect(body('customerio')).toEqual({ plan: 'pro', orders: 3, gone: null });
  });

  it('sends events with an id derived from run and step, so a retry is ignored', async () => {
    const cio = client('customerio');
    await cio.perform({ kind: 'send_event', user, event: 'welcomed', eventType: 'other', attributes: { plan: 'pro' } }, ctx);
    expect(body('customerio')).toEqual({ name: 'welcomed', id: eventUlid(ctx.idempotencyKey), data: { plan: 'pro' } });
    expect(eventUlid(ctx.idempotencyKey)).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
  });

  it('manages manual segments and sends transactional email with the App API key', async () => {
    const cio = client('customerio');
    await cio.perform({ kind: 'add_to_list', user, list: '42' }, ctx);
    expect(last('customerio')).toMatchObject({ path: '/api/v1/segments/42/add_customers', query: { id_type: 'id' } });
    expect(body('customerio')).toEqual({ ids: ['cust-1001'] });
    const sent = await cio.perform({ kind: 'send_email', user, template: 'welcome', vars: { a: '1' } }, ctx);
    expect(sent.id).toMatch(/^dlv-/);
    expect(last('customerio')).toMatchObject({ path: '/v1/send/email', headers: { authorization: 'Bearer fake-app-key' } });
    expect(body('customerio')).toMatchObject({
      transactional_message_id: 'welcome',
      identifiers: { id: 'cust-1001' },
      to: 'ada@example.com',
      message_data: { a: '1' },
    });
  });

  it('reads both error shapes', async () => {
    const bad = await failure(
      client('customerio').perform({ kind: 'send_event', user, event: '', eventType: 'other', attributes: {} }, ctx),
    );
    expect(bad).toMatchObject({ retryable: false, message: '400: event name is required [POST /api/v1/customers/cust-1001/events]' });
    const denied = await failure(
      client('customerio', {}, { ...FAKE_ENV, CUSTOMERIO_APP_API_KEY: 'nope' }).perform({ kind: 'send_sms', user, body: 'hi' }, ctx),
    );
    expect(denied).toMatchObject({ retryable: false, message: '401: Unauthorized request [POST /v1/send/sms]' });
  });
});

describe('clevertap', () => {
  it('uploads profiles with native increments and events, with account headers', async () => {
    const ct = client('clevertap');
    await ct.perform(
      {
        kind: 'set_var',
        user,
        vars: { tier: { set: 'gold' }, points: { increment: 5, result: 5 }, credits: { increment: -2, result: 1 } },
      },
      ctx,
    );
    expect(last('clevertap')).toMatchObject({
      path: '/1/upload',
      headers: { 'x-clevertap-account-id': 'FAKE-ACCOUNT', 'x-clevertap-passcode': 'fake-passcode' },
    });
    expect(body('clevertap')).toEqual({
      d: [
        {
          type: 'profile',
          identity: 'cust-1001',
          ts: 1795428000,
          profileData: { tier: 'gold', points: { $incr: 5 }, credits: { $decr: 2 } },
        },
      ],
    });
    await ct.perform({ kind: 'send_event', user, event: 'Charged', eventType: 'other', attributes: { Amount: 300 } }, ctx);
    expect(body('clevertap').d[0]).toMatchObject({ type: 'event', evtName: 'Charged', evtData: { Amount: 300 } });
  });

  it('treats a record in unprocessed[] inside a 200 as a failure', async () => {
    const error = await failure(
      client('clevertap').perform({ kind: 'send_event', user, event: '', eventType: 'other', attributes: {} }, ctx),
    );
    expect(error).toMatchObject({ retryable: false });
    expect(error!.message).toContain('Event name is missing. Skipped record number : 1 (code 509)');
  });

  it('sends push with title, body and deep link; a bad passcode is a 401 with CleverTap’s text', async () => {
    const sent = await client('clevertap').perform(
      { kind: 'send_push', user, title: 'Hi', body: 'Come back', deepLink: 'app://home', vars: {} },
      ctx,
    );
    expect(sent.id).toBeDefined();
    expect(body('clevertap')).toMatchObject({
      to: { Identity: ['cust-1001'] },
      content: { title: 'Hi', body: 'Come back', platform_specific: { android: { deep_link: 'app://home' } } },
    });
    const denied = await failure(
      client('clevertap', {}, { ...FAKE_ENV, CLEVERTAP_PASSCODE: 'x' }).perform({ kind: 'send_sms', user, body: 'x' }, ctx),
    );
    expect(denied).toMatchObject({ retryable: false, message: '401: Account ID is not valid [POST /1/send/sms.json]' });
  });
});

describe('moengage', () => {
  it('tracks users and events under the workspace id with Basic auth', async () => {
    const mo = client('moengage');
    await mo.perform({ kind: 'set_var', user, vars: { orders: { increment: 1, result: 4 } } }, ctx);
    expect(last('moengage')).toMatchObject({ path: '/v1/customer/FAKEAPP' });
    expect(last('moengage').headers.authorization).toBe(`Basic ${Buffer.from('FAKEAPP:fake-moengage-key').toString('base64')}`);
    expect(body('moengage')).toEqual({ type: 'customer', customer_id: 'cust-1001', attributes: { orders: 4 } });
    await mo.perform({ kind: 'send_event', user, event: 'big_spender', eventType: 'other', attributes: { revenue: '250' } }, ctx);
    expect(body('moengage')).toEqual({
      type: 'event',
      customer_id: 'cust-1001',
      actions: [{ action: 'big_spender', attributes: { revenue: '250' }, platform: 'unknown', current_time: 1795428000 }],
    });
  });

  it('reports MoEngage’s error type', async () => {
    const denied = await failure(
      client('moengage', {}, { ...FAKE_ENV, MOENGAGE_API_KEY: 'x' }).perform({ kind: 'set_var', user, vars: {} }, ctx),
    );
    expect(denied).toMatchObject({
      retryable: false,
      message: '401: App Secret key mismatch (Authentication required) [POST /v1/customer/{app_id}]',
    });
  });
});

describe('mparticle', () => {
  it('posts one batch with a custom event and stable source ids', async () => {
    const mp = client('mparticle');
    await mp.perform(
      { kind: 'send_event', user, event: 'loyalty_points_added', eventType: 'transaction', attributes: { points: 150 } },
      ctx,
    );
    expect(last('mparticle')).toMatchObject({ path: '/v2/events' });
    const batch = body('mparticle');
    expect(batch).toMatchObject({
      environment: 'development',
      user_identities: { customerid: 'cust-1001', email: 'ada@example.com' },
      events: [
        {
          event_type: 'custom_event',
          data: { event_name: 'loyalty_points_added', custom_event_type: 'transaction', custom_attributes: { points: '150' } },
        },
      ],
    });
    await mp.perform(
      { kind: 'send_event', user, event: 'loyalty_points_added', eventType: 'transaction', attributes: { points: 150 } },
      ctx,
    );
    expect(body('mparticle').source_request_id).toBe(batch.source_request_id);
  });

  it('sets and deletes user attributes; a 400 carries mParticle’s message', async () => {
    await client('mparticle').perform({ kind: 'set_var', user, vars: { tier: { set: 'gold' }, old: { delete: true } } }, ctx);
    expect(body('mparticle')).toMatchObject({ user_attributes: { tier: 'gold' }, deleted_user_attributes: ['old'], events: [] });
    fakes.mparticle.inject({
      status: 400,
      body: { errors: [{ code: 'BAD_REQUEST', message: 'Required event field "event_type" is missing or empty.' }] },
    });
    const bad = await failure(client('mparticle').perform({ kind: 'set_var', user, vars: {} }, ctx));
    expect(bad).toMatchObject({
      retryable: false,
      message: '400: Required event field "event_type" is missing or empty. (BAD_REQUEST) [POST /v2/events]',
    });
  });
});

describe('antavo', () => {
  it('signs events with Escher (ANTAVO-HMAC-SHA256) and records an action', async () => {
    const sent = await client('antavo').perform(
      { kind: 'send_event', user, event: 'point_add', eventType: 'other', attributes: { points: 325 } },
      ctx,
    );
    expect(sent.id).toMatch(/^ev-/);
    const req = last('antavo');
    expect(req.headers.authorization).toMatch(
      /^ANTAVO-HMAC-SHA256 Credential=fake-antavo-key\/\d{8}\/eu\/api\/antavo_request, SignedHeaders=content-type;date;host, Signature=[0-9a-f]{64}$/,
    );
    expect(body('antavo')).toEqual({ customer: 'cust-1001', action: 'point_add', data: { points: 325 } });
  });

  it('is refused with a wrong secret, and reports Antavo’s error envelope', async () => {
    const denied = await failure(
      client('antavo', {}, { ...FAKE_ENV, ANTAVO_API_SECRET: 'wrong' }).perform(
        { kind: 'send_event', user, event: 'x', eventType: 'other', attributes: {} },
        ctx,
      ),
    );
    expect(denied).toMatchObject({ retryable: false });
    expect(denied!.message).toMatch(/^401: Invalid signature/);
    const missing = await failure(
      client('antavo').perform(
        { kind: 'send_event', user: { ...user, id: 'unknown-customer' }, event: 'x', eventType: 'other', attributes: {} },
        ctx,
      ),
    );
    expect(missing).toMatchObject({ retryable: false, message: '404: Customer not found (NotFoundException) [POST /events]' });
    expect(antavoEscher('eu')).toBeDefined();
  });
});

describe('webhook', () => {
  const call = (url: string): DestinationCall => ({
    kind: 'webhook',
    user,
    url,
    method: 'POST',
    headers: { 'x-flow': 'welcome' },
    body: { user: 'cust-1001' },
  });

  it('sends the rendered request with the destination’s headers and an idempotency key', async () => {
    await client('webhook').perform(call(`${fakes.webhook.url}/hooks/review?u=1`), ctx);
    expect(last('webhook')).toMatchObject({ method: 'POST', path: '/hooks/review', query: { u: '1' } });
    expect(last('webhook').headers).toMatchObject({
      authorization: 'Bearer fake-webhook-token',
      'x-flow': 'welcome',
      'idempotency-key': ctx.idempotencyKey,
      'content-type': 'application/json',
    });
    expect(body('webhook')).toEqual({ user: 'cust-1001' });
  });

  it('refuses loopback and private addresses unless the destination allows them', async () => {
    for (const url of [`${fakes.webhook.url}/x`, 'http://10.1.2.3/x', 'http://[::1]:9/x', 'http://169.254.169.254/latest/meta-data']) {
      const refused = await failure(
        client('webhook', { allow_private_addresses: false, allowed_hosts: ['127.0.0.1', '10.1.2.3', '::1', '169.254.169.254'] }).perform(
          call(url),
          ctx,
        ),
      );
      expect(refused, url).toMatchObject({ retryable: false });
      expect(refused!.message).toContain('allow_private_addresses: true');
    }
    expect(fakes.webhook.received).toEqual([]);
  });
});

describe('the shared classification of outcomes', () => {
  const send = () => client('moengage').perform({ kind: 'send_event', user, event: 'e', eventType: 'other', attributes: {} }, ctx);

  it('429 with Retry-After is retryable after that long', async () => {
    fakes.moengage.inject({
      status: 429,
      retryAfter: 7,
      body: { status: 'fail', error: { type: 'RateLimitError', message: 'Rate Limits Exceeded' } },
    });
    expect(await failure(send())).toMatchObject({
      retryable: true,
      details: { status: 429, retryAfterMs: 7000 },
      message: '429: Rate Limits Exceeded (RateLimitError) [POST /v1/event/{app_id}]',
    });
  });

  it('500 and 503 are retryable; other 4xx are not', async () => {
    fakes.moengage.inject({ status: 500, body: { status: 'fail', error: { type: 'ServerError', message: 'boom' } } });
    expect(await failure(send())).toMatchObject({ retryable: true, details: { status: 500 } });
    fakes.moengage.inject({ status: 503 });
    expect(await failure(send())).toMatchObject({ retryable: true, details: { status: 503 } });
    fakes.moengage.inject({ status: 403, body: { status: 'fail', error: { type: 'BlockedClient', message: 'Account Suspended' } } });
    expect(await failure(send())).toMatchObject({
      retryable: false,
      message: '403: Account Suspended (BlockedClient) [POST /v1/event/{app_id}]',
    });
  });

  it('a hang past the timeout and a reset connection are retryable', async () => {
    fakes.moengage.inject({ hang: true });
    expect(await failure(send())).toMatchObject({ retryable: true, message: expect.stringContaining('no answer from 127.0.0.1') });
    fakes.moengage.inject({ reset: true });
    expect(await failure(send())).toMatchObject({ retryable: true, message: expect.stringContaining('cannot reach 127.0.0.1') });
  });

  it('errors never carry a secret', async () => {
    fakes.sailthru.inject({ status: 500, body: 'internal' });
    const error = await failure(client('sailthru').perform({ kind: 'add_to_list', user, list: 'x' }, ctx));
    for (const secret of Object.values(FAKE_ENV)) expect(error!.message).not.toContain(secret);
  });
});
