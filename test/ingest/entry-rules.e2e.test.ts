import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualEvent } from '../../dsl/language/event.ts';
import type { FlowIR } from '../../dsl/language/ir.ts';
import { ingestConnection } from '../../ingest/connection.ts';
import { startFlowRun } from '../../ingest/start-run.ts';
import { PostgresProfileStore } from '../../store/postgres-store.ts';
import type { ProfileStore } from '../../store/store.ts';
import { FLOW_ID, FLOW_STEP, FLOW_VERSION, USER_ID } from '../../workflows/search-attributes.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { waitForState } from '../helpers/wait-state.ts';

let h: Harness;
let postgres: ReturnType<typeof startPostgres>;
let pgStore: PostgresProfileStore;
beforeAll(async () => {
  postgres = startPostgres(15498);
  pgStore = await PostgresProfileStore.open(postgres.url);
  h = await harness('dev');
}, 180_000);
afterAll(async () => {
  await h?.close();
  await pgStore?.close();
  postgres?.stop();
});

const flow = (id: string, entry: string, steps = '  - send_email: { destination: sailthru, template: hello }', status = 'active'): FlowIR =>
  compile(`flow: ${id}
status: ${status}
trigger: { event: sign_up }
entry: ${entry}
steps:
${steps}
`);

const finish = (workflowId: string) => h.env.client.workflow.getHandle(workflowId).result();

describe('entry rules, enforced where a run starts, on the dev server', () => {
  it('never: one run per user, ever, even after Temporal has forgotten the first', async () => {
    const f = flow('entry-never', '{ reentry: never }');
    const first = await h.start(f, 'alice', { name: 'sign_up' });
    expect(first).toMatchObject({ started: true, workflowId: 'flow/entry-never/alice' });
    await finish(first.workflowId);
    expect(await h.start(f, 'alice', { name: 'sign_up' })).toMatchObject({ started: false, reason: 'already-entered' });
    // Past Temporal's retention the closed run is gone and only the profile store remembers the
    // entry: a user whose sole trace is that record is still refused, and no run is created.
    await h.profiles.recordEntry('entry-never', 'zoe', Date.now() - 400 * 86_400_000);
    expect(await h.start(f, 'zoe', { name: 'sign_up' })).toMatchObject({ started: false, reason: 'already-entered' });
    await expect(h.env.client.workflow.getHandle('flow/entry-never/zoe').describe()).rejects.toThrow(/not found/i);
    expect(await h.start(f, 'bob', { name: 'sign_up' })).toMatchObject({ started: true });
  });

  it('after_exit: a trigger while the user is in the flow starts nothing; after the run ends it does', async () => {
    const f = flow(
      'entry-after-exit',
      '{ reentry: after_exit }',
      '  - wait: 2s\n  - send_email: { destination: sailthru, template: hello }',
    );
    const first = await h.start(f, 'carol', { name: 'sign_up' });
    expect(first.started).toBe(true);
    expect(await h.start(f, 'carol', { name: 'sign_up' })).toMatchObject({ started: false, reason: 'already-running' });
    await finish(first.workflowId);
    expect(await h.start(f, 'carol', { name: 'sign_up' })).toMatchObject({ started: true, workflowId: 'flow/entry-after-exit/carol' });
  });

  it('always: every event starts its own run, and the same event delivered twice starts one', async () => {
    const f = flow('entry-always', '{ reentry: always }');
    const a = await h.start(f, 'dave', { name: 'sign_up', id: 'evt-a' });
    const b = await h.start(f, 'dave', { name: 'sign_up', id: 'evt-b' });
    const again = await h.start(f, 'dave', { name: 'sign_up', id: 'evt-a' });
    expect(a).toMatchObject({ started: true, workflowId: 'flow/entry-always/dave/evt-a' });
    expect(b).toMatchObject({ started: true, workflowId: 'flow/entry-always/dave/evt-b' });
    expect(again).toMatchObject({ started: false, reason: 'duplicate-event' });
  });

  it('frequency: at most max entries per user within the period', async () => {
    const f = flow('entry-frequency', '{ reentry: always, frequency: { max: 2, per: 7d } }');
    expect((await h.start(f, 'erin', { name: 'sign_up', id: 'f1' })).started).toBe(true);
    expect((await h.start(f, 'erin', { name: 'sign_up', id: 'f2' })).started).toBe(true);
    expect(await h.start(f, 'erin', { name: 'sign_up', id: 'f3' })).toMatchObject({ started: false, reason: 'frequency-cap' });
    expect((await h.start(f, 'frank', { name: 'sign_up', id: 'f4' })).started).toBe(true);
  });

  it('paused and draft flows start nothing', async () => {
    expect(await h.start(flow('entry-paused', '{ reentry: always }', undefined, 'paused'), 'gina', { name: 'sign_up' })).toMatchObject({
      started: false,
      reason: 'paused',
    });
    expect(await h.start(flow('entry-draft', '{ reentry: always }', undefined, 'draft'), 'gina', { name: 'sign_up' })).toMatchObject({
      started: false,
      reason: 'draft',
    });
    const listed = [];
    for await (const r of h.env.client.workflow.list({ query: `FlowId IN ('entry-paused', 'entry-draft')` })) listed.push(r);
    expect(listed).toEqual([]);
  });
});

