import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
exit_when:
  - event: purchase
goals:
  - { event: upgrade, within: 1d, exit: true }
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
// A run of this one fails at its only step (the fake refuses the call with a 400).
const FAILING = `flow: studio-fails
name: Studio fails
trigger: { event: sign_up }
steps:
  - id: tell-mparticle
    send_event: { destination: mparticle, event: welcomed }
`;
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
    const repo = scratchRepo(readFileSync('flows.config.yaml', 'utf8'), { 'studio-demo.yaml': flowText(), 'studio-fails.yaml': FAILING });
    current = compile(flowText());
    old = compile(flowText(OLD_EXTRA));
    studio = await listenStudio(
      {
        project: new StudioProject(repo),
        log,
        profiles: h.profiles,
        client: h.env.client,
        namespace: 'default',
        temporalWeb: WEB,
        liveIntervalMs: 500,
      },
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
  page.locator(`.fl-node[data-step="${step}"] [data-stat="${key}"]`).getAttribute('data-value');
const flowStat = (page: Page, key: string) => page.locator(`.fl-node[data-role="trigger"] [data-stat="${key}"]`).getAttribute('data-value');
/** A branch's arrow: the runs that took it and their share of the runs that reached its step. */
const branchCount = (page: Page, branch: string) =>
  page.locator(`.fl-edge-label[data-branch="${branch}"] [data-count]`).getAttribute('data-count');
const branchShare = (page: Page, branch: string) =>
  page.locator(`.fl-edge-label[data-branch="${branch}"] [data-count]`).getAttribute('data-share');

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
    for (const step of irSteps(current.steps)) await poll(() => page.locator(`.fl-node[data-step="${step.id}"]`).count()).toBe(1);
    await poll(() => stat(page, 'wait-open', 'now')).toBe('5');
    expect(await stat(page, 'wait-open', 'entered')).toBe('12');
    expect(await branchCount(page, 'event')).toBe('3');
    expect(await branchCount(page, 'timeout')).toBe('4');
    // Shares of the runs that reached the step: 3 of 12 took the event, 10 of 12 sends went out.
    expect(await branchShare(page, 'event')).toBe('25%');
    expect(await branchShare(page, 'timeout')).toBe('33%');
    expect(await page.locator('.fl-node[data-step="welcome"] [data-stat="sent"] em').textContent()).toBe(' 83%');
    expect(await page.locator('.fl-node[data-step="welcome"] [data-stat="failed"]').getAttribute('class')).toContain('tone-bad');
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

    const boxes = await page.locator('.fl-node').evaluateAll((nodes) => nodes.map((r) => r.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes.length).toBe([...irSteps(current.steps)].length + 4); // the trigger, "done", the exit_when and the goal's exit
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
    await page.locator('.fl-node[data-step="wait-open"]').click();
    await poll(() => page.locator('#runs-here tbody tr').count()).toBe(6);
    expect(await page.locator('#step-place').textContent()).toBe('flows/studio-demo.yaml:12');
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

    await page.locator('.fl-node[data-step="welcome"]').click();
    await poll(() => page.locator('#failures li').count()).toBe(2);
    // A send says what it sends, for a sample profile, then for a chosen user; and lists no waiting runs.
    const field = (label: string) => page.locator(`#preview [data-field="${label}"] dd`).textContent();
    expect(await field('template')).toBe('welcome-1');
    expect(await field('to')).toBe('sample@example.com');
    expect(await page.locator('#runs-here').count()).toBe(0);
    expect(await page.locator('#step-summary').textContent()).toContain('go on with the next step');
    await page.locator('#preview-user').fill('u1');
    await page.locator('#preview button').click();
    await poll(() => field('to')).toBe('u1@example.com');
    expect(await page.locator('#preview-for').textContent()).toContain('u1’s profile');
    await page.screenshot({ path: `${SHOTS}/panel-send.png` });
    expect(await page.locator('#failures').textContent()).toMatch(/400|template not found/);
    expect(errors).toEqual([]);
  });

  it('draws an old version from its own IR with the version picker', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${studio.url}/flows/studio-demo`);
    await poll(() => page.locator('#version option').count()).toBe(2);
    expect(await page.locator('.fl-node[data-step="old-only"]').count()).toBe(0);
    await page.locator('#version').selectOption(old.version);
    await page.waitForURL(/version=/);
    await poll(() => page.locator('.fl-node[data-step="old-only"]').count()).toBe(1);
    await poll(() => stat(page, 'welcome', 'entered')).toBe('1');
    expect(await page.locator('#old-version').isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });

  it("draws a run's path: the branch it took, when each step ran, where it is now", async () => {
    const { page, errors } = await watchedPage(browser);
    const run = started.get('u1')!; // took the event branch and completed
    await page.goto(`${studio.url}/runs?${new URLSearchParams(run)}`);
    await poll(() => page.locator('.fl-node[data-step="engaged"].on-path').count()).toBe(1);
    expect(await page.locator('.fl-node[data-step="nudge"].off-path').count()).toBe(1);
    expect(await page.locator('.fl-edge-label.taken[data-branch="event"]').count()).toBe(1);
    expect(await page.locator('.fl-edge-label.taken[data-branch="timeout"]').count()).toBe(0);
    expect(await page.locator('#run-path').textContent()).toContain('branch: event');
    expect(await page.locator('.fl-node[data-role="done"].on-path').count()).toBe(1);
    expect(await page.locator('#run-title [data-verdict]').textContent()).toBe('completed');
    await noJunk(page);
    await page.screenshot({ path: `${SHOTS}/run.png`, fullPage: true });

    const waiting = started.get('u8')!;
    await page.goto(`${studio.url}/runs?user=u8`);
    await page.locator('#user-runs a').first().click();
    await poll(() => page.locator('.fl-node[data-step="wait-open"].here-now').count()).toBe(1);
    expect(page.url()).toContain(encodeURIComponent(waiting.runId));
    expect(errors).toEqual([]);
  });

  it('tells an exited run, a goal exit and a failed run truly, and every way out adds up to the runs that entered', async () => {
    // x1 leaves on exit_when purchase and x2 on reaching its goal, both while waiting; x3's only step is refused (400).
    await startUsers(current, ['x1', 'x2']);
    const waitingAt = (user: string) => async () =>
      (await log.run(started.get(user)!.workflowId)).some((e) => e.step === 'wait-open' && e.outcome === 'entered');
    await until('x1 waiting', waitingAt('x1'));
    await until('x2 waiting', waitingAt('x2'));
    const tell = (user: string, name: string) =>
      h.env.client.workflow
        .getHandle(started.get(user)!.workflowId)
        .signal(eventSignal, { id: `${name}-${user}`, name, type: 'custom_event', timestamp: Date.now(), attributes: {} }, user);
    await tell('x1', 'purchase');
    await tell('x2', 'upgrade');
    h.fakes.get('mparticle')!.inject({ status: 400, body: { errors: [{ code: 'BAD_REQUEST', message: 'event refused by the test' }] } }, 1);
    await startUsers(compile(FAILING), ['x3']);
    for (const user of ['x1', 'x2', 'x3']) {
      const run = started.get(user)!;
      await until(
        `${user} closed`,
        async () => (await h.env.client.workflow.getHandle(run.workflowId).describe()).status.name !== 'RUNNING',
      );
    }

    // Temporal Web's current details say it in the same words.
    const details = async (user: string) =>
      (
        (await h.env.client.workflow.getHandle(started.get(user)!.workflowId).query('__temporal_workflow_metadata')) as {
          currentDetails?: string;
        }
      ).currentDetails;
    expect(await details('x1')).toContain('Ended: exited: exit_when purchase');
    expect(await details('x2')).toContain('Ended: exited: goal upgrade reached');

    const { page, errors } = await watchedPage(browser);
    const verdict = async (user: string) => {
      await page.goto(`${studio.url}/runs?${new URLSearchParams(started.get(user)!)}`);
      await page.locator('#run-title [data-verdict]').waitFor();
      return page.locator('#run-title [data-verdict]').innerText();
    };
    expect(await verdict('x1')).toBe('exited: exit_when purchase');
    expect(await page.locator('.fl-node[data-role="exit_when"].on-path').count()).toBe(1);
    expect(await page.locator('.fl-node[data-role="done"].off-path').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/run-exited.png` });
    expect(await verdict('x2')).toBe('exited: goal upgrade reached');
    expect(await page.locator('.fl-node[data-role="goal_exit"].on-path').count()).toBe(1);
    expect(await verdict('x3')).toMatch(/^failed: .*400|refused by the test/);
    const failed = page.locator('.fl-node[data-step="tell-mparticle"]');
    expect(await failed.getAttribute('data-state')).toBe('failed');
    expect(await failed.evaluate((el) => getComputedStyle(el).borderTopColor)).toBe('rgb(207, 34, 46)'); // red, not the path's green
    await page.screenshot({ path: `${SHOTS}/run-failed.png` });

    await page.goto(`${studio.url}/flows/studio-demo?window=24h`);
    await poll(() => page.locator('.fl-node[data-role="exit_when"] [data-stat="exited"]').getAttribute('data-value')).toBe('1');
    expect(await page.locator('.fl-node[data-role="goal_exit"] [data-stat="exited"]').getAttribute('data-value')).toBe('1');
    expect(await flowStat(page, 'exited')).toBe('2');
    expect(await flowStat(page, 'left_early')).toBe('0');
    // Completed, each exit, failed and running now add up to the runs that entered (visibility may lag a moment).
    const ways = async () => {
      const counts = await page
        .locator('#ways tbody td[data-value]')
        .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
      const entered = Number(await page.locator('#ways tfoot td[data-value]').getAttribute('data-value'));
      return { sum: counts.reduce((a, b) => a + b, 0), entered };
    };
    await poll(async () => {
      const w = await ways();
      return w.sum === w.entered && w.entered > 0;
    }).toBe(true);
    expect((await ways()).entered).toBe(Number(await flowStat(page, 'entered')));
    expect(await page.locator('#ways tr[data-way="exited: exit_when purchase"] td[data-value]').getAttribute('data-value')).toBe('1');
    expect(await page.locator('#ways tr[data-way="exited: goal upgrade reached"] td[data-value]').getAttribute('data-value')).toBe('1');
    await noJunk(page);
    expect(errors).toEqual([]);
  }, 120_000);

  it('fits every flow of flows/ into a 1280×800 window on open, zooms and pans, and has room at 390 px', async () => {
    const repoStudio = await listenStudio(
      { project: new StudioProject(process.cwd()), log, client: h.env.client, namespace: 'default', temporalWeb: WEB },
      { port: 0 },
    );
    try {
      const { page, errors } = await watchedPage(browser, { width: 1280, height: 800 });
      for (const flow of readdirSync('flows').filter((f) => f.endsWith('.yaml'))) {
        const id = flow.replace(/\.yaml$/, '');
        await page.goto(`${repoStudio.url}/flows/${id}`);
        await page.locator('.fl-node').first().waitFor();
        await page.waitForTimeout(300); // the fit runs on the next frame
        const outside = await page.locator('.fl-node').evaluateAll((nodes) =>
          nodes
            .map((n) => ({ text: n.textContent, r: n.getBoundingClientRect() }))
            .filter(({ r }) => r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight)
            .map(({ text }) => text),
        );
        expect(outside, `${id}: boxes outside the window`).toEqual([]);
        if (id === 'sailthru-welcome-series') await page.screenshot({ path: `${SHOTS}/fit-welcome-1280x800.png` });
      }
      // Zoom in makes a box bigger; dragging the canvas moves it.
      await page.goto(`${repoStudio.url}/flows/sailthru-welcome-series`);
      const box = page.locator('.fl-node[data-role="trigger"]');
      await box.waitFor();
      await page.waitForTimeout(300);
      const before = (await box.boundingBox())!;
      await page.locator('.react-flow__controls-zoomin').click();
      await poll(async () => (await box.boundingBox())!.width).toBeGreaterThan(before.width * 1.1);
      const zoomed = (await box.boundingBox())!;
      const pane = (await page.locator('.react-flow__pane').boundingBox())!;
      // From the canvas's top left corner, clear of the boxes, the controls and the minimap.
      await page.mouse.move(pane.x + 4, pane.y + 4);
      await page.mouse.down();
      await page.mouse.move(pane.x + 204, pane.y + 104, { steps: 8 });
      await page.mouse.up();
      await poll(async () => Math.round((await box.boundingBox())!.x - zoomed.x)).toBe(200);

      // A phone's width: nothing is wider than the window.
      const narrow = await watchedPage(browser, { width: 390, height: 844 });
      for (const path of ['/', '/flows/sailthru-welcome-series', '/runs']) {
        await narrow.page.goto(`${repoStudio.url}${path}`);
        await narrow.page.locator('h1').waitFor();
        await narrow.page.waitForTimeout(300);
        expect(await narrow.page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
        if (path.startsWith('/flows/')) await narrow.page.screenshot({ path: `${SHOTS}/flow-390.png` });
      }
      expect([...errors, ...narrow.errors]).toEqual([]);
    } finally {
      await repoStudio.close();
    }
  }, 120_000);

  it('has no accessibility violations axe-core can find on the flows, flow, panel and run pages', async () => {
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const { page } = await watchedPage(browser);
    const violations = async () => {
      // Evaluated through the browser's debugging protocol: the studio's CSP (rightly) refuses inline scripts.
      await page.evaluate(axe);
      const result = await page.evaluate(async () => {
        const run = (
          window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }
        ).axe;
        return (await run.run()).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      return result;
    };
    await page.goto(`${studio.url}/?window=24h`);
    await page.locator('tr[data-flow="studio-demo"]').waitFor();
    expect(await violations(), 'flows page').toEqual([]);
    await page.goto(`${studio.url}/flows/studio-demo?window=24h`);
    await poll(() => stat(page, 'welcome', 'entered')).not.toBe(null);
    await page.locator('.fl-node[data-step="wait-open"]').click();
    await page.locator('#step-place').waitFor();
    expect(await violations(), 'flow page with its panel').toEqual([]);
    await page.goto(`${studio.url}/runs?${new URLSearchParams(started.get('u1')!)}`);
    await page.locator('#run-title [data-verdict]').waitFor();
    expect(await violations(), 'run page').toEqual([]);
  }, 60_000);

  it('takes no write without its CSRF token, and wants a token when bound beyond loopback', async () => {
    const deps = { project: new StudioProject(process.cwd()), log, client: h.env.client, namespace: 'default', temporalWeb: WEB };
    expect(() => buildStudio(deps, { host: '0.0.0.0' })).toThrow(/FLOWLINE_STUDIO_TOKEN/);
    const open = await fetch(`${studio.url}/api/flows`, { method: 'POST' });
    expect(open.status).toBe(403);
    expect(((await open.json()) as { error: string }).error).toContain('CSRF');
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
