import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowIR } from '../../dsl/language/ir.ts';
import { buildIngest } from '../../ingest/server.ts';
import { FileStepLog } from '../../store/file-step-log.ts';
import { FLOW_STEP } from '../../store/step-log.ts';
import type { FlowRunResult } from '../../workflows/input.ts';
import { liftInterval } from '../../goals/statistics.ts';
import type { FlowReport } from '../../goals/report.ts';
import { flows } from '../helpers/cli.ts';
import { postTo, KEY, SECRET } from '../helpers/ingest.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';

/**
 * Goals and experiments on the real stack: the ingest API, a dev server, workers calling the
 * fake destinations, and the file step log. Known traffic, every number asserted exactly.
 */
const EXPERIMENT = `flow: goal-experiment
trigger: { event: signup }
entry: { reentry: never }
goals:
  - event: purchase
    within: 1d
    value: event.attributes.revenue
steps:
  - id: ab
    split:
      branches:
        - label: A
          percent: 40
          steps: [ { id: mail-a, send_event: { destination: moengage, event: mail-a } } ]
        - label: B
          percent: 40
          steps: [ { id: mail-b, send_event: { destination: moengage, event: mail-b } } ]
        - label: control
          percent: 20
          control: true
          steps: [ { id: hold, wait: 1s } ]
      pick_winner: { after: 1s, min_runs: 1000, confidence: 0.95 }
`;

const RUNS = 200;
const DAY = 86_400_000;

let h: Harness;
let log: FileStepLog;
const data = mkdtempSync(join(tmpdir(), 'goals-data-'));
let app: ReturnType<typeof buildIngest>['app'];
let loaded: FlowIR[] = [];
let batch = 0;

const send = async (user: string, name: string, options: { attributes?: Record<string, unknown>; at?: number; id?: string } = {}) => {
  const id = options.id ?? `b-${++batch}`;
  const answer = await postTo(
    app,
    '/v2/events',
    {
      source_request_id: id,
      environment: 'production',
      user_identities: { customerid: user },
      events: [
        {
          event_type: 'custom_event',
          data: {
            event_name: name,
            source_message_id: `${id}-e`,
            custom_attributes: options.attributes ?? {},
            ...(options.at === undefined ? {} : { timestamp_unixtime_ms: options.at }),
          },
        },
      ],
    },
    { report: true },
  );
  expect(answer.statusCode, answer.body).toBe(202);
  return answer.json().batches[0] as { started: number; converted: number; duplicate: boolean };
};

beforeAll(async () => {
  log = new FileStepLog(join(data, 'step-log'));
  h = await harness('dev', { destinations: 'fake', stepLog: log });
  ({ app } = buildIngest({
    client: h.env.client,
    profiles: h.profiles,
    config: h.config,
    flows: () => loaded,
    key: KEY,
    secret: SECRET,
    stepLog: log,
  }));
}, 180_000);
afterAll(async () => h?.close());

