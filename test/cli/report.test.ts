import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { checkProject } from '../../dsl/load/project.ts';
import type { FlowReport } from '../../goals/report.ts';
import { FileStepLog } from '../../store/file-step-log.ts';
import { FLOW_STEP, type StepEvent } from '../../store/step-log.ts';
import { stepEventId } from '../../store/step-rollup.ts';

/**
 * `flows report` on a project of its own and a file step log filled with known runs: what it prints
 * in each format carries the log's numbers exactly. (The same command on the real stack, runs
 * made by ingest and workers: test/goals/experiment.e2e.test.ts.)
 */
const FLOW = `flow: shop-test
name: Shop test
trigger: { event: signup }
goals:
  - event: purchase
    within: 7d
    value: event.attributes.revenue
  - { event: app_open, name: came-back, within: 3d }
steps:
  - id: ab
    split:
      branches:
        - { label: A, percent: 40, steps: [ { id: mail-a, send_event: { destination: moengage, event: mail-a } } ] }
        - { label: B, percent: 40, steps: [ { id: mail-b, send_event: { destination: moengage, event: mail-b } } ] }
        - { label: hold, percent: 20, control: true, steps: [] }
      pick_winner: { after: 1d, min_runs: 50, confidence: 0.95 }
`;
const CONFIG = `destinations:
  moengage:
    type: moengage
    data_center: DC-01
    app_id: \${MOENGAGE_APP_ID}
    api_key: \${MOENGAGE_API_KEY}
`;

const DAY = 86_400_000;
const now = Date.now();
const project = mkdtempSync(join(tmpdir(), 'report-project-'));
const data = join(project, '.data');

