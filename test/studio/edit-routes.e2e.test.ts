import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestConnection } from '../../ingest/connection.ts';
import { githubClient } from '../../review/github.ts';
import { openStepLog } from '../../store/open.ts';
import type { EditAnswer, ProposeAnswer, SessionAnswer } from '../../studio/api.ts';
import type { StudioDeps } from '../../studio/deps.ts';
import { StudioProject } from '../../studio/project.ts';
import { buildStudio } from '../../studio/server.ts';
import { fakeGitHub, type FakeGitHub } from '../helpers/fake-github.ts';

// A scratch repository with a bare remote, the repository's own config and one flow; the studio
// over it with a real Temporal client pointed where nothing listens (editing needs no Temporal).
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const FLOW = readFileSync('flows/birthday-greeting.yaml', 'utf8');
const HOST = { host: '127.0.0.1:8090' };

let repo: string;
let remote: string;
let github: FakeGitHub;
let studio: ReturnType<typeof buildStudio>;
let readOnly: ReturnType<typeof buildStudio>;
let csrf: string;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'studio-edit-'));
  remote = join(root, 'remote.git');
  repo = join(root, 'work');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote]);
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  git(repo, 'config', 'user.name', 'Marketer');
  git(repo, 'config', 'user.email', 'marketer@example.com');
  writeFileSync(join(repo, 'flows.config.yaml'), readFileSync('flows.config.yaml'));
  execFileSync('mkdir', ['-p', join(repo, 'flows')]);
  writeFileSync(join(repo, 'flows/birthday-greeting.yaml'), FLOW);
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'flows');
  git(repo, 'remote', 'add', 'origin', remote);
  git(repo, 'push', '-q', 'origin', 'main');
  github = await fakeGitHub({ repos: { 'acme/flows': {} } });
  const client = new Client({ connection: ingestConnection({ address: '127.0.0.1:1', namespace: 'default' }) });
  const log = await openStepLog(mkdtempSync(join(tmpdir(), 'studio-edit-log-')), {});
  const deps: StudioDeps = {
    project: new StudioProject(repo),
    log,
    client,
    namespace: 'default',
    temporalWeb: 'http://localhost:8233',
    editing: {
      repoRoot: repo,
      github: { client: githubClient({ token: github.token, baseUrl: github.url }), repo: { owner: 'acme', repo: 'flows' } },
    },
  };
  studio = buildStudio(deps);
  readOnly = buildStudio({ ...deps, editing: undefined });
  csrf = (await studio.inject({ url: '/api/session', headers: HOST })).json<SessionAnswer>().csrf;
});
afterAll(() => Promise.all([studio?.close(), readOnly?.close(), github?.close()]));

