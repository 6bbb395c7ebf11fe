import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irSteps, type FlowIR } from '../../dsl/language/ir.ts';
import { openStepLog } from '../../store/open.ts';
import type { StepLog } from '../../store/step-log.ts';
import { StudioProject } from '../../studio/project.ts';
import { buildStudio, listenStudio } from '../../studio/server.ts';
import { eventSignal } from '../../workflows/messages.ts';
import { temporalWebLink } from '../../studio/visibility.ts';
import { temporalCli } from '../../dev/tools.ts';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createServer } from 'node:net';
import { launchChromium, watchedPage } from '../helpers/browser.ts';
import { scratchRepo } from '../helpers/scratch-repo.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';

// Known traffic on the real stack: 12 runs of the current version; 2 of their sends fail; 3 get
// the event, 4 time out, 5 are still waiting. One run of an older version with another picture.
// Long enough that the 5 waiting runs still wait through every check below on a busy machine.
const TIMEOUT_S = 40;
const flowText = (extra = '') => `flow: studio-demo
name: Studio demo
trigger: { event: sign_up }
steps:
  - id: welcome
    send_email: { destination: sailthru, template: welcome-1 }
    on_error: continue
${extra}  - id: wait-open
    wait_for:
      event: app_open
      timeout: ${TIMEOUT_S}s
      then:
        - id: engaged
          add_to_list: { destination: sailthru, list: engaged }
      else:
        - id: nudge
          add_to_list: { destination: sailthru, list: quiet }
`;
const OLD_EXTRA = '  - id: old-only\n    wait: 1s\n';
const WEB = 'http://localhost:8233';
const SHOTS = 'test-results/studio';

let h: Harness;
let log: StepLog;
let studio: { url: string; close(): Promise<void> };
let browser: Browser;
let current: FlowIR;
let old: FlowIR;
const started = new Map<string, { workflowId: string; runId: string }>();

const until = async (what: string, check: () => Promise<boolean>, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};
const count = async (query: string) => (await h.env.client.workflow.count(query)).count;
const waitingQuery = (version: string) =>
  `FlowId = 'studio-demo' AND FlowVersion = '${version}' AND FlowStep = 'wait-open' AND ExecutionStatus = 'Running'`;

async function startUsers(flow: FlowIR, users: string[]) {
  for (const user of users) {
    await h.profiles.update(user, (p) => {
      p.identities.email = `${user}@example.com`;
    });
    const outcome = await h.start(flow, user, { name: 'sign_up' });
    if (!outcome.started) throw new Error(`${user} did not start: ${outcome.reason}`);
    started.set(user, { workflowId: outcome.workflowId, runId: outcome.runId });
  }
}

beforeAll(
  async () => {
    mkdirSync(SHOTS, { recursive: true });
    log = await openStepLog(mkdtempSync(join(tmpdir(), 'studio-log-')), {});
    h = await harness('dev', { destinations: 'fake', stepLog: log });
    const repo = scratchRepo(readFileSync('flows.config.yaml', 'utf8'), { 'studio-demo.yaml': flowText() });
    current = compile(flowText());
    old = compile(flowText(OLD_EXTRA));
    studio = await listenStudio(
      { project: new StudioProject(repo), log, client: h.env.client, namespace: 'default', temporalWeb: WEB, liveIntervalMs: 500 },
      { port: 0 },
    );
    browser = await launchChromium();

    await startUsers(old, ['old-1']);
    // The old run's send is done before the faults are armed, so both failures land on this version.
    await until('the old run waiting', async () => (await count(waitingQuery(old.version))) === 1);
    h.fakes.get('sailthru')!.inject({ status: 400, body: { error: 99, errormsg: 'template not found' } }, 2);
    const first = Array.from({ length: 7 }, (_, i) => `u${i + 1}`);
    await startUsers(current, first);
    await until('7 runs waiting', async () => (await count(waitingQuery(current.version))) === 7);
    for (const user of first.slice(0, 3)) {
      await h.env.client.workflow
        .getHandle(started.get(user)!.workflowId)
        .signal(eventSignal, { id: `open-${user}`, name: 'app_open', type: 'custom_event', timestamp: Date.now(), attributes: {} }, user);
    }
    await until(
      '4 timeouts',
      async () => ((await log.numbers('studio-demo', { version: current.version })).steps['wait-open']?.branches.timeout ?? 0) === 4,
      (TIMEOUT_S + 30) * 1000,
    );
    await startUsers(current, ['u8', 'u9', 'u10', 'u11', 'u12']);
    await until('5 runs waiting', async () => (await count(waitingQuery(current.version))) === 5);
  },
  (TIMEOUT_S + 120) * 1000,
);

