import { afterAll, expect, it } from 'vitest';
import { offlineIngest } from '../helpers/ingest.ts';

const ingest = offlineIngest();
afterAll(() => ingest.app.close());

it('a 400 lists the real problem of each field, without schema-combinator noise', async () => {
  const answer = await ingest.post('/v2/events', {
    environment: 'staging',
    user_identities: { customerid: 'answers-user' },
    events: [
      { event_type: 'custom_event', data: { custom_attributes: {} } },
      { event_type: 'custom_event', data: { event_name: '' } },
      { event_type: 'teleport', data: {} },
    ],
  });
  expect(answer.statusCode).toBe(400);
  const { errors } = answer.json() as { errors: Array<{ path: string; message: string }> };
  const text = JSON.stringify(errors);
  expect(text).not.toMatch(/"then"|"if"|anyOf|oneOf/);
  expect(errors).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ path: '/environment', message: expect.stringContaining('development, production, unknown') }),
      expect.objectContaining({ path: '/events/0/data/event_name', message: 'is required' }),
      expect.objectContaining({ path: '/events/1/data/event_name', message: expect.stringContaining('fewer than 1 characters') }),
      expect.objectContaining({ path: '/events/2/event_type', message: expect.stringContaining('custom_event') }),
    ]),
  );
  expect(errors).toHaveLength(4);
});
