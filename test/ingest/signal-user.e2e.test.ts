import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildIngest } from '../../ingest/server.ts';
import { eventSignal } from '../../workflows/messages.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';
import { KEY, SECRET, postTo } from '../helpers/ingest.ts';

let h: Harness;
beforeAll(async () => {
  h = await harness('dev');
}, 180_000);
afterAll(async () => h?.close());

// reentry always: ingest finds a user's runs with a visibility query on UserId.
const FLOW =
  'flow: signal-user\ntrigger: { event: join }\nentry: { reentry: always }\nexit_when:\n  - event: leave\nsteps:\n  - wait: 1h\n';

/** User ids that try to break out of a quoted string in the visibility query and reach the victim's runs. */
const CRAFTED = [`a\\' OR UserId = "victim" -- `, `a\\' OR UserId = 'victim' OR UserId = \\'`, `\\`, `it's \\ "quoted"`, 'victim\tx'];

it("an event for a crafted user id (backslash, quotes) reaches only that user's own runs", async () => {
  const flow = compile(FLOW, h.config);
  const { app } = buildIngest({
    client: h.env.client,
    profiles: h.profiles,
    config: h.config,
    flows: () => [flow],
    key: KEY,
    secret: SECRET,
  });
  const send = (user: string, name: string, id: string) =>
    postTo(app, '/v2/events', {
      environment: 'production',
      user_identities: { customerid: user },
      events: [{ event_type: 'custom_event', data: { event_name: name, source_message_id: id } }],
    });
  for (const [i, user] of ['victim', ...CRAFTED].entries()) expect((await send(user, 'join', `join-${i}`)).statusCode, user).toBe(202);
  const running = async () => {
    let n = 0;
    for await (const _ of h.env.client.workflow.list({ query: `FlowId = 'signal-user' AND ExecutionStatus = 'Running'` })) n++;
    return n;
  };
  await expect.poll(running, { timeout: 15_000 }).toBe(1 + CRAFTED.length);

  for (const [i, user] of CRAFTED.entries()) {
    const answer = await send(user, 'leave', `leave-${i}`);
    expect(answer.statusCode, `${user}: ${answer.body}`).toBe(202);
  }
  // Each crafted user's own run leaves...
  for (const [i, user] of CRAFTED.entries()) {
    const own = h.env.client.workflow.getHandle(`flow/signal-user/${user}/join-${i + 1}`);
    await expect.poll(async () => (await own.describe()).status.name, { timeout: 15_000, message: user }).toBe('COMPLETED');
    expect(await own.result()).toMatchObject({ outcome: 'exited' });
  }
  // ...and the victim's does not.
  const victim = h.env.client.workflow.getHandle('flow/signal-user/victim/join-0');
  expect((await victim.describe()).status.name).toBe('RUNNING');
  expect((await victim.query('state')) as { exitRequested: unknown }).toMatchObject({ exitRequested: null });
}, 90_000);

it('a run ignores an event signalled for another user', async () => {
  const flow = compile(FLOW.replace('signal-user', 'signal-user-2'), h.config);
  const started = await h.start(flow, 'owner', { name: 'join' });
  const handle = h.env.client.workflow.getHandle(started.workflowId);
  await handle.signal(
    eventSignal,
    { id: 'x1', name: 'leave', type: 'custom_event', timestamp: Date.now(), attributes: {} },
    'someone-else',
  );
  await new Promise((r) => setTimeout(r, 1_500)); // time for the run to act on it, had it taken it
  expect((await handle.describe()).status.name).toBe('RUNNING');
  expect(((await handle.query('state')) as { exitRequested: unknown }).exitRequested).toBeNull();
  await handle.signal(eventSignal, { id: 'x2', name: 'leave', type: 'custom_event', timestamp: Date.now(), attributes: {} }, 'owner');
  expect(await handle.result()).toMatchObject({ outcome: 'exited' });
});

it('an event signalling the runs of two flows in one batch is counted twice, in the report and in /stats', async () => {
  const flows = ['signal-count-a', 'signal-count-b'].map((name) => compile(FLOW.replace('signal-user', name), h.config));
  const { app, stats } = buildIngest({
    client: h.env.client,
    profiles: h.profiles,
    config: h.config,
    flows: () => flows,
    key: KEY,
    secret: SECRET,
  });
  const batch = (name: string) => ({
    environment: 'production',
    user_identities: { customerid: 'counted' },
    events: [{ event_type: 'custom_event', data: { event_name: name, source_message_id: `${name}-1` } }],
  });
  expect((await postTo(app, '/v2/events', batch('join'))).statusCode).toBe(202);
  const answer = await postTo(app, '/v2/events', batch('leave'), { report: true });
  expect(answer.statusCode, answer.body).toBe(202);
  expect(JSON.parse(answer.body).batches[0]).toMatchObject({ started: 0, signalled: 2 });
  expect(stats.signalled).toBe(2);
  for (const flow of flows) {
    const run = h.env.client.workflow.getHandle(`flow/${flow.flow}/counted/join-1`);
    expect(await run.result()).toMatchObject({ outcome: 'exited' });
  }
});
