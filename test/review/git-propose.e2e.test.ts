import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openFile, proposalBranchName, proposeFile, ProposalRefused, type ProposeResult } from '../../review/git-propose.ts';
import { GitError, redactUrls, runGit } from '../../review/git-run.ts';
import { scratchRepo } from '../helpers/scratch-repo.ts';

const WELCOME = `flow: welcome-series
trigger: { event: sign_up }
steps:
  - id: welcome
    send_email: { destination: sailthru, template: welcome-1 }
`;
const CHANGED = WELCOME.replace('welcome-1', 'welcome-2');
const FILE = 'flows/welcome.yaml';
const NOW = new Date('2026-12-07T04:15:00Z');

// No global or system git config: what a machine with no git user looks like, and the same for every run.
beforeAll(() => {
  const home = mkdtempSync(join(tmpdir(), 'flowline-home-'));
  writeFileSync(join(home, '.gitconfig'), '');
  process.env.HOME = home;
  process.env.XDG_CONFIG_HOME = join(home, '.config');
  process.env.GIT_CONFIG_GLOBAL = join(home, '.gitconfig');
  process.env.GIT_CONFIG_NOSYSTEM = '1';
});

/** `git ...args` in dir, as the test (its own identity: the repository's config may have none). */
function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Tester', '-c', 'user.email=tester@example.com', ...args], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

interface RepoOptions {
  /** 'bare': origin is a bare repository beside it; a string: origin's URL; none: no remote. */
  remote?: 'bare' | string;
  /** Whether the repository's config names a user (default yes). */
  user?: boolean;
}

/** A scratch repository on main with flows/welcome.yaml and a config committed, and a bare origin when asked. */
function repo(options: RepoOptions = {}): { dir: string; bare?: string } {
  const dir = scratchRepo('timezone: UTC\n', { 'welcome.yaml': WELCOME });
  git(dir, 'init', '-q', '-b', 'main');
  if (options.user !== false) {
    git(dir, 'config', 'user.name', 'Repo User');
    git(dir, 'config', 'user.email', 'repo-user@example.com');
  }
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'start');
  let bare: string | undefined;
  if (options.remote === 'bare') {
    bare = mkdtempSync(join(tmpdir(), 'flowline-remote-'));
    git(bare, 'init', '-q', '--bare', '-b', 'main');
    git(dir, 'remote', 'add', 'origin', bare);
    git(dir, 'push', '-q', 'origin', 'main');
  } else if (options.remote) git(dir, 'remote', 'add', 'origin', options.remote);
  return { dir, ...(bare ? { bare } : {}) };
}

