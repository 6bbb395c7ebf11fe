import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProject } from '../../dsl/load/project.ts';
import { buildIngest, type IngestStats } from '../../ingest/server.ts';
import { harness, type Harness } from '../helpers/temporal.ts';

const mParticle = createRequire(import.meta.url)('mparticle');
const KEY = 'ingest-key';
const SECRET = 'ingest-secret';
let h: Harness;
let app: ReturnType<typeof buildIngest>['app'];
let stats: IngestStats;
let url: string;

beforeAll(async () => {
  h = await harness('dev', { destinations: 'fake' });
  const flows = checkProject({}).flows;
  ({ app, stats } = buildIngest({
    client: h.env.client,
    profiles: h.profiles,
    config: h.config,
    flows: () => flows,
    key: KEY,
    secret: SECRET,
  }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 180_000);
afterAll(async () => {
  await app?.close();
  await h?.close();
});

const auth = `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`;
const post = (path: string, body: unknown, headers: Record<string, string> = { authorization: auth }) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const runsOf = async (flow: string, user: string) => {
  const ids: string[] = [];
  for await (const r of h.env.client.workflow.list({ query: `FlowId = '${flow}' AND UserId = '${user}'` })) ids.push(r.workflowId);
  return ids.sort();
};

describe('the official mParticle SDK, pointed at our ingest', () => {
  it('sends a custom event, a purchase and a session end: the matching flows start and fake destinations receive their calls', async () => {
    const api = new mParticle.EventsApi(new mParticle.Configuration(KEY, SECRET));
    api.apiClient.basePath = `${url}/v2`;
    const batch = new mParticle.Batch(mParticle.Batch.Environment.development);
    batch.user_identities = new mParticle.UserIdentities();
    batch.user_identities.customerid = 'sdk-user';
    batch.user_identities.email = 'sdk-user@example.com';
    batch.user_attributes = { $FirstName: 'Grace', tier: 'gold' };
    const signUp = new mParticle.AppEvent(mParticle.AppEvent.CustomEventType.other, 'sign_up');
    signUp.custom_attributes = { plan: 'pro' };
    const product = new mParticle.Product('sku-1', 'Shoes', 120, 240);
    product.quantity = 2;
    const action = new mParticle.ProductAction('purchase', 'tx-42', 240, [product]);
    const purchase = new mParticle.CommerceEvent();
    purchase.product_action = action;
    purchase.currency_code = 'EUR';
    const sessionEnd = new mParticle.SessionEndEvent(125_000);
    batch.addEvent(signUp);
    batch.addEvent(purchase);
    batch.addEvent(sessionEnd);
    const status = await new Promise<number>((resolve, reject) =>
      api.uploadEvents(batch, (error: Error | null, _data: unknown, response: { status: number }) =>
        error ? reject(error) : resolve(response.status),
      ),
    );
    expect(status).toBe(202);

    // Visibility (list queries) is eventually consistent: poll.
    await expect
      .poll(() => runsOf('sailthru-welcome-series', 'sdk-user'), { timeout: 15_000 })
      .toEqual(['flow/sailthru-welcome-series/sdk-user']);
    await expect
      .poll(() => runsOf('customerio-first-purchase', 'sdk-user'), { timeout: 15_000 })
      .toEqual(['flow/customerio-first-purchase/sdk-user']);
    await expect.poll(() => runsOf('moengage-purchase', 'sdk-user'), { timeout: 15_000 }).toHaveLength(1);
    await expect.poll(() => runsOf('session-recap', 'sdk-user'), { timeout: 15_000 }).toHaveLength(1);

    const profile = await h.profiles.get('sdk-user');
    expect(profile.attributes).toMatchObject({ FirstName: 'Grace', tier: 'gold' });
    expect(profile.identities).toMatchObject({ customer_id: 'sdk-user', email: 'sdk-user@example.com' });

    // The purchase in the same batch is the welcome series' exit_when: that run leaves.
    expect(await h.env.client.workflow.getHandle('flow/sailthru-welcome-series/sdk-user').result()).toMatchObject({
      outcome: 'exited',
      exitReason: 'exit_when: purchase',
    });
    // The purchase flows reach their fakes: Customer.io identify and thank-you email, MoEngage user and event.
    const cio = h.fakes.get('customerio')!;
    await expect.poll(() => cio.received.some((r) => r.path === '/v1/send/email'), { timeout: 30_000 }).toBe(true);
    expect(cio.received.some((r) => r.method === 'PUT' && r.path === '/api/v1/customers/sdk-user')).toBe(true);
    const email = JSON.parse(cio.received.find((r) => r.path === '/v1/send/email')!.body);
    expect(email).toMatchObject({
      transactional_message_id: 'first-purchase-thanks',
      identifiers: { id: 'sdk-user' },
      message_data: { revenue: '240', currency: 'EUR' },
    });
    await expect
      .poll(() => h.fakes.get('moengage')!.received.filter((r) => r.body.includes('sdk-user')).length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(3);
  });
});

describe('answers', () => {
  const valid = (user: string, extra: Record<string, unknown> = {}) => ({
    environment: 'production',
    user_identities: { customerid: user },
    events: [{ event_type: 'custom_event', data: { event_name: 'point_add', custom_attributes: { points: '150' } } }],
    ...extra,
  });

  it('401 without valid credentials', async () => {
    expect((await post('/v2/events', valid('x'), {})).status).toBe(401);
    const wrong = await post('/v2/events', valid('x'), { authorization: `Basic ${Buffer.from(`${KEY}:nope`).toString('base64')}` });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).errors[0].code).toBe('UNAUTHORIZED');
  });

  it('400 naming each invalid field, and nothing done for that batch', async () => {
    const response = await post('/v2/events', {
      user_identities: { customerid: 'bad-user' },
      events: [{ event_type: 'custom_event', data: {} }, { event_type: 'teleport', data: {} }, { data: {} }],
    });
    expect(response.status).toBe(400);
    const { errors } = await response.json();
    const paths = errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/events/0/data/event_name', '/events/1/event_type', '/events/2/event_type']));
    expect(paths).not.toContain('/environment'); // optional: mParticle's schema defaults it to production
    for (const e of errors) expect(e.message.length).toBeGreaterThan(3);
    expect(await h.profiles.get('bad-user')).toMatchObject({ attributes: {}, identities: {} });
    expect((await post('/v2/events', '{"environment": "production", ')).status).toBe(400);
  });

  it('413 above the size limit', async () => {
    const big = valid('big-user', { user_attributes: { blob: 'x'.repeat(300 * 1024) } });
    const response = await post('/v2/events', big);
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0].code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('accepts an anonymous batch and skips it, counted', async () => {
    const before = stats.anonymousBatches;
    const response = await post('/v2/events', {
      environment: 'production',
      events: [{ event_type: 'custom_event', data: { event_name: 'point_add', custom_attributes: { points: '999' } } }],
    });
    expect(response.status).toBe(202);
    expect(stats.anonymousBatches).toBe(before + 1);
  });

  it('resolves the user by priority: customer id, then email, then mpid', async () => {
    await post('/v2/events', valid('', { user_identities: { customerid: 'cust-p1', email: 'p1@example.com' }, mpid: '8675309' }));
    // mpids beyond 2^53 arrive as JSON numbers: written here as raw text, since JS would round them.
    const event = JSON.stringify(valid('').events);
    await post(
      '/v2/events',
      `{"environment":"production","user_identities":[{"identity_type":"email","identity":"p2@example.com"}],"mpid":1234567890123456789,"events":${event}}`,
    );
    await post('/v2/events', `{"environment":"production","user_identities":{},"mpid":9223372036854775807,"events":${event}}`);
    await expect.poll(() => runsOf('antavo-points-to-mparticle', 'cust-p1'), { timeout: 15_000 }).toHaveLength(1);
    await expect.poll(() => runsOf('antavo-points-to-mparticle', 'p2@example.com'), { timeout: 15_000 }).toHaveLength(1);
    await expect.poll(() => runsOf('antavo-points-to-mparticle', '9223372036854775807'), { timeout: 15_000 }).toHaveLength(1);
    expect((await h.profiles.get('p2@example.com')).identities.mpid).toBe('1234567890123456789');
  });

  it('the same event delivered twice starts nothing twice (source_message_id, and source_request_id batches)', async () => {
    const event = {
      event_type: 'custom_event',
      data: { event_name: 'point_add', source_message_id: 'msg-1', custom_attributes: { points: '150' } },
    };
    const first = { environment: 'production', user_identities: { customerid: 'dup-user' }, events: [event] };
    expect((await post('/v2/events', first)).status).toBe(202);
    const again = await post(
      '/v2/events',
      { ...first, source_request_id: 'other-batch' },
      { authorization: auth, 'x-flowline-report': '1' },
    );
    expect(again.status).toBe(202);
    // The report says which entry rule refused it, for which flow.
    expect((await again.json()).batches[0].notStartedEvents).toEqual([
      { event: 'point_add', flow: 'antavo-points-to-mparticle', reason: 'duplicate-event' },
    ]);
    await expect
      .poll(() => runsOf('antavo-points-to-mparticle', 'dup-user'), { timeout: 15_000 })
      .toEqual(['flow/antavo-points-to-mparticle/dup-user/msg-1']);
    const batch = {
      environment: 'production',
      source_request_id: 'req-7',
      user_identities: { customerid: 'dup-user-2' },
      events: [{ event_type: 'custom_event', data: { event_name: 'point_add', custom_attributes: { points: '150' } } }],
    };
    await post('/v2/events', batch);
    const before = stats.duplicateBatches;
    await post('/v2/bulkevents', [batch]);
    expect(stats.duplicateBatches).toBe(before + 1);
    await expect.poll(() => runsOf('antavo-points-to-mparticle', 'dup-user-2'), { timeout: 15_000 }).toHaveLength(1);
  });

  it('signals a waiting run instead of starting one, and audience changes start audience flows', async () => {
    const audience = {
      type: 'audience_membership_change_request',
      user_profiles: [
        {
          mpid: '42',
          user_identities: [{ type: 'customer_id', encoding: 'raw', value: 'aud-user' }],
          audiences: [{ audience_id: 47444, audience_name: 'Cart Drop off', action: 'add' }],
        },
      ],
    };
    expect((await post('/v2/audiences', audience)).status).toBe(202);
    await expect
      .poll(() => runsOf('clevertap-cart-drop-off', 'aud-user'), { timeout: 15_000 })
      .toEqual(['flow/clevertap-cart-drop-off/aud-user']);
    expect((await h.profiles.get('aud-user')).audiences).toEqual(['Cart Drop off']);
    const before = stats.signalled;
    const purchase = await post('/v2/events', {
      environment: 'production',
      user_identities: { customerid: 'aud-user' },
      events: [{ event_type: 'commerce_event', data: { product_action: { action: 'purchase', total_amount: 10 } } }],
    });
    expect(purchase.status, await purchase.text()).toBe(202);
    expect(stats.signalled).toBe(before + 1); // exit_when: purchase
    const result = await h.env.client.workflow.getHandle('flow/clevertap-cart-drop-off/aud-user').result();
    expect(result).toMatchObject({ outcome: 'exited', exitReason: 'exit_when: purchase' });
    expect((await post('/v2/audiences', { type: 'audience_membership_change_request' })).status).toBe(200);
  });

  it('health and readiness', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });
});
