import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { manualEvent } from '../../dsl/language/event.ts';
import { conversionEvents } from '../../goals/attribution.ts';
import { liftInterval } from '../../goals/statistics.ts';
import { ingestConnection } from '../../ingest/connection.ts';
import { FileStepLog } from '../../store/file-step-log.ts';
import { FLOW_STEP, type StepEvent } from '../../store/step-log.ts';
import { stepEventId } from '../../store/step-rollup.ts';
import { StudioProject } from '../../studio/project.ts';
import { listenStudio } from '../../studio/server.ts';
import { launchChromium, watchedPage } from '../helpers/browser.ts';
import { scratchRepo } from '../helpers/scratch-repo.ts';
import { compile } from '../helpers/temporal.ts';

// A flow with a goal and an A/B/control split, and its step log filled with known runs: the
// studio must show exactly these numbers, the lift and the winner, as `flows report` computes them.
const FLOW = `flow: studio-goals
name: Studio goals
trigger: { event: sign_up }
goals:
  - { event: purchase, within: 7d, value: event.revenue }
steps:
  - id: ab
    split:
      branches:
        - { label: A, percent: 40, steps: [ { id: mail-a, send_email: { destination: sailthru, template: a } } ] }
        - { label: B, percent: 40, steps: [ { id: mail-b, send_email: { destination: sailthru, template: b } } ] }
        - { label: hold, percent: 20, control: true, steps: [ { id: rest, wait: 1h } ] }
      pick_winner: { after: 1d, min_runs: 10, confidence: 0.95 }
`;
// branch → [runs, conversions]
const TRAFFIC = { A: [12, 6], B: [12, 3], hold: [6, 1] } as const;
// The same experiment with no winner yet: too few runs for min_runs, the wait not over, the control ahead.
const PENDING = FLOW.replace('flow: studio-goals', 'flow: studio-pending')
  .replace('name: Studio goals', 'name: Studio pending')
  .replace('{ after: 1d, min_runs: 10, confidence: 0.95 }', '{ after: 30d, min_runs: 500, confidence: 0.95 }');
const PENDING_TRAFFIC = { A: [16, 1], B: [14, 1], hold: [8, 3] } as const;
const SHOTS = 'test-results/studio';
const T0 = Date.now() - 3_600_000;

let browser: Browser;
let studio: { url: string; close(): Promise<void> };

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const ir = compile(FLOW);
  const log = new FileStepLog(mkdtempSync(join(tmpdir(), 'studio-goals-')));
  await fill(log, ir, TRAFFIC);
  await fill(log, compile(PENDING), PENDING_TRAFFIC);
  await log.recordDecision({
    flowId: ir.flow,
    step: 'ab',
    branch: 'A',
    at: T0,
    version: ir.version,
    goal: 'purchase',
    reason: 'decided in the test',
  });
  const repo = scratchRepo(readFileSync('flows.config.yaml', 'utf8'), { 'studio-goals.yaml': FLOW, 'studio-pending.yaml': PENDING });
  // Temporal is down: the studio says so and still shows the log's numbers.
  const client = new Client({ connection: ingestConnection({ address: '127.0.0.1:1', namespace: 'default' }) });
  studio = await listenStudio(
    { project: new StudioProject(repo), log, client, namespace: 'default', temporalWeb: 'http://localhost:8233', liveIntervalMs: 500 },
    { port: 0 },
  );
  browser = await launchChromium();
}, 60_000);

/** Writes runs of `ir` into the log: per branch, so many runs and so many of them converting. */
async function fill(log: FileStepLog, ir: ReturnType<typeof compile>, traffic: Record<string, readonly [number, number]>) {
  await log.recordVersion(ir, T0 - 2 * 86_400_000);
  let i = 0;
  for (const [branch, [runs, converted]] of Object.entries(traffic)) {
    for (let r = 0; r < runs; r++, i++) {
      const base = { flowId: ir.flow, version: ir.version, workflowId: `flow/${ir.flow}/u${i}`, runId: `r${i}`, userId: `u${i}` };
      const event = (step: string, outcome: StepEvent['outcome'], at: number, extra: { branch?: string } = {}): StepEvent => {
        const e = { ...base, step, outcome, at, ...extra };
        return { id: stepEventId(e), ...e };
      };
      const send = branch === 'A' ? 'mail-a' : branch === 'B' ? 'mail-b' : undefined;
      const run = [
        event(FLOW_STEP, 'entered', T0 + i),
        event('ab', 'branch', T0 + i, { branch }),
        ...(send ? [event(send, 'sent', T0 + i + 1)] : []),
        event(FLOW_STEP, 'completed', T0 + i + 2),
      ];
      const purchase = manualEvent({ name: 'purchase', revenue: 20 }, `p${i}`, T0 + i + 1000);
      await log.record([...run, ...(r < converted ? conversionEvents(ir.goals![0]!, purchase, run) : [])]);
    }
  }
}