/** Commits a file's text on main (as another person would, after the studio opened it). */
function commitOnMain(dir: string, file: string, text: string): void {
  const scratch = mkdtempSync(join(tmpdir(), 'flowline-index-'));
  const env = { ...process.env, GIT_INDEX_FILE: join(scratch, 'index') };
  const run = (args: string[], input = '') => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env, input }).trim();
  run(['read-tree', 'main']);
  const blob = run(['hash-object', '-w', '--stdin'], text);
  run(['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`]);
  const tree = run(['write-tree']);
  const commit = execFileSync(
    'git',
    ['-c', 'user.name=Other', '-c', 'user.email=o@example.com', 'commit-tree', tree, '-p', 'main', '-m', 'elsewhere'],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  ).trim();
  git(dir, 'update-ref', 'refs/heads/main', commit);
}

/** Everything a proposal must leave alone: HEAD, the index (its bytes), the status, the files on disk, every ref. */
function snapshot(dir: string) {
  const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
  return {
    head: git(dir, 'symbolic-ref', 'HEAD') + git(dir, 'rev-parse', 'HEAD'),
    index: sha(join(dir, '.git', 'index')),
    staged: git(dir, 'ls-files', '--stage'),
    status: git(dir, '--no-optional-locks', 'status', '--porcelain=v1', '--untracked-files=all'),
    file: readFileSync(join(dir, FILE), 'utf8'),
    main: git(dir, 'rev-parse', 'main'),
  };
}

const refs = (dir: string) => git(dir, 'for-each-ref', '--format=%(refname) %(objectname)');
const changedFiles = (dir: string, commit: string) =>
  git(dir, 'diff-tree', '--no-commit-id', '--name-only', '-r', commit).trim().split('\n');

/** The message of an answer that is not a proposal. */
function refusal(result: ProposeResult): string {
  if (result.ok) throw new Error(`expected no proposal, got ${result.branch}`);
  return result.message;
}

function made(result: ProposeResult) {
  if (!result.ok) throw new Error(`expected a proposal, got ${result.reason}: ${result.message}`);
  return result;
}

describe('proposing a flow file as a git branch', () => {
  it('makes one commit changing only the file, on top of the base tip, on a new branch pushed to the remote', async () => {
    const { dir, bare } = repo({ remote: 'bare' });
    const opened = await openFile(dir, FILE);
    expect(opened).toMatchObject({ file: FILE, base: 'main', text: WELCOME });
    expect(opened.blob).toBe(git(dir, 'rev-parse', `main:${FILE}`).trim());
    // Another file changes on main after the file was opened: the proposal sits on main's new tip.
    commitOnMain(dir, 'flows.config.yaml', 'timezone: Europe/Paris\n');
    const tip = git(dir, 'rev-parse', 'main').trim();

    const result = made(await proposeFile(dir, opened, CHANGED, { now: NOW }));
    expect(result).toMatchObject({
      branch: 'flowline/welcome-20261207-041500',
      base: 'main',
      baseCommit: tip,
      pushed: true,
      remote: 'origin',
      file: FILE,
    });
    expect(git(dir, 'rev-parse', `refs/heads/${result.branch}`).trim()).toBe(result.commit);
    expect(git(dir, 'rev-parse', `${result.commit}^`).trim()).toBe(tip);
    expect(git(dir, 'rev-list', '--count', `main..${result.commit}`).trim()).toBe('1');
    expect(changedFiles(dir, result.commit)).toEqual([FILE]);
    expect(git(dir, 'show', `${result.commit}:${FILE}`)).toBe(CHANGED);
    expect(git(dir, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%B', result.commit)).toBe(
      'Repo User <repo-user@example.com>|Repo User <repo-user@example.com>|Update flows/welcome.yaml\n\nProposed from the Flowline Studio.\n\n',
    );
    expect(result.diff).toContain(`--- a/${FILE}\n+++ b/${FILE}\n`);
    expect(result.diff).toContain(
      '-    send_email: { destination: sailthru, template: welcome-1 }\n+    send_email: { destination: sailthru, template: welcome-2 }\n',
    );
    expect(git(bare!, 'ls-remote', bare!, `refs/heads/${result.branch}`)).toBe(`${result.commit}\trefs/heads/${result.branch}\n`);
    expect(git(bare!, 'rev-parse', 'main').trim()).not.toBe(tip); // only the new branch was pushed
  });

  it('leaves the checked-out branch, HEAD, the index and the working tree as they were, local edits to the same file included', async () => {
    const { dir, bare } = repo({ remote: 'bare' });
    const opened = await openFile(dir, FILE);
    writeFileSync(join(dir, FILE), `${WELCOME}# a local edit, not committed\n`);
    writeFileSync(join(dir, 'flows.config.yaml'), 'timezone: Asia/Tokyo\n');
    git(dir, 'add', 'flows.config.yaml'); // staged
    writeFileSync(join(dir, 'flows', 'scratch.yaml'), 'untracked\n');
    const before = snapshot(dir);

    const result = made(await proposeFile(dir, opened, CHANGED, { now: NOW, message: 'Use welcome-2' }));
    expect(snapshot(dir)).toEqual(before);
    expect(before.status).toContain(' M flows/welcome.yaml');
    expect(before.status).toContain('M  flows.config.yaml');
    // The proposal is made of the committed text and the new one: the local edit is not in it.
    expect(git(dir, 'show', `${result.commit}:${FILE}`)).toBe(CHANGED);
    expect(result.diff).not.toContain('a local edit');
    expect(git(dir, 'log', '-1', '--format=%B', result.commit)).toBe('Use welcome-2\n\n');
    expect(git(bare!, 'rev-parse', 'main').trim()).toBe(before.main.trim());
  });

  it('answers changed-on-base with the current text when the file changed on the base since it was opened, writing nothing', async () => {
    const { dir, bare } = repo({ remote: 'bare' });
    const opened = await openFile(dir, FILE);
    const theirs = WELCOME.replace('welcome-1', 'welcome-3');
    commitOnMain(dir, FILE, theirs);
    const [refsBefore, remoteBefore] = [refs(dir), refs(bare!)];

    const result = await proposeFile(dir, opened, CHANGED, { now: NOW });
    expect(result).toMatchObject({ ok: false, reason: 'changed-on-base', current: { file: FILE, base: 'main', text: theirs } });
    if (result.ok || result.reason !== 'changed-on-base') throw new Error('unreachable');
    expect(result.current.blob).toBe(git(dir, 'rev-parse', `main:${FILE}`).trim());
    expect(result.message).toContain('nothing was written');
    expect([refs(dir), refs(bare!)]).toEqual([refsBefore, remoteBefore]);
    const wouldBe = execFileSync('git', ['hash-object', '--stdin'], { cwd: dir, input: CHANGED, encoding: 'utf8' }).trim();
    expect(() => git(dir, 'cat-file', '-e', wouldBe)).toThrow(); // not even the blob

    // Proposing again from the current text works.
    expect(made(await proposeFile(dir, result.current, CHANGED, { now: NOW })).pushed).toBe(true);
  });

  it('answers changed-on-base when a file opened as new was added on the base meanwhile, and unchanged for the base text', async () => {
    const { dir } = repo();
    const fresh = await openFile(dir, 'flows/fresh.yaml');
    expect(fresh).toEqual({ file: 'flows/fresh.yaml', base: 'main', blob: null, text: '' });
    commitOnMain(dir, 'flows/fresh.yaml', WELCOME);
    const added = await proposeFile(dir, fresh, CHANGED);
    expect(added).toMatchObject({ ok: false, reason: 'changed-on-base', current: { text: WELCOME } });
    expect(refusal(added)).toContain('was added on main');

    const refsBefore = refs(dir);
    const same = await proposeFile(dir, await openFile(dir, FILE), WELCOME);
    expect(same).toMatchObject({ ok: false, reason: 'unchanged' });
    expect(refs(dir)).toBe(refsBefore);
  });

  it('gives a second proposal with the same name a branch of its own, and never moves an existing branch', async () => {
    const { dir, bare } = repo({ remote: 'bare' });
    const opened = await openFile(dir, FILE);
    const first = made(await proposeFile(dir, opened, CHANGED, { now: NOW }));
    const second = made(await proposeFile(dir, opened, CHANGED.replace('welcome-2', 'welcome-9'), { now: NOW }));
    expect(first.branch).toBe('flowline/welcome-20261207-041500');
    expect(second.branch).toBe('flowline/welcome-20261207-041500-2');
    expect(git(dir, 'rev-parse', first.branch).trim()).toBe(first.commit);
    expect(git(dir, 'rev-parse', second.branch).trim()).toBe(second.commit);
    expect(second.pushed).toBe(true);

    const main = git(dir, 'rev-parse', 'main').trim();
    const named = made(await proposeFile(dir, opened, CHANGED, { branch: 'main' }));
    expect(named.branch).toBe('main-2');
    expect(git(dir, 'rev-parse', 'main').trim()).toBe(main);
    expect(git(bare!, 'rev-parse', 'main').trim()).toBe(main);
    // A branch only on the remote (pushed from elsewhere, fetched here) is taken too.
    git(dir, 'push', '-q', 'origin', `main:refs/heads/team/x`);
    git(dir, 'fetch', '-q', 'origin');
    expect(made(await proposeFile(dir, opened, CHANGED, { branch: 'team/x' })).branch).toBe('team/x-2');
    // And one made on the remote by someone else, not fetched here: asked with ls-remote, never moved.
    const main2 = git(dir, 'rev-parse', 'main').trim();
    git(bare!, 'update-ref', 'refs/heads/theirs', main2);
    git(bare!, 'update-ref', 'refs/heads/theirs-2', main2);
    const aside = made(await proposeFile(dir, opened, CHANGED, { branch: 'theirs' }));
    expect(aside).toMatchObject({ branch: 'theirs-3', pushed: true });
    expect(git(bare!, 'rev-parse', 'theirs', 'theirs-2').trim().split('\n')).toEqual([main2, main2]);
  });

  it('never moves a branch the remote has, even when it could not be listed and the push would fast-forward it', async () => {
    const { dir, bare } = repo({ remote: 'bare' });
    const main = git(dir, 'rev-parse', 'main').trim();
    const name = proposalBranchName('welcome', NOW);
    git(bare!, 'update-ref', `refs/heads/${name}`, main);
    git(dir, 'config', 'remote.origin.uploadpack', 'false'); // ls-remote fails; push (receive-pack) works
    const result = made(await proposeFile(dir, await openFile(dir, FILE), CHANGED, { now: NOW }));
    expect(result).toMatchObject({ branch: name, pushed: false, remote: 'origin' });
    expect(result.pushError).toContain('[rejected]');
    expect(result.pushError).toContain('stale info');
    expect(git(bare!, 'rev-parse', name).trim()).toBe(main);
    expect(git(dir, 'rev-parse', name).trim()).toBe(result.commit);
  });

  it('refuses hostile paths, symlinks and names, writing nothing', async () => {
    const { dir } = repo({ remote: 'bare' });
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'x.yaml'), WELCOME);
    symlinkSync('welcome.yaml', join(dir, 'flows', 'link.yaml'));
    symlinkSync('../real', join(dir, 'flows', 'dirlink'));
    mkdirSync(join(dir, 'flows', 'folder.yaml'));
    writeFileSync(join(dir, 'flows', 'folder.yaml', 'inner.yaml'), WELCOME);
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'links');
    const opened = await openFile(dir, FILE);
    const before = refs(dir);
    const paths = [
      '../x.yaml',
      '/etc/passwd',
      'flows/../../x.yaml',
      'flows/./welcome.yaml',
      'flows/link.yaml',
      'flows/dirlink/x.yaml',
      'flows/folder.yaml',
      'src/app.ts',
      'flows/x.txt',
      'flows/.yaml',
      'flows//x.yaml',
      'flows\\..\\x.yaml',
      'flows/a b.yaml',
      '',
    ];
    for (const path of paths) {
      await expect(openFile(dir, path), path).rejects.toBeInstanceOf(ProposalRefused);
      const result = await proposeFile(dir, { ...opened, file: path }, CHANGED);
      expect(result, path).toMatchObject({ ok: false, reason: 'refused' });
    }
    expect(refusal(await proposeFile(dir, { ...opened, file: 'flows/link.yaml', blob: null }, CHANGED))).toContain('symlink');
    for (const base of ['-x', 'main..other', '@{-1}', 'HEAD', 'nope']) {
      await expect(openFile(dir, FILE, base), base).rejects.toBeInstanceOf(ProposalRefused);
      expect(await proposeFile(dir, { ...opened, base }, CHANGED), base).toMatchObject({ ok: false, reason: 'refused' });
    }
    for (const branch of ['-f', 'a..b', 'x.lock', 'has space', 'refs/heads/x', 'HEAD']) {
      expect(await proposeFile(dir, opened, CHANGED, { branch }), branch).toMatchObject({ ok: false, reason: 'refused' });
    }
    expect(await proposeFile(dir, opened, 'x'.repeat(1024 * 1024 + 1))).toMatchObject({ ok: false, reason: 'refused' });
    expect(await proposeFile(dir, { ...opened, blob: '--all' }, CHANGED)).toMatchObject({ ok: false, reason: 'refused' });
    expect(await proposeFile(dir, opened, CHANGED, { author: { name: 'Eve <evil@x>', email: 'e@x' } })).toMatchObject({
      ok: false,
      reason: 'refused',
    });
    expect(await proposeFile(dir, opened, CHANGED, { remote: 'elsewhere' })).toMatchObject({ ok: false, reason: 'refused' });
    expect(refs(dir)).toBe(before);
  });

  it('proposes a new file (blob null), in a new folder too, with the author given', async () => {
    const { dir } = repo({ remote: 'bare' });
    for (const file of ['flows/new-flow.yaml', 'flows/team/onboarding.yml']) {
      const opened = await openFile(dir, file);
      expect(opened.blob).toBeNull();
      const result = made(
        await proposeFile(dir, opened, WELCOME, { author: { name: 'Mia Marketer', email: 'mia@example.com' }, now: NOW }),
      );
      expect(changedFiles(dir, result.commit)).toEqual([file]);
      expect(git(dir, 'show', `${result.commit}:${file}`)).toBe(WELCOME);
      expect(git(dir, 'ls-tree', result.commit, '--', file)).toMatch(/^100644 blob /);
      expect(result.diff).toContain('new file mode 100644');
      expect(result.diff).toContain(`+++ b/${file}`);
      expect(git(dir, 'log', '-1', '--format=%an <%ae>|%s', result.commit)).toBe(`Mia Marketer <mia@example.com>|Add ${file}\n`);
      expect(result.pushed).toBe(true);
    }
  });

  it('gives proposals made at the same moment a branch each', async () => {
    const { dir } = repo({ remote: 'bare' });
    const opened = await openFile(dir, FILE);
    const texts = ['welcome-5', 'welcome-6', 'welcome-7'].map((t) => WELCOME.replace('welcome-1', t));
    const results = (await Promise.all(texts.map((text) => proposeFile(dir, opened, text, { now: NOW })))).map(made);
    expect(new Set(results.map((r) => r.branch)).size).toBe(3);
    for (const [i, r] of results.entries()) {
      expect(git(dir, 'show', `${r.branch}:${FILE}`)).toBe(texts[i]);
      expect(r.pushed).toBe(true);
    }
  });

  it('keeps the bytes it is given (line endings, a byte-order mark, any script) whatever the repository filters, and refuses a file that is not UTF-8', async () => {
    const { dir } = repo();
    writeFileSync(join(dir, '.gitattributes'), '*.yaml text eol=lf\n');
    git(dir, 'config', 'core.autocrlf', 'true');
    writeFileSync(join(dir, 'flows', 'latin1.yaml'), Buffer.from([0x66, 0x6c, 0x6f, 0x77, 0x3a, 0x20, 0xe9, 0x0a]));
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'attributes');
    const text = `\ufeff${WELCOME.replace('welcome-1', 'bienvenüe-日本').replace(/\n/g, '\r\n')}`;
    const result = made(await proposeFile(dir, await openFile(dir, FILE), text));
    expect(execFileSync('git', ['cat-file', 'blob', `${result.commit}:${FILE}`], { cwd: dir })).toEqual(Buffer.from(text, 'utf8'));
    expect((await openFile(dir, FILE, result.branch)).text).toBe(text);
    await expect(openFile(dir, 'flows/latin1.yaml')).rejects.toThrow('flows/latin1.yaml is not UTF-8 text');
  });

  it('makes the branch without pushing in a repository without a remote; push: true there is refused', async () => {
    const { dir } = repo();
    const opened = await openFile(dir, FILE);
    const result = made(await proposeFile(dir, opened, CHANGED, { now: NOW }));
    expect(result.pushed).toBe(false);
    expect(result).not.toHaveProperty('remote');
    expect(result).not.toHaveProperty('pushError');
    expect(git(dir, 'rev-parse', result.branch).trim()).toBe(result.commit);
    expect(await proposeFile(dir, opened, CHANGED, { push: true })).toMatchObject({
      ok: false,
      reason: 'refused',
      message: 'there is no remote to push to',
    });
  });

  it('commits in a repository with no git user configured, as Flowline Studio', async () => {
    const { dir } = repo({ user: false });
    for (const key of ['user.name', 'user.email'])
      expect(() => execFileSync('git', ['config', '--get', key], { cwd: dir, stdio: 'ignore' })).toThrow();
    const result = made(await proposeFile(dir, await openFile(dir, FILE), CHANGED));
    expect(git(dir, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', result.commit)).toBe(
      'Flowline Studio <studio@flowline.invalid>|Flowline Studio <studio@flowline.invalid>\n',
    );
  });

  it('says the branch was made but not pushed when the remote cannot be reached, with the reason and no credentials', async () => {
    const missing = join(tmpdir(), 'flowline-no-such-remote', 'x.git');
    const { dir } = repo({ remote: missing });
    const result = made(await proposeFile(dir, await openFile(dir, FILE), CHANGED, { now: NOW }));
    expect(result).toMatchObject({ pushed: false, remote: 'origin' });
    const ref = `refs/heads/${result.branch}`;
    expect(result.pushError).toContain(`git push --force-with-lease=${ref}: origin ${ref}:${ref} failed (exit 128): fatal: `);
    expect(result.pushError).toMatch(/does not appear to be a git repository|Could not read from remote/);
    expect(git(dir, 'rev-parse', result.branch).trim()).toBe(result.commit);

    const secret = repo({ remote: 'http://marketer:s3cret-token@127.0.0.1:9/flows.git' });
    const unreachable = made(await proposeFile(secret.dir, await openFile(secret.dir, FILE), CHANGED));
    expect(unreachable.pushed).toBe(false);
    expect(unreachable.pushError).toMatch(/git push .*failed/);
    expect(unreachable.pushError).not.toContain('s3cret');
    expect(unreachable.pushError).not.toContain('marketer');
  });

  it('reads from the branch named, not the checked-out one or the working tree', async () => {
    const { dir } = repo();
    git(dir, 'branch', 'release');
    commitOnMain(dir, FILE, CHANGED);
    writeFileSync(join(dir, FILE), 'local\n');
    expect((await openFile(dir, FILE)).text).toBe(CHANGED);
    expect((await openFile(dir, FILE, 'release')).text).toBe(WELCOME);
    const result = made(await proposeFile(dir, await openFile(dir, FILE, 'release'), CHANGED.replace('welcome-2', 'welcome-4')));
    expect(result.baseCommit).toBe(git(dir, 'rev-parse', 'release').trim());
    // From a subfolder of the checkout, paths are still from the root.
    expect((await openFile(join(dir, 'flows'), FILE)).text).toBe(CHANGED);
  });

  it('works in a bare repository, and refuses a folder that is no repository', async () => {
    const { dir, bare } = repo({ remote: 'bare' });
    const result = made(await proposeFile(bare!, await openFile(bare!, FILE), CHANGED, { now: NOW }));
    expect(result).toMatchObject({ base: 'main', pushed: false });
    expect(git(bare!, 'show', `${result.branch}:${FILE}`)).toBe(CHANGED);
    expect(changedFiles(bare!, result.commit)).toEqual([FILE]);
    const nowhere = mkdtempSync(join(tmpdir(), 'flowline-not-a-repo-'));
    await expect(openFile(nowhere, FILE)).rejects.toThrow(/is not in a git repository/);
    await expect(openFile(join(nowhere, 'missing'), FILE)).rejects.toThrow(/is not a folder/);
    expect(await proposeFile(nowhere, await openFile(dir, FILE), CHANGED)).toMatchObject({ ok: false, reason: 'refused' });
  });
});

