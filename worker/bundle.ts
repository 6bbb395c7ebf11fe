import { fileURLToPath } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';

// The sources bundle workflows/index.ts; the shipped CLI (dist/) bundles its compiled index.js beside it.
const OWN_EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const inWorkflows = (name: string) => fileURLToPath(new URL(`../workflows/${name}${OWN_EXTENSION}`, import.meta.url));

const bundled = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/**
 * The interpreter bundled once per process (and failure converter: an encrypting one must run in
 * the workflow sandbox too): every worker of the process shares it. The bundling runs in a thread
 * that ends with it (worker/bundle-thread.cjs), so webpack never loads into the process's own heap.
 */
export function workflowBundle(failureConverterPath?: string): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundled.get(failureConverterPath ?? '');
  if (!bundle) {
    bundle = new Promise<WorkflowBundleWithSourceMap>((resolve, reject) => {
      const thread = new Thread(new URL('./bundle-thread.cjs', import.meta.url), {
        workerData: { workflowsPath: inWorkflows('index'), preloadPath: inWorkflows('preload'), failureConverterPath },
      });
      let result: WorkflowBundleWithSourceMap | undefined;
      thread.once('message', (message: WorkflowBundleWithSourceMap) => (result = message));
      thread.once('error', reject);
      thread.once('exit', (code) =>
        result ? resolve(result) : reject(new Error(`bundling the workflows failed: the bundling thread exited with code ${code}`)),
      );
    });
    bundled.set(failureConverterPath ?? '', bundle);
  }
  return bundle;
}