const post = (url: string, body: unknown, headers: Record<string, string> = { 'x-flowline-csrf': csrf }) =>
  studio.inject({
    method: 'POST',
    url,
    headers: { ...HOST, 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });

describe('a write is refused unless it comes from the studio itself', () => {
  it('without the CSRF header, or with a wrong one: 403 saying how to get one', async () => {
    for (const headers of [{}, { 'x-flowline-csrf': 'guess' }, { 'x-flowline-csrf': '' }] as Array<Record<string, string>>) {
      const answer = await post('/api/draft', { file: 'flows/x.yaml', text: 'flow: x' }, headers);
      expect(answer.statusCode).toBe(403);
      expect(answer.json().error).toContain('x-flowline-csrf');
    }
  });
  it('from another origin, even with the token', async () => {
    const answer = await post('/api/draft', { file: 'flows/x.yaml', text: '' }, { 'x-flowline-csrf': csrf, origin: 'http://evil.example' });
    expect(answer.statusCode).toBe(403);
  });
  it('read-only: no edit route, and the session says so', async () => {
    const session = (await readOnly.inject({ url: '/api/session', headers: HOST })).json<SessionAnswer>();
    expect(session.readOnly).toBe(true);
    const csrfRo = session.csrf;
    const answer = await readOnly.inject({
      method: 'POST',
      url: '/api/propose',
      headers: { ...HOST, 'content-type': 'application/json', 'x-flowline-csrf': csrfRo },
      payload: '{}',
    });
    expect(answer.statusCode).toBe(404);
    expect((await readOnly.inject({ url: '/api/edit/birthday-greeting', headers: HOST })).statusCode).toBe(404);
  });
  it('only flow files under flows/: a path out of it is a 400 naming the rule', async () => {
    for (const file of [
      '../x.yaml',
      'flows/../x.yaml',
      '/etc/passwd',
      'src/app.ts',
      'flows/.hidden.yaml',
      'flows/a/b.yaml',
      'flows.config.yaml',
    ]) {
      const answer = await post('/api/draft', { file, text: 'flow: x' });
      expect(answer.statusCode, file).toBe(400);
      expect(answer.json().error, file).toContain('flows/');
    }
  });
  it('a body over the bound is refused (413 or 400), and nothing is checked', async () => {
    const answer = await post('/api/draft', { file: 'flows/x.yaml', text: 'x'.repeat(600 * 1024) });
    expect([400, 413]).toContain(answer.statusCode);
  });
});

describe('editing a flow', () => {
  it('opens the file as its branch holds it, with forms made from the schema and the destinations able to do each step', async () => {
    const opened = (await studio.inject({ url: '/api/edit/birthday-greeting', headers: HOST })).json<EditAnswer>();
    expect(opened).toMatchObject({ file: 'flows/birthday-greeting.yaml', base: 'main', text: FLOW });
    expect(opened.blob).toBe(git(repo, 'rev-parse', 'main:flows/birthday-greeting.yaml'));
    expect(opened.forms.kinds.send_email!.map((f) => f.key)).toEqual(['destination', 'template', 'vars']);
    expect(opened.forms.kinds.wait).toEqual([expect.objectContaining({ key: 'wait', control: 'duration' })]);
    expect(opened.forms.destinations.send_push).toContain('clevertap');
    expect(opened.forms.destinations.send_push).not.toContain('sailthru');
    // Checked and drawn in the same answer: the editor shows the findings and the picture with no second request.
    expect(opened.check?.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(opened.check?.picture?.nodes.some((n) => n.lines.join(' ').includes('7d'))).toBe(true);
  });

  it('checks a draft exactly as flows validate does: same findings, same words', async () => {
    const broken = FLOW.replace('wait: 7d', 'wait: 7 days').replace('destination: clevertap', 'destination: nowhere');
    const draft = (await post('/api/draft', { file: 'flows/birthday-greeting.yaml', text: broken })).json();
    writeFileSync(join(repo, 'flows/birthday-greeting.yaml'), broken);
    let cli: string;
    try {
      cli = execFileSync(process.execPath, [join(process.cwd(), 'bin/flows.js'), 'validate', '--format', 'json'], {
        cwd: repo,
        encoding: 'utf8',
      });
    } catch (error) {
      cli = String((error as { stdout: string }).stdout);
    } finally {
      writeFileSync(join(repo, 'flows/birthday-greeting.yaml'), FLOW);
    }
    expect(draft.picture).toBeNull();
    expect(draft.findings.length).toBeGreaterThanOrEqual(2);
    expect(draft.findings).toEqual(JSON.parse(cli));
  });

  it('a valid draft is drawn: its picture has the new step', async () => {
    const draft = (await post('/api/draft', { file: 'flows/birthday-greeting.yaml', text: FLOW.replace('wait: 7d', 'wait: 5d') })).json();
    expect(draft.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);
    expect(draft.picture.nodes.some((n: { lines: string[] }) => n.lines.join(' ').includes('5d'))).toBe(true);
  });
});

describe('proposing', () => {
  it('writes a new branch with one commit touching only the file, pushes it, opens a pull request with the change as its body; the checkout is untouched', async () => {
    const opened = (await studio.inject({ url: '/api/edit/birthday-greeting', headers: HOST })).json<EditAnswer>();
    const head = git(repo, 'rev-parse', 'HEAD');
    const text = opened.text.replace('wait: 7d', 'wait: 5d');
    const answer = await post('/api/propose', { file: opened.file, base: opened.base, blob: opened.blob, text, title: 'Shorter wait' });
    expect(answer.statusCode, answer.body).toBe(200);
    const proposal = answer.json<ProposeAnswer>();
    expect(proposal.pushed).toBe(true);
    expect(git(repo, 'diff-tree', '--no-commit-id', '--name-only', '-r', proposal.commit)).toBe('flows/birthday-greeting.yaml');
    expect(git(repo, 'show', `${proposal.branch}:flows/birthday-greeting.yaml`)).toBe(text.trimEnd());
    expect(git(remote, 'rev-parse', `refs/heads/${proposal.branch}`)).toBe(proposal.commit);
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(readFileSync(join(repo, 'flows/birthday-greeting.yaml'), 'utf8')).toBe(FLOW);
    expect(proposal.diff).toContain('-  - wait: 7d');
    expect(proposal.diff).toContain('+  - wait: 5d');
    const pulls = github.repo('acme/flows').pulls;
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ head: proposal.branch, base: 'main', title: 'Shorter wait' });
    expect(pulls[0]!.body).toBe(proposal.markdown);
    expect(proposal.markdown).toContain('compared with `main`');
    expect(proposal.pullRequest?.number).toBe(pulls[0]!.number);
    // The GitHub token stays on the server: no answer the browser gets carries it.
    for (const url of ['/api/session', '/api/edit/birthday-greeting', '/api/edit', '/static/studio.js'])
      expect((await studio.inject({ url, headers: HOST })).body, url).not.toContain(github.token);
    expect(answer.body).not.toContain(github.token);
  });

  it('a file changed on its base since it was opened: 409 with the file as it now is, nothing written', async () => {
    const opened = (await studio.inject({ url: '/api/edit/birthday-greeting', headers: HOST })).json<EditAnswer>();
    writeFileSync(join(repo, 'flows/birthday-greeting.yaml'), FLOW.replace('09:00', '10:00'));
    git(repo, 'commit', '-qam', 'someone else changed it');
    const branches = git(repo, 'branch', '--list');
    const answer = await post('/api/propose', {
      file: opened.file,
      base: opened.base,
      blob: opened.blob,
      text: opened.text.replace('wait: 7d', 'wait: 6d'),
    });
    expect(answer.statusCode).toBe(409);
    expect(answer.json().error).toContain('changed');
    expect(answer.json().current.text).toContain('10:00');
    expect(git(repo, 'branch', '--list')).toBe(branches);
  });

  it('a draft with errors is not proposed (CI would refuse it)', async () => {
    const opened = (await studio.inject({ url: '/api/edit/birthday-greeting', headers: HOST })).json<EditAnswer>();
    const answer = await post('/api/propose', {
      file: opened.file,
      base: opened.base,
      blob: opened.blob,
      text: opened.text.replace('wait: 7d', 'wait: soon'),
    });
    expect(answer.statusCode).toBe(422);
    expect(answer.json().error).toContain('error');
  });
});
