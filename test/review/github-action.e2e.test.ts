import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fakeGitHub, githubFaults, type FakeGitHub } from '../helpers/fake-github.ts';
import { scratchRepo } from '../helpers/scratch-repo.ts';

/**
 * The Action's last step (action.yml's `run:` with its `env:`, as bash runs it, so the entry is
 * `flows github-action`) as a child process, with the environment GitHub gives a step, in a
 * scratch git repository, against the fake GitHub API.
 */

const ROOT = resolve(import.meta.dirname, '../..');
interface ActionYml {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: { id?: string; run?: string; shell?: string; env?: Record<string, string> }[] };
}
const ACTION = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml;
const STEP = ACTION.runs.steps.find((s) => s.id === 'flows')!;
const CONFIG = 'destinations:\n  sailthru: { type: sailthru, api_key: "${K}", api_secret: "${S}" }\n';
const V1 = 'flow: welcome\ntrigger: { event: sign_up }\nsteps:\n  - send_email: { destination: sailthru, template: welcome-1 }\n';
const BROKEN = `${V1}  - send_email: { destination: sailthur, template: welcome-2 }\n`;
const V2 = `${V1}  - wait: 3d\n  - send_email: { destination: sailthru, template: welcome-2 }\n`;
const OTHER = 'flow: other\ntrigger: { event: purchase }\nsteps:\n  - send_email: { destination: sailthru, template: thanks }\n';

let gh: FakeGitHub;
let repo: string;
let base: string;
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: repo, encoding: 'utf8' }).trim();

beforeAll(async () => {
  gh = await fakeGitHub({ repos: { 'acme/flows': { branches: ['main', 'feature'] } } });
  repo = scratchRepo(CONFIG, { 'welcome.yaml': V1, 'other.yaml': OTHER });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'base');
  base = git('rev-parse', 'HEAD');
  git('checkout', '-qb', 'feature');
});
afterAll(() => gh.close());

interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: string;
  summary: string;
}

/** One run of the action's step for pull request `number`, as the runner starts it. */
function runAction(
  number: number,
  {
    baseSha = base,
    inputs = {},
    eventName = 'pull_request',
  }: { baseSha?: string; inputs?: Record<string, string>; eventName?: string } = {},
): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'flowline-runner-'));
  const files = { event: join(dir, 'event.json'), output: join(dir, 'output'), summary: join(dir, 'summary') };
  writeFileSync(
    files.event,
    JSON.stringify({
      action: 'synchronize',
      number,
      pull_request: { number, base: { ref: 'main', sha: baseSha }, head: { ref: 'feature', sha: git('rev-parse', 'HEAD') } },
      repository: { full_name: 'acme/flows' },
    }),
  );
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const env = {
    PATH: process.env.PATH!,
    HOME: dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_REPOSITORY: 'acme/flows',
    GITHUB_API_URL: gh.url,
    GITHUB_WORKSPACE: repo,
    GITHUB_ACTION_PATH: ROOT,
    // The step's env: its `${{ inputs.x }}` from the inputs given, else action.yml's defaults.
    ...Object.fromEntries(
      Object.entries(STEP.env ?? {}).map(([name, value]) => [
        name,
        value.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, input: string) =>
          input === 'github-token' ? (inputs[input] ?? gh.token) : (inputs[input] ?? ACTION.inputs[input]?.default ?? ''),
        ),
      ]),
    ),
  };
  return new Promise((done) => {
    execFile('bash', ['-e', '-c', STEP.run!], { cwd: repo, env }, (error, stdout, stderr) => {
      done({
        code: error ? Number(error.code ?? 1) : 0,
        stdout,
        stderr,
        outputs: readFileSync(files.output, 'utf8'),
        summary: readFileSync(files.summary, 'utf8'),
      });
    });
  });
}

const ourComments = () => gh.repo('acme/flows').comments.filter((c) => c.body.includes('<!-- flowline:flows-review -->'));

describe('action.yml', () => {
  it("is a composite action whose inputs are the brief's, passed to flows github-action as environment variables", () => {
    expect(ACTION.runs.using).toBe('composite');
    expect(Object.keys(ACTION.inputs)).toEqual(expect.arrayContaining(['project', 'base-ref', 'comment', 'github-token']));
    expect(ACTION.inputs['github-token']!.default).toBe('${{ github.token }}');
    expect(STEP.run).toContain('bin/flows.js" github-action');
    // No `${{ }}` inside the script: inputs arrive as variables, so a crafted input cannot inject shell.
    expect(STEP.run).not.toContain('${{');
  });
});