/** Runs `flows report …` in the project folder on the file step log this test fills, even where FLOWLINE_DATABASE_URL is set. */
async function report(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const url = process.env.FLOWLINE_DATABASE_URL;
  let out = '';
  let err = '';
  try {
    const code = await main(['report', ...args, '--data', data], { cwd: project, out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  } finally {
    if (url !== undefined) process.env.FLOWLINE_DATABASE_URL = url;
  }
}

type Run = { branch: 'A' | 'B' | 'hold'; entered: number; purchase?: { at: number; revenue: number }; cameBack?: number };

/** One run's events as the workers and ingest record them: entered, its branch, its send, its conversions (last touch). */
function runEvents(version: string, i: number, run: Run): StepEvent[] {
  const base = { flowId: 'shop-test', version, workflowId: `shop-test/u${i}`, runId: `r${i}`, userId: `u${i}` };
  const event = (step: string, outcome: StepEvent['outcome'], at: number, more: Partial<StepEvent> = {}): StepEvent => {
    const e = { ...base, step, outcome, at, ...more };
    return { id: stepEventId(e), ...e };
  };
  const send = run.branch === 'hold' ? undefined : `mail-${run.branch.toLowerCase()}`;
  const converted = (goal: string, at: number, value: number) => [
    event(FLOW_STEP, 'converted', at, { goal, value }),
    event('ab', 'converted', at, { goal, value, branch: run.branch }),
    ...(send ? [event(send, 'converted', at, { goal, value })] : []),
  ];
  return [
    event(FLOW_STEP, 'entered', run.entered),
    event('ab', 'entered', run.entered),
    event('ab', 'branch', run.entered, { branch: run.branch }),
    ...(send ? [event(send, 'entered', run.entered), event(send, 'sent', run.entered)] : []),
    ...(run.purchase ? converted('purchase', run.purchase.at, run.purchase.revenue) : []),
    ...(run.cameBack ? converted('came-back', run.cameBack, 0) : []),
  ];
}

// Two days ago: A 40 runs (12 bought, 5 came back), B 40 (6 bought), hold 20 (2 bought), each purchase worth 25.
// Ten days ago, outside a 7-day window: one more A run that bought for 100 a day later.
const recent = now - 2 * DAY;
const runs: Run[] = [
  ...Array.from({ length: 40 }, (_, i): Run => ({
    branch: 'A',
    entered: recent,
    ...(i < 12 ? { purchase: { at: recent + DAY, revenue: 25 } } : {}),
    ...(i >= 30 && i < 35 ? { cameBack: recent + 3_600_000 } : {}),
  })),
  ...Array.from({ length: 40 }, (_, i): Run => ({
    branch: 'B',
    entered: recent,
    ...(i < 6 ? { purchase: { at: recent + DAY, revenue: 25 } } : {}),
  })),
  ...Array.from({ length: 20 }, (_, i): Run => ({
    branch: 'hold',
    entered: recent,
    ...(i < 2 ? { purchase: { at: recent + DAY, revenue: 25 } } : {}),
  })),
  { branch: 'A', entered: now - 10 * DAY, purchase: { at: now - 9 * DAY, revenue: 100 } },
];

let log: FileStepLog;
let version = '';
beforeAll(async () => {
  mkdirSync(join(project, 'flows'));
  writeFileSync(join(project, 'flows.config.yaml'), CONFIG);
  writeFileSync(join(project, 'flows', 'shop-test.yaml'), FLOW);
  const checked = checkProject({ cwd: project });
  expect(checked.diagnostics).toEqual([]);
  const ir = checked.flows[0]!;
  version = ir.version;
  log = new FileStepLog(join(data, 'step-log'));
  await log.recordVersion(ir, now - 10 * DAY);
  await log.record(runs.flatMap((run, i) => runEvents(ir.version, i, run)));
});

it('json: every goal, branch and credit of the log, with lift intervals by the Katz method', async () => {
  const r = await report('shop-test', '--format', 'json');
  expect([r.code, r.err]).toEqual([0, '']);
  const json = JSON.parse(r.out) as FlowReport;
  expect(json.goals).toEqual([
    { goal: 'purchase', primary: true, entered: 101, converted: 21, rate: 21 / 101, value: 600 },
    { goal: 'came-back', primary: false, entered: 101, converted: 5, rate: 5 / 101, value: 0 },
  ]);
  const [split] = json.experiments;
  expect(split).toMatchObject({
    step: 'ab',
    goal: 'purchase',
    confidence: 0.95,
    pending: 'A has 41 of 50 runs needed; B has 40 of 50 runs needed',
  });
  expect(split!.branches.map((b) => [b.label, b.control, b.runs, b.converted, b.rate, b.value, b.winner])).toEqual([
    ['A', false, 41, 13, 13 / 41, 400, false],
    ['B', false, 40, 6, 6 / 40, 150, false],
    ['hold', true, 20, 2, 2 / 20, 50, false],
  ]);
  // Worked by hand: A over hold, RR = (13/41)/(2/20) = 3.1707, se(ln RR) = √(28/41/13 + 0.9/2) = 0.70890, so
  // exp(ln RR ± 1.95996·se) − 1 = (−0.2098, 11.7221); B over hold, RR = 1.5, se = √(0.85/6 + 0.45) = 0.76920, (−0.6678, 5.7738).
  const [a, b, hold] = split!.branches;
  expect(a!.lift!.lift).toBeCloseTo(2.1707, 4);
  expect(a!.lift!.low).toBeCloseTo(-0.2098, 4);
  expect(a!.lift!.high).toBeCloseTo(11.7221, 3);
  expect(b!.lift!.lift).toBeCloseTo(0.5, 10);
  expect(b!.lift!.low).toBeCloseTo(-0.6678, 4);
  expect(b!.lift!.high).toBeCloseTo(5.7738, 3);
  expect(hold!.lift).toBeUndefined();
  expect(json.credits.map((c) => [c.step, c.goal, c.converted, c.value])).toEqual([
    ['mail-a', 'purchase', 13, 400],
    ['mail-a', 'came-back', 5, 0],
    ['mail-b', 'purchase', 6, 150],
  ]);
});

it('--version counts that version only: here the one version has every run', async () => {
  const json = JSON.parse((await report('shop-test', '--version', version, '--format', 'json')).out) as FlowReport;
  expect([json.version, json.goals[0]!.entered, json.goals[0]!.converted]).toEqual([version, 101, 21]);
});

it('--since 7d leaves out the run and the purchase of ten days ago', async () => {
  const json = JSON.parse((await report('shop-test', '--since', '7d', '--format', 'json')).out) as FlowReport;
  expect(json.since).toBeGreaterThan(now - 7 * DAY - 60_000);
  expect(json.goals[0]).toMatchObject({ entered: 100, converted: 20, value: 500, rate: 0.2 });
  expect(json.experiments[0]!.branches.map((b) => [b.label, b.runs, b.converted, b.value])).toEqual([
    ['A', 40, 12, 300],
    ['B', 40, 6, 150],
    ['hold', 20, 2, 50],
  ]);
  expect(json.experiments[0]!.branches[0]!.lift!.lift).toBeCloseTo(2, 10);
});

it('text: aligned tables a person reads, and the winner once it is recorded', async () => {
  const before = await report('shop-test');
  expect(before.code).toBe(0);
  expect(before.out).toBe(
    [
      'Shop test (shop-test) · all versions, all time',
      '',
      'Goals',
      'goal                entered  converted   rate  value',
      'purchase (primary)      101         21  20.8%    600',
      'came-back               101          5   5.0%      0',
      '',
      'Split ab · goal purchase · lift over control, 95% interval',
      'branch          runs  converted   rate  value     lift           interval',
      'A                 41         13  31.7%    400  +217.1%  -21.0% … +1172.2%',
      'B                 40          6  15.0%    150   +50.0%   -66.8% … +577.4%',
      'hold (control)    20          2  10.0%     50        —',
      'no winner yet: A has 41 of 50 runs needed; B has 40 of 50 runs needed',
      '',
      'Conversions credited to the last send before them',
      'step    goal       converted  value',
      'mail-a  purchase          13    400',
      'mail-a  came-back          5      0',
      'mail-b  purchase           6    150',
      '',
    ].join('\n'),
  );
  await log.recordDecision({
    flowId: 'shop-test',
    step: 'ab',
    branch: 'A',
    at: Date.UTC(2026, 0, 2),
    version: 'v',
    goal: 'purchase',
    reason: 'decided by hand',
  });
  const after = (await report('shop-test')).out;
  expect(after).toContain('A                 41         13  31.7%    400  +217.1%  -21.0% … +1172.2%  winner\n');
  expect(after).toContain('winner: A — decided by hand (decided 2026-01-02T00:00:00.000Z)\n');
  expect(after).not.toContain('no winner yet');
});

// After the decision recorded above: A is the winner.
it('csv: one header row, then a row per goal, branch and credit, told apart by the section column', async () => {
  const rows = (await report('shop-test', '--since', '7d', '--format', 'csv')).out.split('\r\n').map((line) => line.split(','));
  const lifts = rows.map((r) => r.slice(9, 12).map((v) => (v === '' ? undefined : Number(v))));
  const rest = rows.map((r) => [...r.slice(0, 9), ...r.slice(12)].join(','));
  expect(rest).toEqual([
    'section,goal,step,branch,control,runs,converted,rate,value,winner',
    'goal,purchase,,,,100,20,0.2,500,',
    'goal,came-back,,,,100,5,0.05,0,',
    'experiment,purchase,ab,A,false,40,12,0.3,300,true',
    'experiment,purchase,ab,B,false,40,6,0.15,150,false',
    'experiment,purchase,ab,hold,true,20,2,0.1,50,false',
    'credit,purchase,mail-a,,,,12,,300,',
    'credit,came-back,mail-a,,,,5,,0,',
    'credit,purchase,mail-b,,,,6,,150,',
    '',
  ]);
  // Lift, low and high as fractions: A 12/40 over hold 2/20 is +200% (−25.83%, +1113.41%).
  const expected = [
    [2, -0.2583, 11.1341],
    [0.5, -0.6678, 5.7738],
  ];
  expected.forEach((want, i) => want.forEach((v, j) => expect(lifts[3 + i]![j]).toBeCloseTo(v, 4)));
  expect(lifts[5]).toEqual([undefined, undefined, undefined]);
});

it('names the known flows for an unknown flow, the versions for an unknown version, the format for a bad --since', async () => {
  expect(await report('shop')).toEqual({
    code: 1,
    out: '',
    err: "flows report: no flow 'shop' in the repository or the step-event log; flows here: shop-test\n",
  });
  const since = await report('shop-test', '--since', '7');
  expect(since.code).toBe(2);
  expect(since.err).toContain("--since takes a duration such as 7d, 24h or 2w (a whole number and one unit); got '7'");
  expect(await report('shop-test', '--version', 'v0')).toMatchObject({
    code: 1,
    err: `flows report: shop-test has no version 'v0' (--version); versions: ${version}\n`,
  });
  expect((await report('shop-test', '--format', 'xml')).err).toContain("--format takes text, json, csv; got 'xml'");
});
