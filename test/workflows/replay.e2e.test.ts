import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { installRuntime } from '../../worker/runtime.ts';
import { workflowBundle } from '../../worker/bundle.ts';

installRuntime('WARN');
const DIR = 'test/histories';
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

/**
 * Recorded histories of every example flow (scripts/record-histories.ts) replayed through the
 * current interpreter. A change that would make a running run take a different path fails here;
 * such changes must be guarded with patched(). The `scheduled-entries--*` ones are a firing's two
 * runs (250 members, pages of 100, two pages a run) from a dev server: `one-page-a-call` by the
 * code before one activity call entered a run's pages (01febf7), `pages-a-call` by the code after.
 */
describe('replaying recorded histories through the current interpreter', () => {
  it('has a history for every example flow', () => {
    const flows = readdirSync('flows').map((f) => f.replace(/\.yaml$/, ''));
    for (const flow of flows) {
      expect(
        files.some((file) => file.startsWith(`${flow}--`)),
        flow,
      ).toBe(true);
    }
  });

  for (const file of files) {
    it(
      file.replace(/\.json$/, ''),
      async () => {
        const history: unknown = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
        await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file)).resolves.toBeUndefined();
      },
      60_000,
    );
  }
});