describe.each<[string, () => ProfileStore]>([
  ['embedded file store', () => h.profiles],
  ['PostgreSQL store', () => pgStore],
])('entry rules under concurrency, with the %s', (name, profiles) => {
  const tag = name.startsWith('P') ? 'pg' : 'file';
  const startWith = (store: ProfileStore, f: FlowIR, user: string, id: string, client = h.env.client) =>
    startFlowRun({ client, profiles: store, config: h.config }, f, user, manualEvent({ name: 'sign_up', id }, id, Date.now()));
  const runsOf = async (flowId: string) => {
    const ids: string[] = [];
    for await (const r of h.env.client.workflow.list({ query: `FlowId = '${flowId}'` })) ids.push(r.workflowId);
    return ids;
  };

  it('10 simultaneous triggers under a cap of 1 start exactly one run; under never, one', async () => {
    const capped = flow(`entry-race-cap-${tag}`, '{ reentry: always, frequency: { max: 1, per: 1d } }');
    await Promise.all(Array.from({ length: 10 }, () => profiles().entries('warm-up', 'racer'))); // open the pool's connections first
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => startWith(profiles(), capped, 'racer', `race-${i}`)));
    expect(outcomes.filter((o) => o.started)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.started && o.reason === 'frequency-cap')).toHaveLength(9);
    await expect.poll(() => runsOf(capped.flow), { timeout: 10_000 }).toHaveLength(1);
    expect(await profiles().entries(capped.flow, 'racer')).toHaveLength(1);

    const once = flow(`entry-race-never-${tag}`, '{ reentry: never }');
    const onceOutcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => startWith(profiles(), once, 'racer', `once-${i}`)));
    expect(onceOutcomes.filter((o) => o.started)).toHaveLength(1);
    expect(await profiles().entries(once.flow, 'racer')).toHaveLength(1);
  });

  it('a start Temporal did not take gives the reservation back, so the retried trigger enters', async () => {
    const once = flow(`entry-release-${tag}`, '{ reentry: never }');
    const down = new Client({ connection: ingestConnection({ address: '127.0.0.1:1', namespace: 'default' }) });
    await expect(startWith(profiles(), once, 'retrier', 'first-try', down)).rejects.toThrow();
    await down.connection.close();
    expect(await profiles().entries(once.flow, 'retrier')).toEqual([]);
    expect(await startWith(profiles(), once, 'retrier', 'first-try')).toMatchObject({ started: true });
    expect(await startWith(profiles(), once, 'retrier', 'later')).toMatchObject({ started: false, reason: 'already-entered' });
  });
});

describe('Temporal Web as the console', () => {
  it('names flow, user, step and wait in search attributes, summary, details and the state query', async () => {
    const f = compile(`flow: console-view
name: Console view
trigger: { event: sign_up }
steps:
  - send_email: { destination: sailthru, template: hello }
  - id: long-nap
    wait: 3d
`);
    const started = await h.start(f, 'cust-1001', { name: 'sign_up' });
    const handle = h.env.client.workflow.getHandle(started.workflowId);
    const state = await waitForState(handle, (s) => s.waiting !== null);
    expect(state).toMatchObject({ flow: 'console-view', user: 'cust-1001', step: 'long-nap', waiting: { kind: 'wait' } });
    expect(Date.parse(state.waiting!.until) - Date.now()).toBeGreaterThan(3 * 86_400_000 - 60_000);

    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(FLOW_ID)).toBe('console-view');
    expect(described.typedSearchAttributes.get(FLOW_VERSION)).toBe(f.version);
    expect(described.typedSearchAttributes.get(USER_ID)).toBe('cust-1001');
    await expect.poll(async () => (await handle.describe()).typedSearchAttributes.get(FLOW_STEP)).toBe('long-nap');
    expect(await described.staticSummary()).toBe('console-view · user cust-1001');
    expect(await described.staticDetails()).toContain('**Console view**');

    const metadata = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
    expect(metadata.currentDetails).toContain('Step: long-nap — wait ');
    expect(metadata.currentDetails).toContain('(line 6)');
    expect(metadata.currentDetails).toMatch(/Waiting \(wait\) until \d{4}-\d\d-\d\dT/);

    const found = [];
    for await (const r of h.env.client.workflow.list({
      query: `FlowId = 'console-view' AND UserId = 'cust-1001' AND FlowStep = 'long-nap'`,
    }))
      found.push(r.workflowId);
    expect(found).toEqual(['flow/console-view/cust-1001']);

    const history = await handle.fetchHistory();
    const scheduled = history.events!.find((e) => e.activityTaskScheduledEventAttributes)!;
    expect(scheduled.userMetadata?.summary).toBeTruthy();
    await handle.terminate('test done');
  });
});
