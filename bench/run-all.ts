/**
 * Every benchmark, one after another, each printing its table: `npm run bench` (full) or
 * `npm run bench -- --quick` (a few minutes).
 */
import { spawnSync } from 'node:child_process';
import { SERVER_LOG_LEVEL } from '../dev/test-environments.ts';

const quick = process.argv.includes('--quick');
const benches: Array<[string, string[], string[]]> = [
  ['bench/validate.ts', [], ['--runs', '3']],
  ['bench/cli-start.ts', [], ['--runs', '3']],
  ['bench/interpreter-overhead.ts', [], ['--runs', '30']],
  ['bench/rate-limit.ts', [], ['--seconds', '5', '--rate', '6000/min']],
  ['bench/ingest.ts', [], ['--seconds', '3', '--rates', '25,100,200']],
  ['bench/ingest-mix.ts', [], ['--seconds', '3', '--rates', '100,400', '--users', '2000', '--stores', 'file', '--seen', '100000']],
  ['bench/waiting-runs.ts', [], ['--counts', '200,1000', '--wait', '20']],
  ['bench/step-log.ts', [], ['--runs', '10000']],
  ['bench/picture-layout.ts', [], ['--runs', '5']],
  ['bench/lsp.ts', [], ['--edits', '10']],
];
// The tables, not the dev servers' shutdown logs (set FLOWLINE_TEMPORAL_LOG_LEVEL=warn to see them).
const env = { ...process.env, [SERVER_LOG_LEVEL]: process.env[SERVER_LOG_LEVEL] || 'never' };
let failed = 0;
for (const [script, full, short] of benches) {
  console.log(`\n=== ${script}${quick ? ' (quick)' : ''}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...(quick ? short : full)], { stdio: 'inherit', env });
  if (result.status !== 0) {
    failed++;
    console.log(`${script} failed with exit code ${result.status}`);
  }
}
process.exitCode = failed ? 1 : 0;
