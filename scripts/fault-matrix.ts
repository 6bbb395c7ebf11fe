/**
 * The full fault matrix: every case under test/faults/ at full size (FLOWLINE_FAULTS=full),
 * then one table of what the fakes received. `npm test` runs the same cases small.
 * Usage: npm run faults [-- --quick]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MatrixRow } from '../test/helpers/fault-matrix.ts';

const quick = process.argv.includes('--quick');
const reportFile = join(mkdtempSync(join(tmpdir(), 'fault-matrix-')), 'rows.jsonl');
const started = Date.now();
const vitest = spawnSync('npx', ['vitest', 'run', 'test/faults', '--reporter=dot', '--silent'], {
  stdio: 'inherit',
  env: { ...process.env, FLOWLINE_FAULTS: quick ? 'quick' : 'full', FLOWLINE_FAULTS_REPORT: reportFile },
});
const rows: MatrixRow[] = existsSync(reportFile)
  ? readFileSync(reportFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as MatrixRow)
  : [];

console.log(`\nfault matrix (${quick ? 'quick' : 'full'}), ${new Date().toISOString()}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log('| case | runs | calls expected | delivered | lost | delivered twice | in the at-least-once window | what happened |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const r of rows)
  console.log(`| ${r.case} | ${r.runs} | ${r.expected} | ${r.delivered} | ${r.lost} | ${r.duplicated} | ${r.window} | ${r.notes} |`);
console.log(vitest.status === 0 ? '\nevery case passed' : `\nFAILED: vitest exited with ${vitest.status}; see above`);
process.exit(vitest.status ?? 1);
