import { afterAll, expect, it } from 'vitest';
import { offlineIngest } from '../helpers/ingest.ts';

const ingest = offlineIngest();
afterAll(() => ingest.app.close());

// Written as raw text: JSON.stringify would not produce an own `__proto__` key.
const BODIES: Array<[string, (user: string) => string]> = [
  [
    '__proto__ in user attributes',
    (u) =>
      `{"environment":"production","user_identities":{"customerid":"${u}"},"user_attributes":{"__proto__":{"admin":true},"plan":"pro"}}`,
  ],
  [
    '__proto__ spelt with escapes',
    (u) => `{"environment":"production","user_identities":{"customerid":"${u}"},"user_attributes":{"\\u005f_proto__":{"admin":true}}}`,
  ],
  [
    'constructor.prototype in user attributes',
    (u) =>
      `{"environment":"production","user_identities":{"customerid":"${u}"},"user_attributes":{"constructor":{"prototype":{"admin":true}}}}`,
  ],
  [
    '__proto__ at the top of an event',
    (u) =>
      `{"environment":"production","user_identities":{"customerid":"${u}"},"events":[{"event_type":"custom_event","__proto__":{"x":1},"data":{"event_name":"go"}}]}`,
  ],
];

it.each(BODIES)('%s: refused with 400, no profile written, no object polluted', async (_name, body) => {
  const user = `proto-${Math.random().toString(36).slice(2)}`;
  const answer = await ingest.post('/v2/events', body(user));
  expect(answer.statusCode, answer.body).toBe(400);
  expect(answer.json().errors[0].message).toMatch(/__proto__|prototype/);
  const profile = await ingest.profiles.get(user);
  expect(profile.attributes).toEqual({});
  expect((profile.attributes as { admin?: unknown }).admin).toBeUndefined();
  expect(({} as { admin?: unknown }).admin).toBeUndefined();
});
