// Bundles the interpreter in a worker thread of its own (worker/bundle.ts starts it): webpack and
// what it caches, ~45 MB that would otherwise stay live in the main heap for the life of the
// process, go with the thread. Every major garbage collection of an ingest or worker process would
// mark them again, and on a small machine that marking competes with requests for the CPU.
// CommonJS, so a thread runs it without a TypeScript loader (a thread inherits none).
const { parentPort, workerData } = require('node:worker_threads');
const { bundleWorkflowCode } = require('@temporalio/worker');

const { workflowsPath, preloadPath, failureConverterPath } = workerData;
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };

/**
 * The SDK compiles TypeScript for ES2017, so every object spread in the interpreter became a call
 * of swc's helpers (`_object_spread`, `_define_property`), a cost on each step of each run. The
 * workflow sandbox is this Node's V8, which runs ES2022 as it is.
 */
function modernSyntax(rule) {
  const options = rule.use && rule.use.options;
  if (!options || !options.jsc) return rule;
  return { ...rule, use: { ...rule.use, options: { ...options, jsc: { ...options.jsc, target: 'es2022' } } } };
}

bundleWorkflowCode({
  workflowsPath,
  logger: quiet,
  // Pure libraries whose module scope every run would otherwise evaluate again (the reusable
  // context gives each run its own module cache): see workflows/preload.ts.
  preloadModules: [preloadPath],
  // luxon and re2js declare no side effects, so webpack would drop imports whose bindings are
  // unused, which the preload's are: the preload then evaluated nothing. Keep every import.
  webpackConfigHook: (config) => ({
    ...config,
    optimization: { ...config.optimization, sideEffects: false },
    module: { ...config.module, rules: config.module.rules.map(modernSyntax) },
  }),
  ...(failureConverterPath ? { failureConverterPath } : {}),
}).then(({ code, sourceMap }) => parentPort.postMessage({ code, sourceMap }));
