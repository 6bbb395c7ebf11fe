import { afterAll, expect, it } from 'vitest';
import { basic, KEY, offlineIngest, SECRET } from '../helpers/ingest.ts';

const ingest = offlineIngest();
afterAll(() => ingest.app.close());

// A batch that needs no Temporal: it only writes the profile, so an unauthenticated 202 would show as a written profile.
const batch = (user: string) => ({ environment: 'production', user_identities: { customerid: user }, user_attributes: { planted: 'yes' } });

it('every spelling of a /v2 path needs the key and secret: percent-encoded segments answer 401 or 404, never 202, and write nothing', async () => {
  const spellings = ['/%762/events', '/v%32/bulkevents', '/%762/audiences', '/v2/%65vents', '/%76%32/events', '/v2/events'];
  for (const [i, path] of spellings.entries()) {
    const user = `intruder-${i}`;
    const body = path.endsWith('bulkevents')
      ? [batch(user)]
      : path.endsWith('audiences')
        ? {
            user_profiles: [
              { user_identities: [{ type: 'customer_id', encoding: 'raw', value: user }], audiences: [{ audience_id: 1, action: 'add' }] },
            ],
          }
        : batch(user);
    const answer = await ingest.post(path, body, null);
    expect([401, 404], path).toContain(answer.statusCode);
    expect((await ingest.profiles.get(user)).attributes, path).toEqual({});
  }
});

it('accepts the scheme in any case, and refuses a wrong key, a wrong secret, or the right pair split differently', async () => {
  for (const scheme of ['basic', 'BASIC', 'Basic'])
    expect((await ingest.post('/v2/events', batch(`case-${scheme}`), basic(undefined, scheme))).statusCode, scheme).toBe(202);
  for (const credentials of [
    `${KEY}:nope`,
    `nope:${SECRET}`,
    `${KEY}${SECRET}`,
    `${KEY}:${SECRET}x`,
    `${KEY}:${SECRET.slice(0, -1)}`,
    ':',
  ]) {
    const answer = await ingest.post('/v2/events', batch('wrong'), basic(credentials));
    expect(answer.statusCode, credentials).toBe(401);
    expect(answer.json().errors[0].code).toBe('UNAUTHORIZED');
  }
  expect((await ingest.post('/v2/events', batch('bearer'), `Bearer ${KEY}:${SECRET}`)).statusCode).toBe(401);
  expect((await ingest.profiles.get('wrong')).attributes).toEqual({});
});

it('/readyz and /stats say nothing internal: with Temporal down, readyz is a bare 503 status', async () => {
  const ready = await ingest.app.inject({ method: 'GET', url: '/readyz' });
  expect(ready.statusCode).toBe(503);
  expect(ready.json()).toEqual({ status: 'unavailable' });
  const stats = await ingest.app.inject({ method: 'GET', url: '/stats' });
  expect(stats.statusCode).toBe(200);
  const values = Object.values(stats.json()).flatMap((v) => (typeof v === 'object' && v !== null ? Object.values(v) : [v]));
  for (const v of values) expect(typeof v).toBe('number');
});
