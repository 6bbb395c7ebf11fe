import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { FileProfileStore } from '../../store/file-store.ts';
import type { Profile } from '../../store/store.ts';
import { offlineIngest } from '../helpers/ingest.ts';

const ingest = offlineIngest();
afterAll(() => ingest.app.close());

const long = (n: number, c = 'x') => c.repeat(n);
const event = (data: Record<string, unknown>) => ({
  event_type: 'custom_event',
  data: { event_name: 'point_add', custom_attributes: { points: '150' }, ...data },
});
const batch = (user: string, extra: Record<string, unknown> = {}) => ({
  environment: 'production',
  user_identities: { customerid: user },
  user_attributes: { seen: 'yes' },
  events: [event({})],
  ...extra,
});
const audience = (user: string, profile: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  type: 'audience_membership_change_request',
  ...extra,
  user_profiles: [
    {
      user_identities: [{ type: 'customer', encoding: 'raw', value: user }],
      audiences: [{ audience_id: 7, audience_name: 'Seven', action: 'add' }],
      ...profile,
    },
  ],
});

/** Inputs that used to fail later (500, a stalled server, a profile written before the failure), each with the field a 400 must name. */
const CASES: Array<[string, string, (user: string) => unknown, string]> = [
  [
    'a timestamp that is not a number',
    '/v2/events',
    (u) => batch(u, { events: [event({ timestamp_unixtime_ms: 'soon' })] }),
    '/events/0/data/timestamp_unixtime_ms',
  ],
  [
    'a timestamp out of range',
    '/v2/events',
    (u) => JSON.stringify(batch(u)).replace('"environment"', '"timestamp_unixtime_ms":1e300,"environment"'),
    '/timestamp_unixtime_ms',
  ],
  [
    'an event timestamp out of range',
    '/v2/events',
    (u) =>
      JSON.stringify(batch(u, { events: [event({ timestamp_unixtime_ms: 1 })] })).replace(
        '"timestamp_unixtime_ms":1',
        '"timestamp_unixtime_ms":1e300',
      ),
    '/events/0/data/timestamp_unixtime_ms',
  ],
  ['a 4,000-character source_request_id', '/v2/events', (u) => batch(u, { source_request_id: long(4000) }), '/source_request_id'],
  [
    'a 4,000-character source_message_id',
    '/v2/events',
    (u) => batch(u, { events: [event({ source_message_id: long(4000) })] }),
    '/events/0/data/source_message_id',
  ],
  [
    'a 4,000-character user id beside the real one',
    '/v2/events',
    (u) => batch(u, { user_identities: { email: u, customerid: long(4000) } }),
    '/user_identities/customerid',
  ],
  ['a 4,000-character mpid', '/v2/events', (u) => batch(u, { mpid: long(4000, '7') }), '/mpid'],
  [
    'a 4,000-character event name',
    '/v2/events',
    (u) => batch(u, { events: [event({ event_name: long(4000) })] }),
    '/events/0/data/event_name',
  ],
  [
    'a 40,000-digit attribute value',
    '/v2/events',
    (u) => batch(u, { events: [event({ custom_attributes: { points: `${long(40_000, '1')}x` } })] }),
    '/events/0/data/custom_attributes/points',
  ],
  ['a 40,000-character user attribute', '/v2/events', (u) => batch(u, { user_attributes: { bio: long(40_000) } }), '/user_attributes/bio'],
  ['a 300-character attribute name', '/v2/events', (u) => batch(u, { user_attributes: { [long(300)]: 'v' } }), '/user_attributes'],
  ['JSON nested 5,000 deep', '/v2/events', (u) => JSON.stringify(batch(u)).replace('"yes"', `${'['.repeat(5000)}${']'.repeat(5000)}`), '/'],
  // A bulk request with some valid batches handles those (test/ingest/mparticle-python-sdk.e2e.test.ts); with none, it is a 400.
  [
    'bad timestamps in every batch of a bulk request',
    '/v2/bulkevents',
    (u) => [batch(u, { timestamp_unixtime_ms: 'now' }), batch(`${u}-b`, { events: [event({ timestamp_unixtime_ms: 'soon' })] })],
    '/1/events/0/data/timestamp_unixtime_ms',
  ],
  [
    'an audience change with a 4,000-character identity',
    '/v2/audiences',
    (u) => audience(u, { mpid: long(4000, '1') }),
    '/user_profiles/0/mpid',
  ],
  ['an audience request with a bad timestamp', '/v2/audiences', (u) => audience(u, {}, { timestamp_ms: 'soon' }), '/timestamp_ms'],
];

it.each(CASES)('%s: 400 naming the field, and no profile written', async (_name, path, body, field) => {
  const user = `bad-${Math.random().toString(36).slice(2)}@example.com`;
  const started = Date.now();
  const answer = await ingest.post(path, body(user));
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(answer.statusCode, answer.body).toBe(400);
  const { errors } = answer.json();
  expect(errors.map((e: { path: string }) => e.path)).toContain(field);
  for (const e of errors) expect(e.message.length).toBeGreaterThan(5);
  expect(await ingest.profiles.get(user)).toMatchObject({ attributes: {}, identities: {}, audiences: [] });
  expect(await ingest.profiles.get(`${user}-b`)).toMatchObject({ attributes: {}, identities: {} });
});

it('a 4xx raised by the profile store (a profile too big) is answered with that status and its reason, not 500', async () => {
  class Refusing extends FileProfileStore {
    override async update(): Promise<Profile> {
      throw Object.assign(new Error('the profile would be 300 KB; the limit is 256 KB: remove attributes'), { statusCode: 413 });
    }
  }
  const refusing = offlineIngest({ profiles: new Refusing(mkdtempSync(join(tmpdir(), 'ingest-refusing-'))) });
  const answer = await refusing.post('/v2/events', batch('too-big'));
  expect(answer.statusCode).toBe(413);
  expect(answer.json().errors[0].message).toContain('the limit is 256 KB');
  await refusing.app.close();
});

it('every 5xx is logged with its cause; the answer carries no internal text', async () => {
  class Broken extends FileProfileStore {
    override async update(): Promise<Profile> {
      throw new Error('disk on fire at /var/secret/path');
    }
  }
  const broken = offlineIngest({ profiles: new Broken(mkdtempSync(join(tmpdir(), 'ingest-broken-'))) });
  const written = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const answer = await broken.post('/v2/events', batch('broken'));
    expect(answer.statusCode).toBe(500);
    expect(answer.body).not.toContain('disk on fire');
    expect(written.mock.calls.map((c) => String(c[0])).join('')).toContain('disk on fire');
  } finally {
    written.mockRestore();
    await broken.app.close();
  }
});
