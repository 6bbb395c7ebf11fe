/**
 * How fast `flows validate` starts, measured side by side in one run: a bare `node -e 0`, the
 * shipped CLI (bin/flows.js running the compiled dist/) on one file as an editor's save hook runs
 * it, and on 1,000 flows in one process. Goals: one file ≤ 4× bare node; 1,000 flows < 1 s. For
 * comparison, the same CLI from its TypeScript sources through tsx (what bin/flows.js falls back
 * to when dist/ is stale). The build runs first, so the rows measure what ships.
 * Usage: npm run bench:cli [-- --runs 7 --flows 1000]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { flows: { type: 'string', default: '1000' }, runs: { type: 'string', default: '7' } } });
const count = Number(values.flows);
const runs = Number(values.runs);
const repo = process.cwd();
const FLOWS_BIN = join(repo, 'bin/flows.js');

const build = () => execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { stdio: ['ignore', 'ignore', 'inherit'] });
build();

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

// The sources through tsx, as bin/flows.js runs them when dist/ is stale.
const FROM_SOURCES = [
  '--import',
  import.meta.resolve('tsx'),
  '--input-type=module',
  '-e',
  `const { main } = await import(${JSON.stringify(pathToFileURL(join(repo, 'cli/main.ts')).href)});
process.exitCode = await main(process.argv.slice(1));`,
];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Inside one process, the same checks without start-up, on one thread and without compiling, as
// flows validate checks: the shipped modules (Ajv's validators generated at build time) and the
// sources (Ajv compiles the schemas on the first check).
type Check = (options: { cwd: string; paths?: string[]; compile: false }) => unknown;
const shipped = ((await import(pathToFileURL(join(repo, 'dist/dsl/load/project.js')).href)) as { checkProject: Check }).checkProject;
const { checkProject: fromSources } = await import('../dsl/load/project.ts');
const inProcess = (check: Check, cwd: string, paths?: string[]) => {
  const t0 = performance.now();
  check({ cwd, ...(paths ? { paths } : {}), compile: false });
  return performance.now() - t0;
};
const firstShipped = inProcess(shipped, one, ['flows/welcome.yaml']);
const firstSources = inProcess(fromSources, one, ['flows/welcome.yaml']);
const nextCheck = inProcess(shipped, one, ['flows/welcome.yaml']);
const manyInProcess = inProcess(shipped, many);

// GNU time gives each child's CPU seconds, which a loaded machine disturbs less than wall time.
const gnuTime = process.platform === 'linux' && existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const cpuFile = join(scratch, 'cpu');

/** One fresh process: wall ms, CPU ms (user + system) where GNU time is there, and what it printed on stderr. */
function once(args: string[], cwd: string): { wall: number; cpu: number; stderr: string } {
  const t0 = performance.now();
  const [command, argv] = gnuTime ? [gnuTime, ['-f', '%U %S', '-o', cpuFile, process.execPath, ...args]] : [process.execPath, args];
  const child = spawnSync(command, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const wall = performance.now() - t0;
  const cpu = gnuTime
    ? readFileSync(cpuFile, 'utf8')
        .trim()
        .split(/\s+/)
        .map(Number)
        .reduce((a, b) => a + b, 0) * 1000
    : NaN;
  return { wall, cpu, stderr: child.stderr };
}

const commands: Array<[string, string[], string]> = [
  ['node -e 0 (bare Node start)', ['-e', '0'], repo],
  ['flows validate, one file (bin/flows.js: dist/, as shipped)', [FLOWS_BIN, 'validate', 'flows/welcome.yaml'], one],
  [`flows validate, ${count} flows (bin/flows.js: dist/, as shipped)`, [FLOWS_BIN, 'validate'], many],
  ['flows validate, one file (the sources through tsx)', [...FROM_SOURCES, 'validate', 'flows/welcome.yaml'], one],
  [`flows validate, ${count} flows (the sources through tsx)`, [...FROM_SOURCES, 'validate'], many],
];
// Side by side: each round runs every command once, so a burst of load hits all of them alike;
// one unmeasured round first (file cache, tsx's transform cache). A round in which a source changed
// (bin/flows.js then runs the sources) is built again and run again.
const samples = commands.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
let rebuilds = 0;
for (let round = 0; round <= runs; round++) {
  const measured = commands.map(([, args, cwd]) => once(args, cwd));
  if (measured.some((m) => m.stderr.includes('running the sources'))) {
    if (++rebuilds > 5) throw new Error('sources keep changing while the benchmark runs; bin/flows.js keeps falling back to them');
    build();
    round--;
    continue;
  }
  const noisy = measured.find((m) => m.stderr);
  if (noisy) throw new Error(`a command printed on stderr, so its figures mean little: ${noisy.stderr}`);
  if (round > 0)
    measured.forEach(({ wall, cpu }, i) => {
      samples[i]!.wall.push(wall);
      samples[i]!.cpu.push(cpu);
    });
}
const rows: Array<[string, number, number]> = commands.map(([name], i) => [name, median(samples[i]!.wall), median(samples[i]!.cpu)]);
rows.push(
  ['in-process: first check of one file (dist/: validators generated at build time)', firstShipped, NaN],
  ['in-process: first check of one file (sources: Ajv compiles the schemas)', firstSources, NaN],
  ['in-process: next check of one file', nextCheck, NaN],
  [`in-process: ${count} flows (dist/, one thread)`, manyInProcess, NaN],
);
rmSync(scratch, { recursive: true, force: true });

const bare = rows[0]![1];
const bareCpu = rows[0]![2];
const ms = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(0));
const ratio = (x: number, of: number) => (Number.isNaN(x) ? '–' : (x / of).toFixed(1));
const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
console.log(
  `flows CLI start-up, median of ${runs} rounds, every command once per round (${cpus()[0]?.model ?? 'cpu'}, ${cpus().length} cores, node ${process.version}, load average ${load})`,
);
console.log('| measurement | wall ms | × bare node | CPU ms | × bare node (CPU) |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [name, wall, cpu] of rows) console.log(`| ${name} | ${ms(wall)} | ${ratio(wall, bare)} | ${ms(cpu)} | ${ratio(cpu, bareCpu)} |`);
const oneFile = rows[1]![1];
const manyFlows = rows[2]![1];
console.log(
  `\ngoals: one file ≤ 4× bare node: ${(oneFile / bare).toFixed(1)}× ${oneFile / bare <= 4 ? 'met' : 'NOT met'}; ` +
    `${count} flows < 1 s: ${(manyFlows / 1000).toFixed(2)} s ${manyFlows < 1000 ? 'met' : 'NOT met'} (as shipped, bin/flows.js)`,
);
