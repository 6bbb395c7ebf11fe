/**
 * How fast `flows validate` starts, measured side by side in one run: a bare `node -e 0`, the
 * CLI on one file as an editor's save hook runs it, and the CLI on 1,000 flows in one process.
 * Goals: one file ≤ 4× bare node; 1,000 flows < 1 s. The breakdown rows say where the time
 * goes: tsx's loader alone, and the same CLI precompiled with esbuild (an experiment in a
 * scratch folder; the CLI ships as before).
 * Usage: npm run bench:cli [-- --runs 7 --flows 1000]
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { flows: { type: 'string', default: '1000' }, runs: { type: 'string', default: '7' } } });
const count = Number(values.flows);
const runs = Number(values.runs);
const repo = process.cwd();
const FLOWS_BIN = join(repo, 'bin/flows.js');

// Two projects: one flow file, and `count` generated flows (as bench/validate.ts makes them).
const scratch = mkdtempSync(join(tmpdir(), 'flows-cli-start-'));
const one = join(scratch, 'one');
const many = join(scratch, 'many');
const examples = readdirSync('flows').map((f) => readFileSync(join('flows', f), 'utf8'));
for (const dir of [one, many]) {
  mkdirSync(join(dir, 'flows'), { recursive: true });
  copyFileSync('flows.config.yaml', join(dir, 'flows.config.yaml'));
}
writeFileSync(join(one, 'flows', 'welcome.yaml'), examples[0]!);
for (let i = 0; i < count; i++) {
  const text = examples[i % examples.length]!.replace(/^flow: (.*)$/m, `flow: $1-${i}`)
    .replace(/wait: (\d+)([a-z])/g, (_, n, u) => `wait: ${Number(n) + (i % 7)}${u}`)
    .replace(/template: ([a-z0-9-]+)/, `template: $1-v${i}`);
  writeFileSync(join(many, 'flows', `flow-${String(i).padStart(4, '0')}.yaml`), text);
}

// The experiment: the CLI bundled by esbuild (tsx's own dependency) into the scratch folder,
// each command a chunk of its own as in the sources, packages left to node_modules, the
// schemas beside it where dsl/schema-check.ts looks for them (one folder up).
const built = join(scratch, 'built');
mkdirSync(join(built, 'cli'), { recursive: true });
symlinkSync(join(repo, 'node_modules'), join(built, 'node_modules'));
cpSync(join(repo, 'schema'), join(built, 'schema'), { recursive: true });
writeFileSync(
  join(built, 'entry.ts'),
  `import { main } from ${JSON.stringify(join(repo, 'cli/main.ts'))};\nprocess.exitCode = await main(process.argv.slice(2));\n`,
);
const esbuild = (await import('esbuild')) as typeof import('esbuild');
const buildStart = performance.now();
await esbuild.build({
  entryPoints: { flows: join(built, 'entry.ts') },
  outdir: join(built, 'cli'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'error',
});
const buildMs = performance.now() - buildStart;
const BUILT_BIN = join(built, 'cli', 'flows.mjs');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Inside one process, the same checks without start-up: the first pays for compiling the JSON
// Schemas with Ajv (dsl/schema-check.ts), the next one does not.
const { checkProject } = await import('../dsl/project.ts');
const inProcess = (cwd: string, paths?: string[]) => {
  const t0 = performance.now();
  checkProject({ cwd, ...(paths ? { paths } : {}) });
  return performance.now() - t0;
};
const firstCheck = inProcess(one, ['flows/welcome.yaml']);
const nextCheck = inProcess(one, ['flows/welcome.yaml']);
const manyInProcess = inProcess(many);

// GNU time gives each child's CPU seconds, which a loaded machine disturbs less than wall time.
const gnuTime = process.platform === 'linux' && existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const cpuFile = join(scratch, 'cpu');

/** One fresh process: wall ms, and CPU ms (user + system) where GNU time is there. */
function once(args: string[], cwd: string): { wall: number; cpu: number } {
  const t0 = performance.now();
  if (gnuTime) execFileSync(gnuTime, ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args], { cwd, stdio: 'ignore' });
  else execFileSync(process.execPath, args, { cwd, stdio: 'ignore' });
  const wall = performance.now() - t0;
  const cpu = gnuTime
    ? readFileSync(cpuFile, 'utf8')
        .trim()
        .split(/\s+/)
        .map(Number)
        .reduce((a, b) => a + b, 0) * 1000
    : NaN;
  return { wall, cpu };
}

const commands: Array<[string, string[], string]> = [
  ['node -e 0 (bare Node start)', ['-e', '0'], repo],
  ['node --import tsx -e 0 (tsx loader only)', ['--import', 'tsx', '-e', '0'], repo],
  ['flows validate, one file (bin/flows.js, tsx)', [FLOWS_BIN, 'validate', 'flows/welcome.yaml'], one],
  ['flows validate, one file (precompiled, esbuild)', [BUILT_BIN, 'validate', 'flows/welcome.yaml'], one],
  [`flows validate, ${count} flows (bin/flows.js, tsx)`, [FLOWS_BIN, 'validate'], many],
  [`flows validate, ${count} flows (precompiled, esbuild)`, [BUILT_BIN, 'validate'], many],
];
// Side by side: each round runs every command once, so a burst of load hits all of them alike;
// one unmeasured round first (file cache, tsx's transform cache).
const samples = commands.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
for (let round = 0; round <= runs; round++) {
  commands.forEach(([, args, cwd], i) => {
    const { wall, cpu } = once(args, cwd);
    if (round > 0) {
      samples[i]!.wall.push(wall);
      samples[i]!.cpu.push(cpu);
    }
  });
}
const rows: Array<[string, number, number]> = commands.map(([name], i) => [name, median(samples[i]!.wall), median(samples[i]!.cpu)]);
rows.push(
  ['in-process: first check of one file (Ajv compiles the schemas)', firstCheck, NaN],
  ['in-process: next check of one file', nextCheck, NaN],
  [`in-process: ${count} flows, schemas already compiled`, manyInProcess, NaN],
);
rmSync(scratch, { recursive: true, force: true });

const bare = rows[0]![1];
const bareCpu = rows[0]![2];
const ms = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(0));
const ratio = (x: number, of: number) => (Number.isNaN(x) ? '–' : (x / of).toFixed(1));
console.log(
  `flows CLI start-up, median of ${runs} rounds, every command once per round (${cpus()[0]?.model ?? 'cpu'}, ${cpus().length} cores, node ${process.version})`,
);
console.log('| measurement | wall ms | × bare node | CPU ms | × bare node (CPU) |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [name, wall, cpu] of rows) console.log(`| ${name} | ${ms(wall)} | ${ratio(wall, bare)} | ${ms(cpu)} | ${ratio(cpu, bareCpu)} |`);
const oneFile = rows[2]![1];
const manyFlows = rows[4]![1];
console.log(
  `\ngoals: one file ≤ 4× bare node: ${(oneFile / bare).toFixed(1)}× ${oneFile / bare <= 4 ? 'met' : 'NOT met'}; ` +
    `${count} flows < 1 s: ${(manyFlows / 1000).toFixed(2)} s ${manyFlows < 1000 ? 'met' : 'NOT met'} (as shipped, bin/flows.js)`,
);
console.log(`(the esbuild bundle of the CLI took ${buildMs.toFixed(0)} ms to build, in ${resolve(built)}, since removed)`);
