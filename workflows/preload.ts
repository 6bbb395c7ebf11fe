// Evaluated once per workflow context and shared by every run (worker/bundle-thread.cjs
// preloadModules): pure modules whose module scope each run would otherwise evaluate again.
// Imported here, as the interpreter imports them, so the bundle resolves them to the same modules
// (a require from the bundler's list picks their CommonJS builds instead, which no run uses).
// Only modules without state a run could change: the flow language's tables, conditions and
// descriptions (dsl/patterns.ts caches compiled patterns, the same for every run), and the
// interpreter itself, whose module scope holds only activity proxies, signal and query
// definitions and tables: a run's state lives in its own call of the workflow function. Keep it
// so: a `let` or a cache at module scope in workflows/ would be shared by every run of a worker.
import 'luxon';
import 're2js';
import '../activities/types.ts';
import '../dsl/channels.ts';
import '../dsl/describe.ts';
import '../dsl/destination-defaults.ts';
import '../dsl/event.ts';
import '../dsl/ir.ts';
import '../dsl/lifecycle.ts';
import '../dsl/step-kinds.ts';
import '../profiles/step-rollup.ts';
import './index.ts';
