import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { scratchRepo } from '../helpers/scratch-repo.ts';

/** Runs `flows …` in-process in a folder and captures what it prints. */
async function flows(cwd: string, ...args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { cwd, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** A scratch repository with a Sailthru config, unless given another. */
const repo = (
  files: Record<string, string>,
  config = 'destinations:\n  sailthru: { type: sailthru, api_key: "${K}", api_secret: "${S}" }\n',
): string => scratchRepo(config, files);

const GOOD = 'flow: good\ntrigger: { event: a }\nsteps:\n  - send_email: { destination: sailthru, template: hi }\n';
const BAD = 'flow: bad\ntrigger: { event: a }\nsteps:\n  - send_emial: { destination: sailthru, template: hi }\n';

describe('flows validate', () => {
  it('exits 0 on the repository examples with the default paths and config', async () => {
    const r = await flows(process.cwd(), 'validate');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`✓ ${readdirSync('flows').length} flow files checked, no problems`);
  });

  it('exits 1 and prints file:line:col severity message [rule] with the offending line', async () => {
    const dir = repo({ 'good.yaml': GOOD, 'bad.yaml': BAD });
    const r = await flows(dir, 'validate');
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe("flows/bad.yaml:4:5 error unknown step kind 'send_emial' [unknown-step-kind]");
    expect(lines[1]).toBe('    4 |   - send_emial: { destination: sailthru, template: hi }');
    expect(lines[2]).toBe('      |     ^^^^^^^^^^');
    expect(lines[3]).toBe("      = hint: did you mean 'send_email'?");
    expect(r.out).toMatch(/✘ 2 flow files checked: 1 error, 0 warnings/);
  });

  it('exits 0 when there are only warnings', async () => {
    const dir = repo({ 'w.yaml': 'flow: w\ntrigger: { event: a }\nsteps:\n  - wait: 1d\n    on_error: exit\n' });
    const r = await flows(dir, 'validate');
    expect(r.code).toBe(0);
    expect(r.out).toContain('warning on_error has no effect');
  });

  it('prints the json format with every field', async () => {
    const dir = repo({ 'bad.yaml': BAD });
    const r = await flows(dir, 'validate', '--format', 'json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual([
      {
        file: 'flows/bad.yaml',
        line: 4,
        column: 5,
        endLine: 4,
        endColumn: 15,
        severity: 'error',
        rule: 'unknown-step-kind',
        message: "unknown step kind 'send_emial'",
        hint: "did you mean 'send_email'?",
      },
    ]);
  });

  it('prints GitHub annotations, escaping what workflow commands require', async () => {
    const dir = repo({ 'bad.yaml': BAD });
    const r = await flows(dir, 'validate', '--format', 'github');
    expect(r.out).toBe(
      "::error file=flows/bad.yaml,line=4,col=5,endLine=4,endColumn=15,title=flows validate%3A unknown-step-kind::unknown step kind 'send_emial' (did you mean 'send_email'?)\n",
    );
  });

  it('reports a flow id used by two files, at the second', async () => {
    const dir = repo({ 'a.yaml': GOOD, 'b.yaml': `# copy\n${GOOD}` });
    const r = await flows(dir, 'validate', '--format', 'json');
    expect(r.code).toBe(1);
    const [d] = JSON.parse(r.out);
    expect(d).toMatchObject({ file: 'flows/b.yaml', line: 2, rule: 'duplicate-flow-id' });
    expect(d.message).toContain('flows/a.yaml:1');
  });

  it('validates given paths and a given config, and reports config mistakes too', async () => {
    const dir = repo({ 'good.yaml': GOOD }, 'destinations:\n  sailthru: { type: sailthru, api_key: "${K}", api_secret: hunter2 }\n');
    const r = await flows(dir, 'validate', 'flows/good.yaml', '--config', 'flows.config.yaml');
    expect(r.code).toBe(1);
    expect(r.out).toContain('flows.config.yaml:2:');
    expect(r.out).toContain('[literal-secret]');
    expect(r.out).not.toContain('hunter2');
  });

  it('exits 2 on usage errors', async () => {
    expect((await flows(process.cwd(), 'validate', '--format', 'xml')).code).toBe(2);
    expect((await flows(process.cwd(), 'validate', 'no/such/file.yaml')).code).toBe(2);
    expect((await flows(process.cwd(), 'validate', '--config', 'nope.yaml')).code).toBe(2);
    expect((await flows(process.cwd(), 'validate', '--bogus')).code).toBe(2);
    expect((await flows(process.cwd(), 'frobnicate')).code).toBe(2);
    const empty = mkdtempSync(join(tmpdir(), 'flows-empty-'));
    const r = await flows(empty, 'validate');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no flows/ folder');
  });

  it('works as the installed bin, with no secrets in the environment and no server', async () => {
    const dir = repo({ 'bad.yaml': BAD });
    const run = promisify(execFile);
    const bin = join(process.cwd(), 'bin/flows.js');
    const env = { PATH: process.env.PATH! };
    const ok = await run(process.execPath, [bin, 'validate'], { cwd: process.cwd(), env });
    expect(ok.stdout).toContain('no problems');
    const failed = await run(process.execPath, [bin, 'validate', '--format', 'json'], { cwd: dir, env }).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)[0].rule).toBe('unknown-step-kind');
  });
});
