import { createRequire } from 'node:module';
import { afterAll, expect, it } from 'vitest';
import { offlineIngest, postTo } from '../helpers/ingest.ts';

// The official Node SDK's list of event types (its EventBase.EventType), not a copy of ours.
const mParticle = createRequire(import.meta.url)('mparticle');
const SDK_TYPES = Object.values(mParticle.EventBase.EventType as Record<string, string>);
// Types the Events API schema and @mparticle/event-models add to the Node SDK's list.
const EVENTS_API_TYPES = [...SDK_TYPES, 'user_attribute_change', 'user_identity_change', 'uninstall', 'validation_result'];

const ingest = offlineIngest();
afterAll(() => ingest.app.close());

/** A custom event no repository flow starts on or waits for, so the offline ingest needs no Temporal call for it. */
const unrouted = { event_type: 'custom_event', data: { event_name: 'event_types_probe', custom_event_type: 'other' } };

it("a pre_attribution event (mParticle's Python SDK sends them) is accepted and ignored, and the batch's custom event still counts", async () => {
  const before = { events: ingest.stats.events, ignored: ingest.stats.ignoredEvents };
  const batch = {
    environment: 'production',
    user_identities: { customerid: 'pre-attribution-user' },
    events: [{ event_type: 'pre_attribution', data: { timestamp_unixtime_ms: Date.now() } }, unrouted],
  };
  const answer = await postTo(ingest.app, '/v2/events', batch, { report: true });
  expect(answer.statusCode).toBe(202);
  expect(answer.json().batches).toEqual([expect.objectContaining({ user: 'pre-attribution-user', events: 1, ignored: 1 })]);
  expect(ingest.stats.events - before.events).toBe(1);
  expect(ingest.stats.ignoredEvents - before.ignored).toBe(1);
});

it("every event type mParticle's Events API takes is accepted: none makes a 400 that would lose the batch", async () => {
  const events = EVENTS_API_TYPES.map((type) => (type === 'custom_event' ? unrouted : { event_type: type, data: {} }));
  const answer = await ingest.post('/v2/events', { environment: 'production', user_identities: { customerid: 'all-types-user' }, events });
  expect(answer.statusCode, answer.body).toBe(202);
});
