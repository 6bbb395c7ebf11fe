import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { workflowBundle } from '../../worker/bundle.ts';

// Webpack and its caches are ~45 MB that every major garbage collection of a long-lived ingest or
// worker process would mark again: bundling happens in a thread that takes them along when it ends.
it('bundles the interpreter without loading webpack into the process', () => {
  const script = `
    import { createRequire } from 'node:module';
    const { workflowBundle } = await import(${JSON.stringify(new URL('../../worker/bundle.ts', import.meta.url).href)});
    const { code } = await workflowBundle();
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify({ bytes: code.length, webpack: loaded.filter((m) => m.includes('/node_modules/webpack/')).length }));`;
  const file = join(mkdtempSync(join(tmpdir(), 'bundle-thread-')), 'bundle.mts');
  writeFileSync(file, script);
  const out = execFileSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8' });
  const { bytes, webpack } = JSON.parse(out.trim().split('\n').at(-1)!) as { bytes: number; webpack: number };
  expect(bytes).toBeGreaterThan(100_000);
  expect(webpack).toBe(0);
});

it('says so when bundling fails, instead of hanging', async () => {
  const converter = join(mkdtempSync(join(tmpdir(), 'bundle-thread-')), 'broken-converter.cjs');
  writeFileSync(converter, 'exports.failureConverter = (;\n');
  const outcome = await workflowBundle(converter).then(
    () => 'bundled',
    (error: Error) => error.message,
  );
  expect(outcome).toMatch(/Webpack finished with errors/);
});
