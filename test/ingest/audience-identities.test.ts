import { afterAll, expect, it } from 'vitest';
import { offlineIngest } from '../helpers/ingest.ts';

const ingest = offlineIngest();
afterAll(() => ingest.app.close());

// An audience no example flow triggers on or listens to: the request only updates profiles.
const change = (identities: Array<{ type: string; encoding?: string; value: string }>, mpid: string) => ({
  type: 'audience_membership_change_request',
  user_profiles: [{ mpid, user_identities: identities, audiences: [{ audience_id: 555, audience_name: 'Spelling Test', action: 'add' }] }],
});

/** Each spelling mParticle's outbound formats use for an identity type, and the name profiles key it by. */
const SPELLINGS: Array<[string, string]> = [
  ['customer', 'customer_id'], // the audience partner format (Firehose SDK UserIdentity.Type)
  ['customer_id', 'customer_id'], // outbound JSON
  ['customerid', 'customer_id'], // the Events API docs
  ['CUSTOMER', 'customer_id'],
  ['email', 'email'],
  ['other', 'other'],
  ['other2', 'other_id_2'],
  ['other10', 'other_id_10'],
  ['mobile_number', 'mobile_number'],
  ['phone_number_2', 'phone_number_2'],
  ['facebook', 'facebook'],
];

it.each(SPELLINGS)('identity type %s is read as %s, and the customer id names the profile', async (type, name) => {
  const value = `${type}-value-${Math.random().toString(36).slice(2)}`;
  const mpid = String(Math.floor(Math.random() * 1e12));
  expect((await ingest.post('/v2/audiences', change([{ type, encoding: 'raw', value }], mpid))).statusCode).toBe(202);
  const user = name === 'customer_id' || name === 'email' ? value : mpid;
  const profile = await ingest.profiles.get(user);
  expect(profile.identities[name]).toBe(value);
  expect(profile.audiences).toEqual(['Spelling Test']);
  if (user !== mpid) expect((await ingest.profiles.get(mpid)).audiences).toEqual([]); // no second profile beside the right one
});

it('a hashed identity cannot name a profile: the mpid does', async () => {
  const mpid = '777000777';
  expect(
    (await ingest.post('/v2/audiences', change([{ type: 'customer', encoding: 'sha256', value: 'ab'.repeat(32) }], mpid))).statusCode,
  ).toBe(202);
  expect((await ingest.profiles.get(mpid)).identities).toEqual({ mpid });
});
