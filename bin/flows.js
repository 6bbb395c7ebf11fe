#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so the CLI, the worker and the tests
// all execute the same files with the same paths; there is no build output to go stale.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
