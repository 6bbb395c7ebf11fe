import { afterAll, expect, it } from 'vitest';
import { offlineIngest } from '../helpers/ingest.ts';

// End users control identity values: a lone UTF-16 surrogate ("\ud800") used to reach the store's
// file name encoding and answer 500 on every retry. JSON.stringify writes it as the escape `\ud800`.
const ingest = offlineIngest();
afterAll(() => ingest.app.close());

const LONE = '\ud800';
const batch = (identities: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  environment: 'production',
  user_identities: identities,
  events: [{ event_type: 'custom_event', data: { event_name: 'nothing_listens_to_this' } }],
  ...extra,
});

it.each([
  ['a customer id', batch({ customerid: `cust-${LONE}` }), '/user_identities/customerid'],
  ['an email beside a good customer id', batch({ customerid: 'cust-ok', email: `a${LONE}@example.com` }), '/user_identities/email'],
  ['an mpid', batch({ customerid: 'cust-ok' }, { mpid: `7${LONE}` }), '/mpid'],
  ['a batch id', batch({ customerid: 'cust-ok' }, { source_request_id: `r-${LONE}` }), '/source_request_id'],
  ['an attribute name', batch({ customerid: 'cust-ok' }, { user_attributes: { [`tier${LONE}`]: 'gold' } }), '/user_attributes'],
])('a lone surrogate in %s is a 400 naming the field', async (_name, body, field) => {
  const answer = await ingest.post('/v2/events', body);
  expect(answer.statusCode, answer.body).toBe(400);
  const { errors } = answer.json() as { errors: Array<{ path: string; message: string }> };
  expect(errors.map((e) => e.path)).toContain(field);
  expect(errors[0]!.message).toContain('not well-formed Unicode');
});

it('in a bulk request only the batch with the lone surrogate is refused; the others are handled (202)', async () => {
  const answer = await ingest.post('/v2/bulkevents', [batch({ customerid: 'bulk-good' }), batch({ customerid: `bulk-${LONE}` })]);
  expect(answer.statusCode, answer.body).toBe(202);
  expect(answer.body).toContain('/user_identities/customerid');
  expect((await ingest.profiles.get('bulk-good')).identities.customer_id).toBe('bulk-good');
});

it('an audience change naming a user by a lone surrogate is a 400 naming the field', async () => {
  const answer = await ingest.post('/v2/audiences', {
    type: 'audience_membership_change_request',
    user_profiles: [
      { user_identities: [{ type: 'customer', encoding: 'raw', value: `aud-${LONE}` }], audiences: [{ audience_id: 7, action: 'add' }] },
    ],
  });
  expect(answer.statusCode, answer.body).toBe(400);
  expect(answer.json().errors.map((e: { path: string }) => e.path)).toContain('/user_profiles/0/user_identities/0/value');
});

it('characters outside the Basic Multilingual Plane (a surrogate pair) are ordinary text', async () => {
  const answer = await ingest.post('/v2/events', batch({ customerid: 'cust-😀' }));
  expect(answer.statusCode, answer.body).toBe(202);
});