afterAll(async () => {
  await browser?.close();
  await studio?.close();
});

it('the flow page shows goals, each branch with lift over the control, the winner, and last-touch credits', async () => {
  const { page, errors } = await watchedPage(browser);
  await page.goto(`${studio.url}/flows/studio-goals?window=all`);
  const goals = page.locator('#goals');
  await goals.locator('#goals-table tr[data-goal="purchase"]').waitFor({ timeout: 20_000 });
  const cells = async (selector: string) => (await page.locator(`${selector} td`).allInnerTexts()).map((t) => t.trim());
  expect(await cells('#goals-table tr[data-goal="purchase"]')).toEqual(['purchase primary', '30', '10', '33.3%', '200']);
  const lift = liftInterval({ x: 6, n: 12 }, { x: 1, n: 6 }, 0.95);
  if (!lift.ok) throw new Error(lift.why);
  const signed = (r: number) => `${r >= 0 ? '+' : ''}${(100 * r).toFixed(1)}%`;
  expect(await cells('#experiment-ab tr[data-branch="A"]')).toEqual([
    'A',
    '12',
    '6',
    '50.0%',
    '120',
    '+200.0%',
    `${signed(lift.low)} … ${signed(lift.high)}`,
    'winner',
  ]);
  expect(await cells('#experiment-ab tr[data-branch="hold"]')).toEqual(['hold control', '6', '1', '16.7%', '20', '—', '', '']);
  expect(await page.locator('.experiment p.decided').innerText()).toContain('Winner A: decided in the test');
  expect(await cells('#credits tr[data-step="mail-b"]')).toEqual(['mail-b', 'purchase', '3', '60']);
  // The boxes carry the same numbers: conversions on the trigger, last-touch credits on each send.
  await expect
    .poll(() => page.locator('.fl-node[data-step="mail-a"] [data-stat="converted"]').getAttribute('data-value'), { timeout: 15_000 })
    .toBe('6');
  expect(await page.locator('.fl-node[data-role="trigger"] [data-stat="converted"]').getAttribute('data-value')).toBe('10');
  // On the canvas: the branches left to right as the YAML lists them, each arrow with its conversions and rate, the control's too.
  const arrows = await page
    .locator('.fl-edge-label[data-branch]')
    .evaluateAll((labels) =>
      labels
        .map((l) => ({ branch: l.getAttribute('data-branch'), x: l.getBoundingClientRect().x, text: l.textContent }))
        .sort((a, b) => a.x - b.x),
    );
  expect(arrows.map((a) => a.branch)).toEqual(['A', 'B', 'hold']);
  expect(arrows[0]!.text).toContain('6/12 converted (50.0%) winner');
  expect(arrows[1]!.text).toContain('3/12 converted (25.0%)');
  expect(arrows[2]!.text).toContain('1/6 converted (16.7%)');
  expect(await page.locator('.fl-node[data-step="ab"] [data-note]').textContent()).toBe('winner: A');
  await page.screenshot({ path: `${SHOTS}/goals.png`, fullPage: true });
  expect(errors.filter((e) => !e.includes('EventSource'))).toEqual([]);
}, 60_000);

it('says on the canvas why an experiment has no winner yet: time left, runs against min_runs, the control ahead', async () => {
  const { page, errors } = await watchedPage(browser);
  await page.goto(`${studio.url}/flows/studio-pending?window=all`);
  const note = page.locator('.fl-node[data-step="ab"] [data-note]');
  await note.waitFor({ timeout: 20_000 });
  const why = await note.getAttribute('title');
  expect(why).toMatch(/^30d have not passed since the first run \(\d+d( \d+h)?( \d+m)?( \d+s)? left\)/);
  expect(why).toContain('A has 16 of 500 runs needed; B has 14 of 500 runs needed');
  expect(why).toContain('the control hold (37.5%) is ahead of every branch');
  expect(await note.textContent()).toBe(`no winner yet: ${why}`);
  expect(await page.locator('.experiment p.pending').innerText()).toBe(`No winner yet: ${why}`);
  // The control leads: its arrow says so.
  expect(await page.locator('.fl-edge-label[data-branch="hold"]').getAttribute('class')).toContain('control');
  expect(await page.locator('#experiment-ab tr[data-branch="hold"] td').last().innerText()).toBe('leading');
  await page.screenshot({ path: `${SHOTS}/experiment-pending.png`, fullPage: true });
  expect(errors.filter((e) => !e.includes('EventSource'))).toEqual([]);
}, 60_000);