describe('the GitHub Action on a pull request', { timeout: 90_000 }, () => {
  let pr: number;

  it('a broken flow: annotations, exit 1, outputs, summary, and one comment', async () => {
    pr = gh.addPull('acme/flows', { head: 'feature', base: 'main' });
    gh.addComment('acme/flows', pr, 'Looks good to me');
    writeFileSync(join(repo, 'flows', 'welcome.yaml'), BROKEN);
    git('commit', '-qam', 'a typo');
    const run = await runAction(pr);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(
      /^::error file=flows\/welcome\.yaml,line=5,col=\d+,endLine=5,endColumn=\d+,title=flows validate%3A [\w-]+::.*sailthur/m,
    );
    expect(run.outputs).toContain('errors=1\n');
    expect(run.outputs).toContain('changed-flows=1\n');
    expect(run.summary).toContain('**flows validate**: 2 flow files, 1 error, 0 warnings ❌');
    expect(run.summary).toMatch(/\| `flows\/welcome\.yaml:5:\d+` \| error \|/);
    const comments = ourComments();
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('### Flow `flows/welcome.yaml`\n\nNot drawn: it does not validate (see the annotations).');
    expect(comments[0]!.body).not.toContain('other.yaml');
    expect(gh.log.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([`/repos/acme/flows/issues/${pr}/comments`]);
    expect(gh.log.every((r) => r.auth === 'token')).toBe(true);
    expect(`${run.stdout}${run.stderr}${run.summary}${run.outputs}`).not.toContain(gh.token);
  });

  it('the next push fixes it: exit 0, and the same comment is updated with the picture and the changes', async () => {
    gh.clear();
    writeFileSync(join(repo, 'flows', 'welcome.yaml'), V2);
    git('commit', '-qam', 'fixed, and a second email');
    const run = await runAction(pr);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('::error');
    expect(run.outputs).toContain('errors=0\n');
    const comments = ourComments();
    expect(comments).toHaveLength(1);
    expect(gh.repo('acme/flows').comments).toHaveLength(2);
    expect(gh.log.map((r) => r.method)).toEqual(['GET', 'PATCH']);
    const body = comments[0]!.body;
    expect(body).toContain(`### Flow \`flows/welcome.yaml\` compared with the base \`${base.slice(0, 7)}\``);
    expect(body).toContain('```mermaid');
    expect(body).toMatch(/\*\*2 added, 0 changed, 0 removed\*\*/);
    expect(run.outputs).toMatch(/comment-url=https:\/\/github\.com\/acme\/flows\/pull\/\d+#issuecomment-\d+\n/);
  });

  it('a pull request that changes no flow says so (in its own comment)', async () => {
    const other = gh.addPull('acme/flows', { head: 'feature', base: 'main', title: 'docs' });
    writeFileSync(join(repo, 'README.md'), 'flows\n');
    const before = git('rev-parse', 'HEAD');
    git('add', 'README.md');
    git('commit', '-qm', 'docs');
    const run = await runAction(other, { baseSha: before });
    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs).toContain('changed-flows=0\n');
    const comment = ourComments().find((c) => c.issue === other);
    expect(comment!.body).toContain(`No flow file changed in this pull request (compared with \`${before.slice(0, 7)}\`).`);
  });

  it('comment: false sends nothing to GitHub; a rate limit on the comment is a warning, not a failed check', async () => {
    gh.clear();
    const quiet = await runAction(pr, { inputs: { comment: 'false' } });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(gh.log).toHaveLength(0);
    expect(quiet.summary).toContain('### Flow `flows/welcome.yaml`');
    gh.inject(githubFaults.rateLimited(300));
    const limited = await runAction(pr);
    expect(limited.code, limited.stderr).toBe(0);
    expect(limited.stdout).toMatch(
      /^::warning::flows: GitHub: cannot list the comments of #\d+ on acme\/flows: .*rate limit is used up: retry after /m,
    );
    expect(gh.faulted).toHaveLength(1);
    expect(gh.log).toHaveLength(0);
  });
});

describe('the GitHub Action on a push, with the project in a folder', { timeout: 90_000 }, () => {
  it('annotates with paths from the repository root, fails on the error, and calls GitHub not at all', async () => {
    const outer = mkdtempSync(join(tmpdir(), 'flowline-outer-'));
    const inner = scratchRepo(CONFIG, { 'welcome.yaml': BROKEN });
    execFileSync('cp', ['-r', inner, join(outer, 'marketing')]);
    repo = outer;
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'base');
    gh.clear();
    const run = await runAction(1, { eventName: 'push', inputs: { project: 'marketing' } });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^::error file=marketing\/flows\/welcome\.yaml,line=5,/m);
    expect(run.summary).toMatch(/\| `marketing\/flows\/welcome\.yaml:5:\d+` \| error \|/);
    expect(run.outputs).toContain('changed-flows=0\n');
    expect(gh.log).toHaveLength(0);
  });
});