describe('proposalBranchName', () => {
  it('is flowline/<id>-<UTC date>-<time>, and a name git accepts whatever the id', () => {
    expect(proposalBranchName('welcome-series', NOW)).toBe('flowline/welcome-series-20261207-041500');
    for (const id of ['Welcome Series!', '../../etc', '-lead', 'x.lock', 'ünïcødé', '', '@{-1}', 'a'.repeat(300), 'a/b\\c', '.hidden']) {
      const name = proposalBranchName(id, NOW);
      expect(name).toMatch(/^flowline\/[a-z0-9]+(?:-[a-z0-9]+)*-20261207-041500$/);
      expect(execFileSync('git', ['check-ref-format', '--branch', name], { encoding: 'utf8' }).trim()).toBe(name);
    }
  });
});

describe('runGit', () => {
  it('stops git (and what it started) at the time limit and at the output limit, naming the command', async () => {
    const { dir } = repo();
    const started = Date.now();
    const slow = runGit(['-c', 'alias.slow=!sleep 5', 'slow'], { cwd: dir, timeoutMs: 300 });
    await expect(slow).rejects.toThrow('git -c "alias.slow=!sleep 5" slow did not finish within 300 ms');
    expect(Date.now() - started).toBeLessThan(3000); // the sleep was killed with git, or close would wait for it
    await expect(runGit(['cat-file', 'blob', `main:${FILE}`], { cwd: dir, maxOutput: 10 })).rejects.toThrow('printed more than 10 bytes');
    const failed = await runGit(['rev-parse', '--verify', 'no-such-ref'], { cwd: dir }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(GitError);
    expect(failed).toMatchObject({ command: 'git rev-parse --verify no-such-ref', code: 128, stderr: 'fatal: Needed a single revision' });
  });
});

describe('redactUrls', () => {
  it('takes userinfo out of URLs in git text', () => {
    expect(redactUrls("fatal: unable to access 'https://user:tok@github.com/o/r.git/': 403")).toBe(
      "fatal: unable to access 'https://github.com/o/r.git/': 403",
    );
    expect(redactUrls('ssh://git@host/x and https://x-access-token:ghs_abc@github.com')).toBe('ssh://host/x and https://github.com');
  });
});
