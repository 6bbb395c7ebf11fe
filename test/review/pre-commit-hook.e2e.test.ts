import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchRepo } from '../helpers/scratch-repo.ts';

/**
 * The hook in .pre-commit-hooks.yaml, run by the real pre-commit framework (PyPI `pre-commit`,
 * installed into .tools/python by .ci/run; FLOWLINE_PRE_COMMIT names another) on `git commit`
 * in a scratch flows repository, as a user sets it up: `repo:` this repository at a commit,
 * `pre-commit install`, and Flowline installed in the project's node_modules. No network.
 * Without pre-commit the test is skipped, except in CI, where it fails.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const PRE_COMMIT = process.env.FLOWLINE_PRE_COMMIT ?? join(ROOT, '.tools/python/bin/pre-commit');
const available = existsSync(PRE_COMMIT);

const CONFIG = 'destinations:\n  sailthru: { type: sailthru, api_key: "${K}", api_secret: "${S}" }\n';
const GOOD = 'flow: welcome\ntrigger: { event: sign_up }\nsteps:\n  - send_email: { destination: sailthru, template: welcome-1 }\n';
const BROKEN = 'flow: welcome\ntrigger: { event: sign_up }\nsteps:\n  - send_email: { destination: sailthur, template: welcome-1 }\n';

let repo: string;
let env: NodeJS.ProcessEnv;
const run = (cwd: string, command: string, ...args: string[]): SpawnSyncReturns<string> =>
  spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
const git = (cwd: string, ...args: string[]) => {
  const r = run(cwd, 'git', '-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args);
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
};

describe.skipIf(!available && !process.env.CI)(
  'the pre-commit hook flows-validate, run by pre-commit on git commit',
  { timeout: 90_000 },
  () => {
    beforeAll(() => {
      expect(
        available,
        `no pre-commit at ${PRE_COMMIT}: run .ci/run, or .tools/python/bin/pip install pre-commit (FLOWLINE_PRE_COMMIT names another)`,
      ).toBe(true);
      const home = mkdtempSync(join(tmpdir(), 'flowline-home-'));
      // No user or system git config, pre-commit's cache in the scratch home; no proxy, so no way out.
      env = {
        PATH: process.env.PATH,
        HOME: home,
        GIT_CONFIG_NOSYSTEM: '1',
        PRE_COMMIT_HOME: join(home, 'pre-commit-cache'),
        PRE_COMMIT_COLOR: 'never',
        npm_config_offline: 'true',
        npm_config_update_notifier: 'false',
      };

      const manifest = run(ROOT, PRE_COMMIT, 'validate-manifest', '.pre-commit-hooks.yaml');
      expect(manifest.status, `${manifest.stdout}${manifest.stderr}`).toBe(0);

      // The hook repository as pre-commit fetches it: a git repository with .pre-commit-hooks.yaml, at a commit.
      const hooks = mkdtempSync(join(tmpdir(), 'flowline-hooks-'));
      copyFileSync(join(ROOT, '.pre-commit-hooks.yaml'), join(hooks, '.pre-commit-hooks.yaml'));
      git(hooks, 'init', '-q', '-b', 'main');
      git(hooks, 'add', '-A');
      git(hooks, 'commit', '-qm', 'hooks');
      const rev = run(hooks, 'git', 'rev-parse', 'HEAD').stdout.trim();

      // A flows repository with Flowline installed as npm would (node_modules/.bin/flows).
      repo = scratchRepo(CONFIG, { 'welcome.yaml': GOOD });
      mkdirSync(join(repo, 'node_modules', '.bin'), { recursive: true });
      symlinkSync(join(ROOT, 'bin', 'flows.js'), join(repo, 'node_modules', '.bin', 'flows'));
      writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
      writeFileSync(
        join(repo, '.pre-commit-config.yaml'),
        `repos:\n  - repo: ${hooks}\n    rev: ${rev}\n    hooks:\n      - id: flows-validate\n`,
      );
      git(repo, 'init', '-q', '-b', 'main');
      git(repo, 'add', '-A');
      expect(git(repo, 'commit', '-qm', 'start').code).toBe(0);
      const installed = run(repo, PRE_COMMIT, 'install');
      expect(installed.status, installed.stderr).toBe(0);
    }, 90_000);

    it('refuses a commit with a broken flow, printing the finding', () => {
      writeFileSync(join(repo, 'flows', 'welcome.yaml'), BROKEN);
      git(repo, 'add', 'flows/welcome.yaml');
      const commit = git(repo, 'commit', '-m', 'typo');
      expect(commit.code, commit.output).not.toBe(0);
      expect(commit.output).toMatch(/flows validate\.+Failed/);
      expect(commit.output).toMatch(/flows\/welcome\.yaml:4:\d+ error .*sailthur/);
      expect(run(repo, 'git', 'log', '--format=%s').stdout.trim()).toBe('start');
    });

    it('lets a good flow through', () => {
      writeFileSync(join(repo, 'flows', 'welcome.yaml'), GOOD.replace('welcome-1', 'welcome-2'));
      git(repo, 'add', 'flows/welcome.yaml');
      const commit = git(repo, 'commit', '-m', 'second template');
      expect(commit.code, commit.output).toBe(0);
      expect(commit.output).toMatch(/flows validate\.+Passed/);
    });

    it('a broken config is refused too, and a commit touching no flow file skips the hook', () => {
      writeFileSync(join(repo, 'flows.config.yaml'), CONFIG.replace('type: sailthru', 'type: sailthroo'));
      git(repo, 'add', 'flows.config.yaml');
      const refused = git(repo, 'commit', '-m', 'config');
      expect(refused.code, refused.output).not.toBe(0);
      expect(refused.output).toMatch(/flows\.config\.yaml:2:\d+ error/);
      git(repo, 'checkout', '--', '.');
      git(repo, 'reset', '-q', '--hard');
      writeFileSync(join(repo, 'README.md'), 'flows\n');
      git(repo, 'add', 'README.md');
      const skipped = git(repo, 'commit', '-m', 'readme');
      expect(skipped.code, skipped.output).toBe(0);
      expect(skipped.output).toMatch(/flows validate\.+\(no files to check\)Skipped/);
    });
  },
);
