// The workflow bundle's entry: the worker loads every workflow type exported here.
export { flowRun } from './flow-run.ts';
export { scheduledEntries } from './scheduled-entries.ts';
