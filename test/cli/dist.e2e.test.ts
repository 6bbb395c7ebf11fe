import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { mutate, random } from '../helpers/mutate.ts';

const run = promisify(execFile);
const FLOWS_BIN = resolve('bin/flows.js');
const FALLBACK = 'running the sources through tsx';

/** `flows …` as a user runs it: bin/flows.js in a process of its own. */
async function shipped(cwd: string, ...args: string[]) {
  const r = await run(process.execPath, [FLOWS_BIN, ...args], { cwd, maxBuffer: 64 << 20 }).catch((e) => e);
  return { code: r.code ?? 0, out: r.stdout as string, err: r.stderr as string };
}

/** The same command in this process, from the TypeScript sources (Ajv compiles the schemas at run time). */
async function fromSources(cwd: string, ...args: string[]) {
  let out = '';
  const code = await main(args, { cwd, out: (t) => (out += t), err: (t) => (out += t) });
  return { code, out };
}

describe('the shipped CLI (dist/)', () => {
  // npm test builds before the tests; a direct vitest run after an edit builds here, so this checks what ships.
  beforeAll(async () => {
    if ((await shipped(process.cwd(), 'help')).err.includes(FALLBACK)) await run('npm', ['run', 'build']);
  }, 180_000);

  it('reports exactly what the sources report, with the schema validators generated at build time', async () => {
    const next = random(14);
    const examples = readdirSync('flows').map((f) => readFileSync(join('flows', f), 'utf8'));
    const configText = readFileSync('flows.config.yaml', 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'flows-dist-'));
    mkdirSync(join(dir, 'flows'));
    writeFileSync(join(dir, 'flows.config.yaml'), configText);
    for (let i = 0; i < 200; i++) {
      writeFileSync(join(dir, 'flows', `f${i}.yaml`), mutate(mutate(examples[i % examples.length]!, next), next));
    }
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, `config${i}.yaml`), mutate(mutate(configText, next), next));

    const rules = new Set<string>();
    for (const args of [[], ...[0, 1, 2, 3].map((i) => ['--config', `config${i}.yaml`])]) {
      const expected = await fromSources(dir, 'validate', '--format', 'json', ...args);
      const actual = await shipped(dir, 'validate', '--format', 'json', ...args);
      expect(actual.err, 'bin/flows.js ran the sources, not dist/').toBe('');
      expect(actual.code).toBe(expected.code);
      expect(actual.out).toBe(expected.out);
      for (const d of JSON.parse(actual.out) as Array<{ rule: string }>) rules.add(d.rule);
    }
    // The mutations must reach the schema pass's own findings, or identical output proves little.
    for (const rule of ['unknown-property', 'wrong-type', 'missing-property', 'yaml-syntax']) expect(rules).toContain(rule);
  }, 120_000);
});

describe('bin/flows.js', () => {
  /** A checkout of stubs: the sources and dist/ each answer which of them ran. */
  function checkout() {
    const dir = mkdtempSync(join(tmpdir(), 'flows-bin-'));
    cpSync(FLOWS_BIN, join(dir, 'bin/flows.js'));
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    mkdirSync(join(dir, 'cli'));
    mkdirSync(join(dir, 'dist/cli'), { recursive: true });
    writeFileSync(
      join(dir, 'cli/main.ts'),
      "export const main = (argv: string[]): number => (console.log('sources', argv.join(' ')), 0);\n",
    );
    writeFileSync(join(dir, 'dist/cli/main.js'), "export const main = (argv) => (console.log('dist', argv.join(' ')), 0);\n");
    const builtAt = Date.now();
    writeFileSync(join(dir, 'dist/build.json'), JSON.stringify({ startedAt: builtAt, sources: ['cli/main.ts'] }));
    const source = join(dir, 'cli/main.ts');
    utimesSync(source, new Date(builtAt - 60_000), new Date(builtAt - 60_000));
    const flows = async () => {
      const r = await run(process.execPath, [join(dir, 'bin/flows.js'), 'validate', 'x.yaml'], { cwd: dir });
      return { out: r.stdout, err: r.stderr };
    };
    return { dir, source, builtAt, flows };
  }

  it('runs dist/ while no source is newer, and the sources with a one-line warning once one is', async () => {
    const { source, builtAt, flows } = checkout();
    expect(await flows()).toEqual({ out: 'dist validate x.yaml\n', err: '' });

    utimesSync(source, new Date(builtAt + 60_000), new Date(builtAt + 60_000));
    const stale = await flows();
    expect(stale.out).toBe('sources validate x.yaml\n');
    expect(stale.err).toBe(
      `flows: cli/main.ts changed since dist/ was built; ${FALLBACK} (slower start). \`npm run build\` rebuilds dist/.\n`,
    );
  });

  it('runs the sources, saying why, when dist/ was never built', async () => {
    const { dir, flows } = checkout();
    rmSync(join(dir, 'dist'), { recursive: true });
    const r = await flows();
    expect(r.out).toBe('sources validate x.yaml\n');
    expect(r.err).toMatch(/^flows: dist\/ is not built; running the sources through tsx .*npm run build/);
  });
});
