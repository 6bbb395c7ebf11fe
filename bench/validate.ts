/**
 * `flows validate` on 1,000 generated flows: prints time per flow for the library call
 * (parse, schema, rules, compile) and for the whole CLI process as CI runs it.
 * Usage: npm run bench:validate [-- --flows N]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { checkProject } from '../dsl/load/project.ts';

const { values } = parseArgs({ options: { flows: { type: 'string', default: '1000' }, runs: { type: 'string', default: '5' } } });
const count = Number(values.flows);
const runs = Number(values.runs);

const root = mkdtempSync(join(tmpdir(), 'flows-bench-'));
mkdirSync(join(root, 'flows'));
copyFileSync('flows.config.yaml', join(root, 'flows.config.yaml'));
const examples = readdirSync('flows').map((f) => readFileSync(join('flows', f), 'utf8'));
for (let i = 0; i < count; i++) {
  // Each generated flow differs in id, waits and one template, so nothing is trivially shared.
  const text = examples[i % examples.length]!.replace(/^flow: (.*)$/m, `flow: $1-${i}`)
    .replace(/wait: (\d+)([a-z])/g, (_, n, u) => `wait: ${Number(n) + (i % 7)}${u}`)
    .replace(/template: ([a-z0-9-]+)/, `template: $1-v${i}`);
  writeFileSync(join(root, 'flows', `flow-${String(i).padStart(4, '0')}.yaml`), text);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// In-process: the first run pays for compiling the schema; later runs are warm.
const inProcess: number[] = [];
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  const result = checkProject({ cwd: root });
  inProcess.push(performance.now() - t0);
  if (result.flows.length !== count || result.diagnostics.some((d) => d.severity === 'error')) {
    throw new Error(`expected ${count} valid flows, got ${result.flows.length}: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
  }
}

// The CLI as a CI job runs it: one process, start-up included.
const cli: number[] = [];
for (let r = 0; r < Math.min(runs, 3); r++) {
  const t0 = performance.now();
  execFileSync(process.execPath, [join(process.cwd(), 'bin/flows.js'), 'validate'], { cwd: root, stdio: 'ignore' });
  cli.push(performance.now() - t0);
}
rmSync(root, { recursive: true, force: true });

const rows = [
  ['in-process, first run (cold)', inProcess[0]!],
  [`in-process, median of ${runs}`, median(inProcess)],
  [`CLI process, median of ${cli.length}`, median(cli)],
] as const;
console.log(`flows validate on ${count} generated flows (${cpus()[0]?.model ?? 'cpu'}, ${cpus().length} cores, node ${process.version})`);
console.log('| measurement | total ms | ms per flow | flows/s |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, ms] of rows)
  console.log(`| ${name} | ${ms.toFixed(0)} | ${(ms / count).toFixed(3)} | ${((count * 1000) / ms).toFixed(0)} |`);