describe('conversions of an A/B/control split', () => {
  it(`${RUNS} runs, known purchases: every count, value, lift input and last-touch credit is exact`, async () => {
    loaded = [compile(EXPERIMENT, h.config)];
    const users = Array.from({ length: RUNS }, (_, i) => `exp-${i}`);
    const entered = new Map<string, number>();
    for (let i = 0; i < RUNS; i += 20) {
      await Promise.all(
        users.slice(i, i + 20).map(async (u) => {
          entered.set(u, Date.now());
          expect((await send(u, 'signup')).started).toBe(1);
        }),
      );
    }
    // Every run ends (a send, or the control's short wait) before anyone buys: conversions after the run.
    const branchOf = new Map<string, string>();
    await Promise.all(
      users.map(async (u) => {
        const result: FlowRunResult = await h.env.client.workflow.getHandle(`flow/goal-experiment/${u}`).result();
        branchOf.set(u, result.path.includes('mail-a') ? 'A' : result.path.includes('mail-b') ? 'B' : 'control');
      }),
    );
    const runsOf = (b: string) => users.filter((u) => branchOf.get(u) === b).length;
    expect(runsOf('A') + runsOf('B') + runsOf('control')).toBe(RUNS);

    // Every third user buys for 10 (a string revenue, as SDKs send it); user 0 buys twice and
    // its batch is delivered twice; user 1 buys after the 1-day window, user 2 before entering.
    const buyers = users.filter((_, i) => i % 3 === 0);
    for (const u of buyers) expect((await send(u, 'purchase', { attributes: { revenue: '10' } })).converted).toBe(1);
    expect((await send('exp-0', 'purchase', { attributes: { revenue: '99' } })).converted).toBe(1); // credited again, not counted
    const again = await send('exp-0', 'purchase', { attributes: { revenue: '10' }, id: `b-${batch}` });
    expect(again).toMatchObject({ duplicate: true });
    expect((await send('exp-1', 'purchase', { attributes: { revenue: 10 }, at: entered.get('exp-1')! + DAY + 60_000 })).converted).toBe(0);
    expect((await send('exp-2', 'purchase', { attributes: { revenue: 10 }, at: entered.get('exp-2')! - 60_000 })).converted).toBe(0);
    // A purchase by someone who never entered counts nowhere.
    expect((await send('stranger', 'purchase', { attributes: { revenue: 10 } })).converted).toBe(0);

    const numbers = await log.numbers('goal-experiment');
    const bought = (b: string) => buyers.filter((u) => branchOf.get(u) === b).length;
    expect(numbers.entered).toBe(RUNS);
    expect(numbers.goals).toEqual({ purchase: { converted: buyers.length, value: 10 * buyers.length } });
    const split = numbers.steps.ab!;
    for (const b of ['A', 'B', 'control']) {
      expect(split.branches[b] ?? 0, `runs of ${b}`).toBe(runsOf(b));
      expect(split.branchConversions[b]?.purchase ?? { converted: 0, value: 0 }, `conversions of ${b}`).toEqual({
        converted: bought(b),
        value: 10 * bought(b),
      });
    }
    // Last touch: the branch's send; the control sent nothing, so its conversions credit no step.
    expect(numbers.steps['mail-a']!.conversions).toEqual(
      bought('A') ? { purchase: { converted: bought('A'), value: 10 * bought('A') } } : {},
    );
    expect(numbers.steps['mail-b']!.conversions).toEqual(
      bought('B') ? { purchase: { converted: bought('B'), value: 10 * bought('B') } } : {},
    );
    expect(numbers.steps.hold?.conversions ?? {}).toEqual({});

    // A second ingest process (a restart) reading the same log agrees, and a redelivered purchase
    // through it changes nothing.
    const reopened = new FileStepLog(join(data, 'step-log'));
    expect((await reopened.numbers('goal-experiment')).goals).toEqual(numbers.goals);

    // `flows report` prints the same numbers: json for scripts, csv for spreadsheets, text for people.
    const json = await flows({}, 'report', 'goal-experiment', '--data', data, '--format', 'json');
    expect(json.err).toBe('');
    const report = JSON.parse(json.out) as FlowReport;
    expect(report.goals).toEqual([
      { goal: 'purchase', primary: true, entered: RUNS, converted: buyers.length, value: 10 * buyers.length, rate: buyers.length / RUNS },
    ]);
    const [experiment] = report.experiments;
    expect(experiment!.branches.map((b) => [b.label, b.runs, b.converted, b.value, b.winner])).toEqual(
      ['A', 'B', 'control'].map((b) => [b, runsOf(b), bought(b), 10 * bought(b), false]),
    );
    const lift = liftInterval({ x: bought('A'), n: runsOf('A') }, { x: bought('control'), n: runsOf('control') }, 0.95);
    if (lift.ok) expect(experiment!.branches[0]!.lift).toEqual({ lift: lift.lift, low: lift.low, high: lift.high });
    // The draw is random: when the control converted best, the reason says that too.
    const rateOf = (b: string) => bought(b) / runsOf(b);
    const controlAhead = rateOf('control') > Math.max(rateOf('A'), rateOf('B'));
    expect(experiment!.pending).toBe(
      `A has ${runsOf('A')} of 1000 runs needed; B has ${runsOf('B')} of 1000 runs needed` +
        (controlAhead ? `; the control (${(100 * rateOf('control')).toFixed(1)}%) is ahead of every branch` : ''),
    );
    expect(report.credits.map((c) => [c.step, c.converted])).toEqual(
      [
        ['mail-a', bought('A')],
        ['mail-b', bought('B')],
      ].filter(([, n]) => n),
    );
    const csv = (await flows({}, 'report', 'goal-experiment', '--data', data, '--format', 'csv')).out.split('\r\n');
    expect(csv[0]).toBe('section,goal,step,branch,control,runs,converted,rate,value,lift,lift_low,lift_high,winner');
    expect(csv[1]).toBe(`goal,purchase,,,,${RUNS},${buyers.length},${buyers.length / RUNS},${10 * buyers.length},,,,`);
    const text = (await flows({}, 'report', 'goal-experiment', '--data', data)).out;
    expect(text).toMatch(
      new RegExp(`purchase \\(primary\\)\\s+${RUNS}\\s+${buyers.length}\\s+${((100 * buyers.length) / RUNS).toFixed(1)}%`),
    );
    expect(text).toContain('no winner yet: A has');

    // 200 runs are far from min_runs 1000: the next start decides nothing.
    expect((await send('exp-late', 'signup')).started).toBe(1);
    expect(await log.decisions('goal-experiment')).toEqual([]);
  }, 300_000);
});

