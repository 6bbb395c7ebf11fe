import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildIngest } from '../../ingest/server.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';
import { KEY, SECRET, postTo } from '../helpers/ingest.ts';

let h: Harness;
beforeAll(async () => {
  h = await harness('dev');
}, 180_000);
afterAll(async () => h?.close());

const USER = 'audience-ids-user';
const change = (action: 'add' | 'delete', timestamp_ms: number) => ({
  type: 'audience_membership_change_request',
  timestamp_ms,
  user_profiles: [
    {
      mpid: '31337',
      user_identities: [{ type: 'customer', encoding: 'raw', value: USER }],
      audiences: [{ audience_id: 9001, audience_name: 'VIP', action }],
    },
  ],
});

/** A fresh ingest process over the same profile store, as after a restart. */
function ingestProcess() {
  // reentry always: every distinct audience change starts its own run, so runs count changes.
  const flow = compile(
    'flow: audience-ids\ntrigger: { audience: { id: 9001, on: added } }\nentry: { reentry: always }\nsteps:\n  - send_event: { destination: mparticle, event: joined }\n',
    h.config,
  );
  const { app, stats } = buildIngest({
    client: h.env.client,
    profiles: h.profiles,
    config: h.config,
    flows: () => [flow],
    key: KEY,
    secret: SECRET,
  });
  const post = (body: unknown) => postTo(app, '/v2/audiences', body);
  return { app, stats, post };
}

const runs = async () => {
  const ids: string[] = [];
  for await (const r of h.env.client.workflow.list({ query: `FlowId = 'audience-ids' AND UserId = '${USER}'` })) ids.push(r.workflowId);
  return ids.length;
};

it('audience change ids come from the content: a redelivery is recognised, and a restarted ingest never takes a new change for an old one', async () => {
  const first = ingestProcess();
  const joined = change('add', Date.UTC(2026, 0, 1));
  expect((await first.post(joined)).statusCode).toBe(202);
  await expect.poll(runs, { timeout: 15_000 }).toBe(1);

  expect((await first.post(joined)).statusCode).toBe(202); // mParticle redelivers the same change
  expect(first.stats.duplicateBatches).toBe(1);
  expect((await first.post(change('delete', Date.UTC(2026, 0, 2)))).statusCode).toBe(202);
  await first.app.close();

  const second = ingestProcess(); // restarted: its request ids start again from the first
  expect((await second.post(change('add', Date.UTC(2026, 0, 3)))).statusCode).toBe(202); // the user joins again
  expect(second.stats.started).toBe(1);
  await expect.poll(runs, { timeout: 15_000 }).toBe(2);
  expect((await h.profiles.get(USER)).audiences).toEqual(['VIP']);
  await second.app.close();
}, 60_000);
