import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';

const CORPUS = join(import.meta.dirname, '../dsl/edit/corpus');

/** A temp folder holding the repository's flows.config.yaml and one corpus file as flows/flow.yaml. */
function project(corpusFile: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'flows-edit-'));
  copyFileSync(join(import.meta.dirname, '../../flows.config.yaml'), join(dir, 'flows.config.yaml'));
  const file = join(dir, 'flow.yaml');
  copyFileSync(join(CORPUS, corpusFile), file);
  return { dir, file };
}

async function edit(dir: string, ...args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['edit', ...args], { cwd: dir, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('flows edit', () => {
  it('set: writes one line in place and prints the diff', async () => {
    const { dir, file } = project('example-sailthru-welcome-series.yaml');
    const before = readFileSync(file, 'utf8');
    const { code, out, err } = await edit(dir, 'flow.yaml', 'set', '#4', 'wait=5d');
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toContain('--- flow.yaml\n+++ flow.yaml\n');
    expect(out).toContain('\n-  - wait: 3d\n+  - wait: 5d\n');
    expect(readFileSync(file, 'utf8')).toBe(before.replace('  - wait: 3d\n', '  - wait: 5d\n'));
  });

  it('set: a key of the step body, the value read as YAML', async () => {
    const { dir, file } = project('example-sailthru-welcome-series.yaml');
    expect((await edit(dir, 'flow.yaml', 'set', 'welcome-email', 'template=welcome-2')).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('      template: welcome-2\n');
  });

  it('remove: takes the step and its lines out', async () => {
    const { dir, file } = project('example-sailthru-welcome-series.yaml');
    const { code, out } = await edit(dir, 'flow.yaml', 'remove', '#3');
    expect(code).toBe(0);
    expect(out).toContain('-  - add_to_list: { destination: sailthru, list: new-users }\n');
    expect(readFileSync(file, 'utf8')).not.toContain('list: new-users }\n  - wait: 3d');
  });

  it('add: a step given as YAML, after or before a step', async () => {
    const { dir, file } = project('example-session-recap.yaml');
    const added = await edit(dir, 'flow.yaml', 'add', 'wait: 1h', '--after', '#1');
    expect(added.code).toBe(0);
    expect(added.out).toContain('\n+  - wait: 1h\n');
    expect(readFileSync(file, 'utf8')).toContain('        sessions: { increment: 1 }\n  - wait: 1h\n  - send_event:\n');
    expect((await edit(dir, 'flow.yaml', 'add', '{ wait: 2h }', '--before', '#1')).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('steps:\n  - { wait: 2h }\n  - set_var:\n');
  });

  it('move: the step with its comments', async () => {
    const { dir, file } = project('gen-05.yaml');
    const { code } = await edit(dir, 'flow.yaml', 'move', '#1', '--after', '#2');
    expect(code).toBe(0);
    const text = readFileSync(file, 'utf8');
    const original = readFileSync(join(CORPUS, 'gen-05.yaml'), 'utf8');
    expect(text).not.toBe(original);
    expect(text.split('\n').sort()).toEqual(original.split('\n').sort());
  });

  it('--dry-run: prints the diff and leaves the file untouched', async () => {
    const { dir, file } = project('crlf-01.yaml');
    const before = readFileSync(file, 'utf8');
    const { code, out } = await edit(dir, 'flow.yaml', 'add', 'wait: 1h', '--before', '#1', '--dry-run');
    expect(code).toBe(0);
    expect(out).toContain('+  - wait: 1h\r\n');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('refuses an edit that would not validate: prints the findings, leaves the bytes; --force writes it and says so', async () => {
    const { dir, file } = project('example-sailthru-welcome-series.yaml');
    const before = readFileSync(file, 'utf8');
    const refused = await edit(dir, 'flow.yaml', 'set', '#4', 'wait=5 days');
    expect(refused.code).toBe(1);
    expect(refused.out).toBe('');
    expect(refused.err).toMatch(/flow\.yaml:35:\d+ error .*\n +35 \|   - wait: 5 days\n/);
    expect(refused.err).toContain('flows edit: the edited flow.yaml would not validate; not written (--force writes it anyway)\n');
    expect(readFileSync(file, 'utf8')).toBe(before);

    const forced = await edit(dir, 'flow.yaml', 'set', '#4', 'wait=5 days', '--force');
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('+  - wait: 5 days\n');
    expect(forced.err).toContain('flows edit: written with errors (--force): flow.yaml does not validate\n');
    expect(readFileSync(file, 'utf8')).toContain('  - wait: 5 days\n');
  });

  it('checks against the project config, or the one --config names', async () => {
    const { dir, file } = project('example-sailthru-welcome-series.yaml');
    const before = readFileSync(file, 'utf8');
    const unknown = await edit(dir, 'flow.yaml', 'set', '#3', 'destination=nowhere');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/nowhere/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect((await edit(dir, 'flow.yaml', 'remove', '#3', '--config', 'missing.yaml')).code).toBe(2);
  });

  it('says why an edit cannot be made (exit 1), and how the command is used (exit 2)', async () => {
    const { dir, file } = project('example-sailthru-welcome-series.yaml');
    const before = readFileSync(file, 'utf8');
    const unknown = await edit(dir, 'flow.yaml', 'remove', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^flows edit: no step 'nope': the steps are mark-onboarding \(#1\), welcome-email \(#2\)/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    for (const args of [
      ['flow.yaml'],
      ['flow.yaml', 'move', '#1'],
      ['flow.yaml', 'move', '#1', '--after', '#2', '--before', '#3'],
      ['flow.yaml', 'set', '#1', 'wait'],
      ['flow.yaml', 'remove', '#1', '--after', '#2'],
      ['flow.yaml', 'rename', '#1'],
      ['missing.yaml', 'remove', '#1'],
    ]) {
      const result = await edit(dir, ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toContain('usage: flows edit FILE');
    }
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
