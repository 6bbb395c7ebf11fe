import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { FileProfileStore } from '../../store/file-store.ts';

const scratch = () => mkdtempSync(join(tmpdir(), 'durable-'));
afterEach(() => vi.restoreAllMocks());

/** Two processes on one folder, as `flows ingest` and `flows worker` are, started together; returns what each printed last. */
async function twoProcesses(mode: 'update' | 'reserve', dir: string, user: string, each: number): Promise<string[]> {
  const children = [0, 1].map(() => {
    const args = ['--import', 'tsx', 'test/helpers/store-child.ts', mode, dir, user, String(each)];
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    const ready = new Promise<void>((resolve) => child.stdout.on('data', (chunk) => (out += chunk).includes('ready') && resolve()));
    const exited = new Promise<string>((resolve, reject) =>
      child.once('exit', (code) =>
        code === 0 ? resolve(out.trim().split('\n').at(-1)!) : reject(new Error(`child exited ${code}: ${out}`)),
      ),
    );
    return { child, ready, exited };
  });
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.child.stdin.write('go\n');
  return Promise.all(children.map((c) => c.exited));
}

it('two processes on one folder lose none of 100 concurrent updates to one user', async () => {
  const dir = scratch();
  expect(await twoProcesses('update', dir, 'shared-user', 50)).toEqual(['done', 'done']);
  expect((await new FileProfileStore(dir).get('shared-user')).vars.n).toBe(100);
}, 60_000);

it('two processes on one folder reserve a cap-1 entry once per user between them', async () => {
  const dir = scratch();
  const printed = await twoProcesses('reserve', dir, 'capped-user', 20);
  expect(printed.map((p) => Number(p.split(' ')[1])).reduce((a, b) => a + b)).toBe(20);
  const store = new FileProfileStore(dir);
  for (let i = 0; i < 20; i++) expect(await store.entries('capped', `capped-user-${i}`)).toHaveLength(1);
}, 60_000);

it('an empty or corrupt profile file is moved to quarantine with one log line, and the user works again', async () => {
  const dir = scratch();
  const store = new FileProfileStore(dir);
  await store.update('ada', (p) => void (p.attributes.tier = 'gold'));
  await store.update('bob', (p) => void (p.attributes.tier = 'silver'));
  writeFileSync(join(dir, 'profiles', 'ada.json'), ''); // what a crash without fsync leaves
  writeFileSync(join(dir, 'profiles', 'bob.json'), '{"id":"bob","attri');
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);

  expect(await store.get('ada')).toEqual({ id: 'ada', attributes: {}, identities: {}, lists: [], audiences: [], vars: {} });
  expect((await store.update('bob', (p) => void (p.attributes.tier = 'bronze'))).attributes).toEqual({ tier: 'bronze' });
  expect(await store.get('ada')).toMatchObject({ attributes: {} }); // read again: nothing more to quarantine

  expect(warn).toHaveBeenCalledTimes(2);
  expect(String(warn.mock.calls[0]![0])).toMatch(/profiles\/ada\.json was unreadable .*moved it to .*quarantine/);
  expect(String(warn.mock.calls[1]![0])).toMatch(/profiles\/bob\.json was unreadable/);
  const quarantined = readdirSync(join(dir, 'quarantine', 'profiles'));
  expect(quarantined.map((f) => f.split('.json')[0]).sort()).toEqual(['ada', 'bob']);
  expect(
    readFileSync(
      join(
        dir,
        'quarantine',
        'profiles',
        quarantined.find((f) => f.startsWith('bob'))!,
      ),
      'utf8',
    ),
  ).toBe('{"id":"bob","attri');
});

it('a corrupt entry record is quarantined too, and entry rules go on for that user', async () => {
  const dir = scratch();
  const store = new FileProfileStore(dir);
  mkdirSync(join(dir, 'entries', 'welcome'), { recursive: true });
  writeFileSync(join(dir, 'entries', 'welcome', 'ada.json'), '\0\0\0\0');
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  expect(await store.entries('welcome', 'ada')).toEqual([]);
  expect(await store.reserveEntry('welcome', 'ada', { at: 1000, eventId: 'e1' }, { reentry: 'never' })).toBe('reserved');
});

it('writes leave no temp files behind, and a user id too long for a file name is stored', async () => {
  const dir = scratch();
  const store = new FileProfileStore(dir);
  const long = `user-${'é'.repeat(2_000)}`;
  await Promise.all(Array.from({ length: 10 }, (_, i) => store.update(long, (p) => void (p.vars[`v${i}`] = i))));
  expect(Object.keys((await store.get(long)).vars)).toHaveLength(10);
  expect(await store.get(`${long}x`)).toMatchObject({ vars: {} });
  expect(readdirSync(join(dir, 'profiles')).filter((f) => !f.endsWith('.json'))).toEqual([]);
});
