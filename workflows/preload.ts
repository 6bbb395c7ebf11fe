// Evaluated once per workflow context and shared by every run (worker/bundle-thread.cjs
// preloadModules): modules whose module scope each run would otherwise evaluate again.
// The interpreter's entry brings in every module it imports (the flow language's tables,
// conditions and descriptions; dsl/language/patterns.ts caches compiled patterns, the same for every run).
// Only modules without state a run could change: the interpreter's module scope holds only
// activity proxies, signal and query definitions and tables, and a run's state lives in its own
// call of the workflow function. Keep it so: a `let` or a cache at module scope in workflows/
// would be shared by every run of a worker.
// luxon and re2js are named too: test/worker/workflow-preload.e2e.test.ts checks that they resolve to the
// very modules the interpreter uses (a require from the bundler's list picks their CommonJS
// builds instead, which no run uses).
import 'luxon';
import 're2js';
import './index.ts';
