#!/usr/bin/env node
// Runs the compiled CLI in dist/ (scripts/build.ts; `npm install` and `npm test` build it), which
// starts without transpiling anything. When dist/ is missing or a source changed since it was
// built, runs the TypeScript sources through tsx instead, saying so in one line: a checkout in the
// middle of an edit still works, and never runs code older than its sources.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

/** Why dist/ cannot run, or undefined when no source it was built from (dist/build.json) changed or went since. */
function staleness() {
  let build;
  try {
    build = JSON.parse(readFileSync(new URL('dist/build.json', root), 'utf8'));
  } catch {
    return 'dist/ is not built';
  }
  for (const source of build.sources) {
    const stat = statSync(new URL(source, root), { throwIfNoEntry: false });
    if (!stat) return `${source} is gone since dist/ was built`;
    if (stat.mtimeMs > build.startedAt) return `${source} changed since dist/ was built`;
  }
  return undefined;
}

const stale = staleness();
let cli;
if (stale === undefined) {
  cli = await import('../dist/cli/main.js');
} else {
  process.stderr.write(`flows: ${stale}; running the sources through tsx (slower start). \`npm run build\` rebuilds dist/.\n`);
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../cli/main.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
