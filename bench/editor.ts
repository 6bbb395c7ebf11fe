/**
 * The studio's editor on a large flow, in Debian's chromium: how long a 200-step flow takes to
 * open in the editor (the canvas drawn, the findings shown), and how long a canvas edit takes to
 * reach the YAML pane and the validation marks (the findings of the edited text, checked by the
 * studio as `flows validate` checks it). Each edit is a step moved down or up (Alt+↓/↑), timed in
 * the page from the key to the YAML changing and to the marks of that text being shown.
 * Usage: npm run bench:editor [-- --steps 200 --edits 40 --opens 10 --first 10] (BENCH_ALL=1 prints every sample too)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { ingestConnection } from '../ingest/connection.ts';
import { openStepLog } from '../store/open.ts';
import { StudioProject } from '../studio/project.ts';
import { listenStudio } from '../studio/server.ts';
import { launchChromium } from '../test/helpers/browser.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '200' },
    edits: { type: 'string', default: '40' },
    opens: { type: 'string', default: '10' },
    first: { type: 'string', default: '10' },
  },
});
const n = Number(values.steps);

/** A flow of n steps: sends and waits, a check with a step inside every fifth, each with a comment above. */
function flowText(): string {
  const steps: string[] = [];
  for (let i = 0; i < n; i++) {
    steps.push(`  # step ${i}`);
    if (i % 5 === 4)
      steps.push(
        `  - id: check-${i}\n    check:\n      if: { event.attributes.points: { gte: ${i} } }\n      then:\n        - add_to_list: { destination: sailthru, list: l-${i} }`,
      );
    else if (i % 5 === 2) steps.push(`  - id: wait-${i}\n    wait: ${1 + (i % 9)}d`);
    else steps.push(`  - id: mail-${i}\n    send_email: { destination: sailthru, template: t-${i} }`);
  }
  return `flow: big\nname: Big\ntrigger: { event: sign_up }\nsteps:\n${steps.join('\n')}\n`;
}

/**
 * Timed in the page, from the key to the YAML pane changing and to the check of that text being
 * shown. A string, not a function: the bundler tsx runs with would name functions with a helper the
 * page does not have.
 */
const TIME_EDIT = `(async () => {
  const editor = document.querySelector('.editor');
  const before = Number(editor.getAttribute('data-at'));
  const yaml = () => document.querySelector('.cm-content').textContent;
  const was = yaml();
  const t0 = performance.now();
  document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'KEY', altKey: true, bubbles: true }));
  const until = (ok) => new Promise((resolve) => {
    const poll = () => (ok() ? resolve(performance.now() - t0) : setTimeout(poll, 1));
    poll();
  });
  const yamlAt = await until(() => yaml() !== was);
  const at = String(before + 1);
  const marksAt = await until(() => document.querySelector('#check-state').getAttribute('data-checked-at') === at);
  const drawnAt = await until(() => document.querySelector('#picture').getAttribute('data-drawn-at') === at);
  return { yamlAt, marksAt, drawnAt };
})()`;

/** The page at rest: two frames drawn, then the browser idle (React Flow's measuring after a redraw done). */
const SETTLE = `new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => requestIdleCallback(resolve, { timeout: 2000 }))))`;

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const fmt = (xs: number[]) =>
  (process.env.BENCH_ALL ? `[${xs.map((x) => x.toFixed(0)).join(' ')}] ` : '') +
  `median ${percentile(xs, 0.5).toFixed(0)} ms, p95 ${percentile(xs, 0.95).toFixed(0)} ms (n=${xs.length})`;

const repo = mkdtempSync(join(tmpdir(), 'bench-editor-'));
mkdirSync(join(repo, 'flows'));
writeFileSync(join(repo, 'flows.config.yaml'), readFileSync('flows.config.yaml'));
writeFileSync(join(repo, 'flows/big.yaml'), flowText());
for (const args of [
  ['init', '-q', '-b', 'main'],
  ['add', '.'],
  ['-c', 'user.name=b', '-c', 'user.email=b@example.com', 'commit', '-qm', 'big'],
])
  execFileSync('git', args, { cwd: repo });

const client = new Client({ connection: ingestConnection({ address: '127.0.0.1:1', namespace: 'default' }) });
const log = await openStepLog(mkdtempSync(join(tmpdir(), 'bench-editor-log-')), {});
const studio = await listenStudio(
  {
    project: new StudioProject(repo),
    log,
    client,
    namespace: 'default',
    temporalWeb: 'http://localhost:8233',
    editing: { repoRoot: repo },
  },
  { port: 0 },
);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  // One unmeasured open first: run from the sources, the studio bundles its client on the first page
  // (the build ships it bundled), and the browser compiles the script once.
  await page.goto(`${studio.url}/flows/big/edit`);
  await page.waitForFunction(() => document.querySelector('#check-state')?.getAttribute('data-checked') === 'yes');
  const opens: number[] = [];
  let boxes = 0;
  for (let i = 0; i < Number(values.opens); i++) {
    const start = Date.now();
    await page.goto(`${studio.url}/flows/big/edit`);
    await page.waitForFunction(
      () =>
        document.querySelector('#check-state')?.getAttribute('data-checked') === 'yes' && document.querySelectorAll('.fl-node').length > 0,
    );
    opens.push(Date.now() - start);
    boxes = await page.locator('.fl-node').count();
  }
  console.log(`open the ${n}-step flow in the editor (page, canvas of ${boxes} boxes drawn, findings shown): ${fmt(opens)}`);

  // Select a step in the middle, then move it down and up again and again.
  await page.locator('.fl-node[data-step="mail-100"]').click();
  /**
   * Edits one after another: `settled`, each from a page at rest (the last edit's picture drawn, then
   * an idle moment: a person's pace, and the latency the goal is about); otherwise back to back, the
   * next key as soon as the last marks show (what a burst of edits costs while the page still draws).
   */
  const edits = async (settled: boolean, count: number) => {
    const toYaml: number[] = [];
    const toMarks: number[] = [];
    const toPicture: number[] = [];
    for (let i = 0; i < count; i++) {
      const key = i % 2 === 0 ? 'ArrowDown' : 'ArrowUp';
      await page.locator('#check-state[data-checked-at]').waitFor();
      if (settled) await page.evaluate(SETTLE);
      const times = (await page.evaluate(TIME_EDIT.replace('KEY', key))) as { yamlAt: number; marksAt: number; drawnAt: number };
      toYaml.push(times.yamlAt);
      toMarks.push(times.marksAt);
      toPicture.push(times.drawnAt);
    }
    return { toYaml, toMarks, toPicture };
  };
  // The first edits after opening run code the browser has not compiled yet (the writer's, the form's):
  // shown apart, then the measured rounds.
  const first = await edits(true, Number(values.first));
  console.log(
    `the first ${values.first} canvas edits after opening, to the YAML pane: ${fmt(first.toYaml)}; to the marks: ${fmt(first.toMarks)}`,
  );
  for (const settled of [true, false]) {
    const { toYaml, toMarks, toPicture } = await edits(settled, Number(values.edits));
    const how = settled ? 'from a page at rest' : 'back to back';
    console.log(`a canvas edit (a step moved), ${how}, to the YAML pane: ${fmt(toYaml)}`);
    console.log(`a canvas edit, ${how}, to the validation marks of its text: ${fmt(toMarks)}`);
    console.log(`a canvas edit, ${how}, to its picture redrawn (laid out by the studio after the check): ${fmt(toPicture)}`);
  }
} finally {
  await browser.close();
  await studio.close();
}
