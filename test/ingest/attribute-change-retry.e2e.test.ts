import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildIngest } from '../../ingest/server.ts';
import { KEY, offlineIngest, postTo, SECRET } from '../helpers/ingest.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';

let h: Harness;
beforeAll(async () => {
  h = await harness('dev');
}, 180_000);
afterAll(async () => h?.close());

const FLOW =
  'flow: tier-changed\ntrigger: { attribute_change: tier }\nentry: { reentry: always }\nsteps:\n  - send_event: { destination: mparticle, event: tier_changed }\n';

it('an attribute change found by comparing with the profile is routed on the retry of a batch refused with 503 after the profile was written', async () => {
  const flow = compile(FLOW, h.config);
  // The same batch, without a source_request_id (its id is a hash of its content), as a sender retries it.
  const batch = {
    environment: 'production',
    user_identities: { customerid: 'tier-user' },
    user_attributes: { tier: 'gold', city: 'Oslo' },
  };

  // First attempt: Temporal unreachable (a client on a closed port); the profile is written, the start is not.
  const down = offlineIngest({ profiles: h.profiles, config: h.config, flows: () => [flow] });
  expect((await down.post('/v2/events', batch)).statusCode).toBe(503);
  expect((await h.profiles.get('tier-user')).attributes).toEqual({ tier: 'gold', city: 'Oslo' });

  // The retry, Temporal back: the profile already says gold, yet the change is still routed.
  const { app } = buildIngest({
    client: h.env.client,
    profiles: h.profiles,
    config: h.config,
    flows: () => [flow],
    key: KEY,
    secret: SECRET,
  });
  const retry = await postTo(app, '/v2/events', batch, { report: true });
  expect(retry.statusCode).toBe(202);
  expect(retry.json().batches[0]).toMatchObject({ started: 1 });
  const ids: string[] = [];
  await expect
    .poll(
      async () => {
        ids.length = 0;
        for await (const r of h.env.client.workflow.list({ query: `WorkflowId STARTS_WITH 'flow/tier-changed/tier-user/'` }))
          ids.push(r.workflowId);
        return ids.length;
      },
      { timeout: 15_000 },
    )
    .toBe(1);
  const run = h.env.client.workflow.getHandle(ids[0]!);
  expect((await run.describe()).status.name).not.toBe('FAILED');

  // Once handled, the same batch is a duplicate: nothing starts again, and the pending record is gone.
  const again = await postTo(app, '/v2/events', batch, { report: true });
  expect(again.json().batches[0]).toMatchObject({ duplicate: true, started: 0 });
  // A later batch with the same value is no change at all.
  const same = await postTo(app, '/v2/events', { ...batch, source_request_id: 'later' }, { report: true });
  expect(same.json().batches[0]).toMatchObject({ duplicate: false, started: 0 });
}, 120_000);
