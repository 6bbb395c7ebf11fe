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
const SHOTS = 'test-results/studio';
const T0 = Date.now() - 3_600_000;

let browser: Browser;
let studio: { url: string; close(): Promise<void> };

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const ir = compile(FLOW);
  const log = new FileStepLog(mkdtempSync(join(tmpdir(), 'studio-goals-')));
  await log.recordVersion(ir, T0 - 2 * 86_400_000);
  let i = 0;
  for (const [branch, [runs, converted]] of Object.entries(TRAFFIC)) {
    for (let r = 0; r < runs; r++, i++) {
      const base = { flowId: ir.flow, version: ir.version, workflowId: `flow/studio-goals/u${i}`, runId: `r${i}`, userId: `u${i}` };
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
  await log.recordDecision({
    flowId: ir.flow,
    step: 'ab',
    branch: 'A',
    at: T0,
    version: ir.version,
    goal: 'purchase',
    reason: 'decided in the test',
  });
  const repo = scratchRepo(readFileSync('flows.config.yaml', 'utf8'), { 'studio-goals.yaml': FLOW });
  // Temporal is down: the studio says so and still shows the log's numbers.
  const client = new Client({ connection: ingestConnection({ address: '127.0.0.1:1', namespace: 'default' }) });
  studio = await listenStudio(
    { project: new StudioProject(repo), log, client, namespace: 'default', temporalWeb: 'http://localhost:8233', liveIntervalMs: 500 },
    { port: 0 },
  );
  browser = await launchChromium();
}, 60_000);

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
    .poll(() => page.locator('g.node[data-step="mail-a"] tspan[data-stat="converted"]').getAttribute('data-value'), { timeout: 15_000 })
    .toBe('6');
  expect(await page.locator('g.node[data-role="trigger"] tspan[data-stat="converted"]').getAttribute('data-value')).toBe('10');
  await page.screenshot({ path: `${SHOTS}/goals.png`, fullPage: true });
  expect(errors.filter((e) => !e.includes('EventSource'))).toEqual([]);
}, 60_000);