describe('goals that end a run, and a winner that takes new entries', () => {
  it('a purchase within the window ends a waiting run at once, with the goal as its reason', async () => {
    loaded = [
      compile(
        `flow: goal-exit
trigger: { event: browse }
entry: { reentry: after_exit }
goals:
  - { event: purchase, within: 1h, exit: true }
steps:
  - wait: 1d
  - id: nudge
    send_event: { destination: moengage, event: nudge }
`,
        h.config,
      ),
    ];
    expect((await send('shopper', 'browse')).started).toBe(1);
    expect((await send('shopper', 'purchase')).converted).toBe(1);
    const result: FlowRunResult = await h.env.client.workflow.getHandle('flow/goal-exit/shopper').result();
    expect(result).toMatchObject({ outcome: 'exited', exitReason: 'goal reached: purchase' });
    expect(result.path).not.toContain('nudge');
    const run = await log.run('flow/goal-exit/shopper');
    expect(run.filter((e) => e.step === FLOW_STEP).map((e) => e.outcome)).toEqual(['entered', 'converted', 'exited']);
  }, 120_000);

  it('once A beats B at 95% with enough runs, the decision is recorded once and new runs go to A or the control', async () => {
    loaded = [compile(EXPERIMENT.replace('goal-experiment', 'goal-winner').replace('min_runs: 1000', 'min_runs: 15'), h.config)];
    const enter = async (prefix: string, n: number) => {
      const users = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
      for (let i = 0; i < n; i += 20) await Promise.all(users.slice(i, i + 20).map((u) => send(u, 'signup')));
      const taken = new Map<string, string>();
      await Promise.all(
        users.map(async (u) => {
          const result: FlowRunResult = await h.env.client.workflow.getHandle(`flow/goal-winner/${u}`).result();
          taken.set(u, result.path.includes('mail-a') ? 'A' : result.path.includes('mail-b') ? 'B' : 'control');
        }),
      );
      return taken;
    };
    // Too few runs yet: everyone in A buys, nobody in B; no decision.
    const first = await enter('w1', 20);
    for (const [u, b] of first) if (b === 'A') await send(u, 'purchase', { attributes: { revenue: 5 } });
    expect(await log.decisions('goal-winner')).toEqual([]);
    // Enough runs in both branches: the next start decides, and every later run avoids B.
    const second = await enter('w2', 80);
    for (const [u, b] of second) if (b === 'A') await send(u, 'purchase', { attributes: { revenue: 5 } });
    await new Promise((r) => setTimeout(r, 11_000)); // the ingest re-reads decisions every 10 s
    const third = await enter('w3', 60);
    const decisions = await log.decisions('goal-winner');
    expect(decisions).toMatchObject([{ flowId: 'goal-winner', step: 'ab', branch: 'A', goal: 'purchase' }]);
    const late = [...third.values()];
    expect(late.filter((b) => b === 'B')).toEqual([]);
    expect(late.filter((b) => b === 'control').length).toBeGreaterThan(0);
    // Temporal Web shows it on every later run.
    const details = await (await h.env.client.workflow.getHandle('flow/goal-winner/w3-0').describe()).staticDetails();
    expect(details).toContain('Split `ab`: experiment decided, new runs go to `A`');
  }, 300_000);
});