afterAll(async () => {
  await browser?.close();
  await studio?.close();
  await h?.close();
});

/** The page gets a moment: the picture loads, then the live numbers arrive, and visibility lags a little. */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 200 });
/** Nothing on the page reads "null", "undefined" or "NaN": every absent value is left out or said in words. */
const noJunk = async (page: Page) => expect(await page.locator('main').innerText()).not.toMatch(/\bnull\b|\bundefined\b|\bNaN\b/);
const stat = (page: Page, step: string, key: string) =>
  page.locator(`g.node[data-step="${step}"] tspan[data-stat="${key}"]`).getAttribute('data-value');
const flowStat = (page: Page, key: string) =>
  page.locator(`g.node[data-role="trigger"] tspan[data-stat="${key}"]`).getAttribute('data-value');

describe('Flow Studio in a real browser, on a real Temporal server with real runs', () => {
  it('shows every flow with its numbers on the flows page', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${studio.url}/?window=24h`);
    const row = page.locator('tr[data-flow="studio-demo"]');
    // All versions: the 12 runs and the old version's one, which timed out with the first ones.
    await poll(() => row.locator('td[data-stat="entered"]').textContent()).toBe('13');
    expect(await row.locator('td[data-stat="now"]').textContent()).toBe('5');
    expect(await row.locator('td[data-stat="completed"]').textContent()).toBe('8');
    expect(await row.locator('td[data-stat="failed"]').textContent()).toBe('0');
    expect(await row.locator('td').nth(3).textContent()).toBe(current.version);
    await noJunk(page);
    await page.screenshot({ path: `${SHOTS}/flows.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('draws every step with the exact numbers of the traffic, live, with no two boxes overlapping', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${studio.url}/flows/studio-demo?window=24h`);
    for (const step of irSteps(current.steps)) await poll(() => page.locator(`g.node[data-step="${step.id}"]`).count()).toBe(1);
    await poll(() => stat(page, 'wait-open', 'now')).toBe('5');
    expect(await stat(page, 'wait-open', 'entered')).toBe('12');
    expect(await stat(page, 'wait-open', 'branch:event')).toBe('3');
    expect(await stat(page, 'wait-open', 'branch:timeout')).toBe('4');
    expect(await stat(page, 'welcome', 'entered')).toBe('12');
    expect(await stat(page, 'welcome', 'sent')).toBe('10');
    expect(await stat(page, 'welcome', 'failed')).toBe('2');
    expect(await stat(page, 'engaged', 'entered')).toBe('3');
    expect(await stat(page, 'engaged', 'sent')).toBe('3');
    expect(await stat(page, 'nudge', 'entered')).toBe('4');
    expect(await flowStat(page, 'entered')).toBe('12');
    expect(await flowStat(page, 'completed')).toBe('7');
    expect(await flowStat(page, 'now')).toBe('5');
    expect(await flowStat(page, 'exited')).toBe('0');

    const boxes = await page
      .locator('g.node > rect')
      .evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes.length).toBe([...irSteps(current.steps)].length + 2); // the trigger and "done"
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
        expect(apart, `boxes overlap: ${JSON.stringify(a)} ${JSON.stringify(b)}`).toBe(true);
      }
    }

    // Live: a new run shows without a reload (the page is the same document throughout).
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    await startUsers(current, ['u13']);
    await poll(() => stat(page, 'welcome', 'entered')).toBe('13');
    await poll(() => stat(page, 'wait-open', 'now')).toBe('6');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await noJunk(page);
    await page.screenshot({ path: `${SHOTS}/flow.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('lists the runs waiting at a step in its panel, each linking to its run in Temporal Web, with the YAML and file:line', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${studio.url}/flows/studio-demo?window=24h`);
    await page.locator('g.node[data-step="wait-open"]').click();
    await poll(() => page.locator('#runs-here tbody tr').count()).toBe(6);
    expect(await page.locator('#step-place').textContent()).toBe('flows/studio-demo.yaml:8');
    expect(await page.locator('#step-yaml').textContent()).toContain('wait_for:\n      event: app_open');
    const rows = await page.locator('#runs-here tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        user: tr.querySelector('td')!.textContent,
        link: tr.querySelector('a.temporal-link')!.getAttribute('href'),
        until: tr.children[2]!.textContent,
      })),
    );
    expect(rows.map((r) => r.user).sort()).toEqual(['u10', 'u11', 'u12', 'u13', 'u8', 'u9']);
    for (const row of rows) {
      const run = started.get(row.user!)!;
      expect(row.link).toBe(`${WEB}/namespaces/default/workflows/${encodeURIComponent(run.workflowId)}/${run.runId}/history`);
      // The link names a run that exists and is waiting.
      expect((await h.env.client.workflow.getHandle(run.workflowId, run.runId).describe()).status.name).toBe('RUNNING');
      expect(row.until).not.toBe('—');
    }
    await noJunk(page);
    await page.screenshot({ path: `${SHOTS}/panel.png`, fullPage: true });

    await page.locator('g.node[data-step="welcome"]').click();
    await poll(() => page.locator('#failures li').count()).toBe(2);
    expect(await page.locator('#failures').textContent()).toMatch(/400|template not found/);
    expect(errors).toEqual([]);
  });

  it('draws an old version from its own IR with the version picker', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${studio.url}/flows/studio-demo`);
    await poll(() => page.locator('#version option').count()).toBe(2);
    expect(await page.locator('g.node[data-step="old-only"]').count()).toBe(0);
    await page.locator('#version').selectOption(old.version);
    await page.waitForURL(/version=/);
    await poll(() => page.locator('g.node[data-step="old-only"]').count()).toBe(1);
    await poll(() => stat(page, 'welcome', 'entered')).toBe('1');
    expect(await page.locator('#old-version').isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });

  it("draws a run's path: the branch it took, when each step ran, where it is now", async () => {
    const { page, errors } = await watchedPage(browser);
    const run = started.get('u1')!; // took the event branch and completed
    await page.goto(`${studio.url}/runs?${new URLSearchParams(run)}`);
    await poll(() => page.locator('g.node[data-step="engaged"].on-path').count()).toBe(1);
    expect(await page.locator('g.node[data-step="nudge"].off-path').count()).toBe(1);
    expect(await page.locator('g.edge-g.taken[data-branch="event"]').count()).toBe(1);
    expect(await page.locator('g.edge-g.taken[data-branch="timeout"]').count()).toBe(0);
    expect(await page.locator('#run-path').textContent()).toContain('branch: event');
    expect(await page.locator('g.node[data-role="done"].on-path').count()).toBe(1);
    await noJunk(page);
    await page.screenshot({ path: `${SHOTS}/run.png`, fullPage: true });

    const waiting = started.get('u8')!;
    await page.goto(`${studio.url}/runs?user=u8`);
    await page.locator('#user-runs a').first().click();
    await poll(() => page.locator('g.node[data-step="wait-open"].here-now').count()).toBe(1);
    expect(page.url()).toContain(encodeURIComponent(waiting.runId));
    expect(errors).toEqual([]);
  });

  it('is read-only, and wants a token when bound beyond loopback', async () => {
    const deps = { project: new StudioProject(process.cwd()), log, client: h.env.client, namespace: 'default', temporalWeb: WEB };
    expect(() => buildStudio(deps, { host: '0.0.0.0' })).toThrow(/FLOWLINE_STUDIO_TOKEN/);
    const open = await fetch(`${studio.url}/api/flows`, { method: 'POST' });
    expect(open.status).toBe(404);
    const guarded = buildStudio(deps, { host: '0.0.0.0', token: 's3cret-token' });
    expect((await guarded.inject({ url: '/' })).statusCode).toBe(401);
    const withToken = await guarded.inject({ url: '/?token=s3cret-token' });
    expect(withToken.statusCode).toBe(303); // to `/`, the token out of the address bar
    expect(withToken.headers.location).toBe('/');
    const cookie = String(withToken.headers['set-cookie']).split(';')[0]!;
    expect((await guarded.inject({ url: '/api/flows', headers: { cookie } })).statusCode).toBe(200);
    expect((await guarded.inject({ url: '/', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
    await guarded.close();
  });

  it('links runs the way Temporal Web routes them: the link opens the run in a real Temporal Web', async () => {
    // The harness's server has no Web UI: a dev server with one, and a run with a Flowline-shaped id (slashes).
    const uiPort = await new Promise<number>((done) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => done(port));
      });
    });
    const web = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: temporalCli() }, ui: true, uiPort },
    });
    try {
      const run = await web.client.workflow.start('flowRun', { taskQueue: 'nobody-listens', workflowId: 'flow/studio-demo/u8', args: [] });
      const { page, errors } = await watchedPage(browser);
      await page.goto(temporalWebLink(`http://localhost:${uiPort}`, 'default', run.workflowId, run.firstExecutionRunId));
      await poll(() => page.locator('body').innerText()).toContain(run.firstExecutionRunId);
      expect(await page.locator('body').innerText()).toContain('flow/studio-demo/u8');
      expect(errors.filter((e) => !/favicon|Failed to load resource/.test(e))).toEqual([]);
    } finally {
      await web.teardown();
    }
  }, 60_000);
});
