import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubClient } from '../../review/github.ts';
import { openStepLog } from '../../store/open.ts';
import type { StepLog } from '../../store/step-log.ts';
import { StudioProject } from '../../studio/project.ts';
import { listenStudio } from '../../studio/server.ts';
import { launchChromium, watchedPage } from '../helpers/browser.ts';
import { fakeGitHub, type FakeGitHub } from '../helpers/fake-github.ts';
import { compile, harness, type Harness } from '../helpers/temporal.ts';

// The editor on the real stack: a scratch repository with a bare remote and one commented flow,
// the fake GitHub, Debian's chromium; the proposed flow then runs on Temporal (time-skipping).
const SHOTS = 'test-results/studio';
const DOCS = 'docs/studio';
const DEMO = `# The editor's demo: comments stay where they are.
flow: editor-demo
name: Editor demo
trigger: { event: sign_up }

steps:
  # first, a pause
  - id: pause
    wait: 1h
  - id: hello
    send_email: { destination: sailthru, template: welcome-1 } # the welcome
  - id: bye
    add_to_list: { destination: sailthru, list: welcomed }
`;

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

let repo: string;
let remote: string;
let github: FakeGitHub;
let h: Harness;
let log: StepLog;
let studio: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const root = mkdtempSync(join(tmpdir(), 'editor-'));
  remote = join(root, 'remote.git');
  repo = join(root, 'work');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote]);
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  mkdirSync(join(repo, 'flows'));
  writeFileSync(join(repo, 'flows.config.yaml'), readFileSync('flows.config.yaml'));
  writeFileSync(join(repo, 'flows/editor-demo.yaml'), DEMO);
  git(repo, 'add', '.');
  git(repo, '-c', 'user.name=M', '-c', 'user.email=m@example.com', 'commit', '-qm', 'demo');
  git(repo, 'remote', 'add', 'origin', remote);
  git(repo, 'push', '-q', 'origin', 'main');
  github = await fakeGitHub({ repos: { 'acme/flows': {} } });
  log = await openStepLog(mkdtempSync(join(tmpdir(), 'editor-log-')), {});
  h = await harness('time-skipping', { stepLog: log });
  studio = await listenStudio(
    {
      project: new StudioProject(repo),
      log,
      client: h.env.client,
      namespace: 'default',
      temporalWeb: 'http://localhost:8233',
      editing: {
        repoRoot: repo,
        github: { client: githubClient({ token: github.token, baseUrl: github.url }), repo: { owner: 'acme', repo: 'flows' } },
      },
    },
    { port: 0 },
  );
  browser = await launchChromium();
  // One run of the demo as it is in the repository: its steps have numbers the editor keeps on them.
  const demo = await h.start(compile(DEMO), 'grace', { name: 'sign_up' });
  if (!demo.started) throw new Error(`the demo did not start: ${demo.reason}`);
  await h.env.client.workflow.getHandle(demo.workflowId).result();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await studio?.close();
  await github?.close();
  await h?.close();
});

/** The editor's text, as CodeMirror holds it (its lines joined). */
const yamlText = (page: Page) =>
  page.locator('.cm-content').evaluate((el) => Array.from(el.querySelectorAll('.cm-line'), (l) => l.textContent ?? '').join('\n'));
const checked = async (page: Page) => {
  await page.waitForFunction(() => document.querySelector('#check-state')?.getAttribute('data-checked') === 'yes');
  await page.waitForTimeout(300);
};
const select = (page: Page, step: string) => page.locator(`.fl-node[data-step="${step}"]`).click();

describe('the editor', () => {
  it('edits a wait, moves a step, deletes one with the mouse; each shows in the YAML with comments kept; undoing all gives back the bytes', async () => {
    const { page, errors } = await watchedPage(browser, { width: 1600, height: 1000 });
    await page.goto(`${studio.url}/flows/editor-demo`);
    await page.locator('#edit').click();
    await page.waitForURL(/\/flows\/editor-demo\/edit$/);
    await checked(page);
    expect(await yamlText(page)).toBe(DEMO);
    const entered = (step: string) => page.locator(`.fl-node[data-step="${step}"] [data-stat="entered"]`).getAttribute('data-value');
    await expect.poll(() => entered('pause'), { timeout: 20_000 }).toBe('1');

    await select(page, 'pause');
    const wait = page.locator('.step-form [data-field="wait"] input');
    await wait.fill('2 hours');
    await expect.poll(() => page.locator('[data-field="wait"] .field-error').textContent()).toContain('whole number and one unit');
    await wait.fill('2h');
    await wait.press('Enter');
    await expect.poll(() => yamlText(page)).toContain('    wait: 2h');
    const afterWait = await yamlText(page);
    expect(afterWait.split('\n').filter((l, i) => l !== DEMO.split('\n')[i])).toEqual(['    wait: 2h']);

    await select(page, 'bye');
    await page.locator('#move-up').click();
    await expect.poll(async () => (await yamlText(page)).indexOf('id: bye') < (await yamlText(page)).indexOf('id: hello')).toBe(true);
    await select(page, 'hello');
    await page.locator('#delete').click();
    await expect.poll(() => yamlText(page)).not.toContain('id: hello');
    // Drag a box onto another: it goes after that one.
    const from = (await page.locator('.fl-node[data-step="pause"]').boundingBox())!;
    const to = (await page.locator('.fl-node[data-step="bye"]').boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
    await page.mouse.up();
    await expect.poll(async () => (await yamlText(page)).indexOf('id: pause') > (await yamlText(page)).indexOf('id: bye')).toBe(true);
    // Renaming an id warns that its history starts afresh.
    await select(page, 'bye');
    const id = page.locator('.step-form [data-field="id"] input');
    await id.fill('farewell');
    await id.press('Enter');
    await expect.poll(() => page.locator('#rename-warning').textContent()).toContain('start afresh');
    // The numbers stay on the steps they belong to, wherever the steps went; a renamed step has none.
    await expect.poll(() => entered('pause')).toBe('1');
    expect(await page.locator('.fl-node[data-step="farewell"] [data-stat]').count()).toBe(0);
    const edited = await yamlText(page);
    expect(edited).toContain('# first, a pause');
    expect(edited).toContain("# The editor's demo");
    await checked(page);
    expect(await page.locator('#check-state').getAttribute('data-errors')).toBe('0');
    await page.screenshot({ path: `${SHOTS}/editor-edited.png` });

    while (await page.locator('#undo').isEnabled()) await page.locator('#undo').click();
    expect(await yamlText(page)).toBe(DEMO);
    expect(await page.locator('#propose').isDisabled()).toBe(true);
    await page.locator('#redo').click();
    expect(await yamlText(page)).toBe(afterWait);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('shows flows validate’s findings on the step, the field and the YAML line within half a second of typing', async () => {
    const { page } = await watchedPage(browser, { width: 1600, height: 1000 });
    await page.goto(`${studio.url}/flows/editor-demo/edit`);
    await checked(page);
    await select(page, 'hello');
    const destination = page.locator('.step-form [data-field="destination"] select');
    expect(await destination.locator('option').allTextContents()).toContain('sailthru');
    // Type in the YAML pane: a destination that does not exist, on the hello step's line.
    const text = '    send_email: { destination: sailthru, template: welcome-1 } # the welcome';
    await page.locator('.cm-line', { hasText: 'template: welcome-1' }).click();
    await page.keyboard.press('End');
    for (let i = 0; i < text.length - text.indexOf('sailthru'); i++) await page.keyboard.press('ArrowLeft');
    const started = Date.now();
    await page.keyboard.type('x');
    await page.locator('.fl-node[data-step="hello"].has-problems').waitFor({ timeout: 5000 });
    const took = Date.now() - started;
    expect(await page.locator('#findings li.error').first().textContent()).toContain('xsailthru');
    expect(await page.locator('.step-form [data-field="destination"] [data-finding]').first().textContent()).toContain('xsailthru');
    expect(await page.locator('.cm-lint-marker-error').count()).toBeGreaterThan(0);
    expect(await page.locator('#check-state').getAttribute('data-errors')).not.toBe('0');
    console.log(`findings shown ${took} ms after typing began (the draft check waits 120 ms after the last key)`);
    await page.screenshot({ path: `${SHOTS}/editor-findings.png` });
    await page.close();
  }, 60_000);

  it('builds a flow from scratch with the mouse (trigger, check, split, wait_for), proposes it as a branch and a pull request, and a run goes through its new steps', async () => {
    const { page, errors } = await watchedPage(browser, { width: 1600, height: 1000 });
    await page.goto(`${studio.url}/`);
    await page.locator('#new-flow').click();
    await page.locator('#new-id').fill('spring-sale');
    await page.locator('#new-name').fill('Spring sale');
    await page.locator('#new-from').selectOption('event');
    await page.locator('#new-start').click();
    await checked(page);

    // The flow's own form: a new flow is a draft; this one is to run.
    await page.locator('[data-field="status"] select').selectOption('active');
    await expect.poll(() => yamlText(page)).toContain('status: active');
    await select(page, '#1');
    await page.locator('[data-field="wait"] input').fill('1h');
    await page.locator('[data-field="wait"] input').press('Enter');
    await page.locator('.palette [data-kind="check"]').click();
    await expect.poll(() => yamlText(page)).toContain('check:');
    await checked(page);
    await select(page, '#2');
    await page.locator('#placement').selectOption('then');
    await page.locator('.palette [data-kind="split"]').click();
    await expect.poll(() => yamlText(page)).toContain('split:');
    await checked(page);
    await select(page, '#2.then.1');
    await page.locator('#placement').selectOption('branch1');
    await page.locator('.palette [data-kind="wait_for"]').click();
    await expect.poll(() => yamlText(page)).toContain('wait_for:');
    await checked(page);
    await select(page, '#2.then.1');
    await page.locator('#placement').selectOption('branch2');
    await page.locator('.palette [data-kind="send_email"]').click();
    await checked(page);
    expect(await page.locator('#check-state').getAttribute('data-errors')).toBe('0');
    await page.screenshot({ path: `${SHOTS}/editor-built.png` });
    await page.screenshot({ path: `${DOCS}/editor.png` });

    await page.locator('#propose').click();
    await page.locator('#propose-send').click();
    await page.locator('#proposed').waitFor();
    const branch = (await page.locator('#proposed').getAttribute('data-branch'))!;
    expect(await page.locator('#pull-request').textContent()).toMatch(/^#\d+$/);
    await page.screenshot({ path: `${SHOTS}/editor-proposed.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();

    expect(git(repo, 'diff-tree', '--no-commit-id', '--name-only', '-r', branch)).toBe('flows/spring-sale.yaml');
    expect(git(remote, 'rev-parse', `refs/heads/${branch}`)).toBe(git(repo, 'rev-parse', branch));
    expect(git(repo, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    const pull = github.repo('acme/flows').pulls.find((p) => p.head === branch)!;
    expect(pull.body).toContain('### Flow `flows/spring-sale.yaml`');

    // The proposed file validates and runs: a user with an email goes through the check and the split.
    const text = git(repo, 'show', `${branch}:flows/spring-sale.yaml`);
    const flow = compile(text);
    await h.profiles.update('ada', (p) => {
      p.attributes.email = 'ada@example.com';
    });
    const outcome = await h.start(flow, 'ada', { name: 'signed_up' });
    expect(outcome.started).toBe(true);
    if (!outcome.started) return;
    await h.env.client.workflow.getHandle(outcome.workflowId).result();
    const steps = (await log.numbers('spring-sale')).steps;
    expect(steps['#2']?.entered).toBe(1);
    expect(steps['#2.then.1']?.entered).toBe(1);
    expect((steps['#2.then.1.branch1.1']?.entered ?? 0) + (steps['#2.then.1.branch2.1']?.entered ?? 0)).toBe(1);
  }, 120_000);

  it('builds with the keyboard alone: steps chosen from the list, added, cut and pasted, moved, undone', async () => {
    const { page, errors } = await watchedPage(browser, { width: 1600, height: 1000 });
    await page.goto(`${studio.url}/new`);
    await page.locator('#new-id').focus();
    await page.keyboard.type('keyboard-flow');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Keyboard flow');
    await page.keyboard.press('Enter');
    await checked(page);
    const outline = page.locator('#step-outline');
    const choose = async (position: string) => {
      await outline.focus();
      const values = await outline.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      const current = await outline.inputValue();
      const from = values.indexOf(current);
      const to = values.indexOf(position);
      for (let i = 0; i < Math.abs(to - from); i++) await page.keyboard.press(to > from ? 'ArrowDown' : 'ArrowUp');
      expect(await outline.inputValue()).toBe(position);
    };
    const press = async (selector: string) => {
      await page.locator(selector).focus();
      await page.keyboard.press('Enter');
    };
    await choose('#1');
    await press('.palette [data-kind="check"]');
    await expect.poll(() => yamlText(page)).toContain('check:');
    await choose('#2');
    await page.locator('#placement').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#placement').inputValue()).toBe('then');
    await press('.palette [data-kind="split"]');
    await expect.poll(() => yamlText(page)).toContain('split:');
    await choose('#2.then.1');
    await page.locator('#placement').focus();
    for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowDown');
    await press('.palette [data-kind="wait_for"]');
    await expect.poll(() => yamlText(page)).toContain('wait_for:');
    // Move the first wait after the check, by cut and paste from the keyboard.
    await choose('#1');
    await page.keyboard.press('Control+x');
    await choose('#2');
    await page.keyboard.press('Control+v');
    await expect.poll(async () => (await yamlText(page)).trimEnd().endsWith('- wait: 1d')).toBe(true);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await yamlText(page)).indexOf('wait: 1d') < (await yamlText(page)).indexOf('check:')).toBe(true);
    await checked(page);
    expect(await page.locator('#check-state').getAttribute('data-errors')).toBe('0');
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('copies a flow as a new one, duplicates a step, and adds, sets and removes a split branch', async () => {
    const { page, errors } = await watchedPage(browser, { width: 1600, height: 1000 });
    await page.goto(`${studio.url}/new`);
    await page.locator('#new-id').fill('demo-copy');
    await page.locator('#new-name').fill('Demo copy');
    await page.locator('#new-from').selectOption('copy:editor-demo');
    await page.locator('#new-start').click();
    await checked(page);
    const copied = await yamlText(page);
    expect(copied).toContain('flow: demo-copy');
    expect(copied).toContain('name: Demo copy');
    expect(copied).toContain('# first, a pause');
    expect(copied.split('\n').length).toBe(DEMO.split('\n').length);

    await select(page, 'pause');
    await page.locator('#duplicate').click();
    await expect.poll(() => yamlText(page)).toContain('id: pause-copy');
    await checked(page);
    await page.locator('.fl-node[data-step="pause-copy"]').waitFor();

    await page.locator('#placement').selectOption('after');
    await page.locator('.palette [data-kind="split"]').click();
    await expect.poll(() => yamlText(page)).toContain('split:');
    await checked(page);
    const split = (await page.locator('#step-outline option', { hasText: 'split' }).getAttribute('value'))!;
    await page.locator('#step-outline').selectOption(split);
    await page.locator('.branches button', { hasText: 'add a branch' }).click();
    await expect.poll(() => yamlText(page)).toContain('label: branch 3');
    const percents = page.locator('.branch-row [data-field="percent"] input');
    await percents.nth(0).fill('40');
    await percents.nth(0).press('Enter');
    await percents.nth(2).fill('10');
    await percents.nth(2).press('Enter');
    await expect.poll(() => yamlText(page)).toContain('percent: 40');
    await checked(page);
    expect(await page.locator('#check-state').getAttribute('data-errors')).toBe('0');
    await page.locator('.branch-row button[aria-label="remove branch 3"]').click();
    await expect.poll(() => yamlText(page)).not.toContain('label: branch 3');
    await checked(page);
    // 40 + 50 no longer adds up to 100: the validator says so, on the split.
    expect(Number(await page.locator('#check-state').getAttribute('data-errors'))).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('has no accessibility violations axe-core can find on the editor and the new-flow page', async () => {
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const { page } = await watchedPage(browser, { width: 1600, height: 1000 });
    const violations = async () => {
      await page.evaluate(axe);
      return page.evaluate(async () => {
        const run = (
          window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }
        ).axe;
        return (await run.run()).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
    };
    await page.goto(`${studio.url}/flows/editor-demo/edit`);
    await checked(page);
    expect(await violations(), 'editor').toEqual([]);
    await select(page, 'hello');
    expect(await violations(), 'editor with a step form').toEqual([]);
    await page.goto(`${studio.url}/new`);
    await page.locator('#new-id').waitFor();
    expect(await violations(), 'new flow').toEqual([]);
    await page.close();
  }, 60_000);
});
