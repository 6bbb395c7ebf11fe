import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ProjectSetup } from '../dsl/project.ts';
import { checkFlowFile, type FlowFileResult } from '../dsl/validate.ts';
import type { CheckedFile } from './check-files-worker.ts';

/** Files per extra thread below which it does not pay: a worker first loads the checker (~100 ms). */
const FILES_PER_THREAD = 200;

/**
 * Checks the setup's flow files without compiling them, spread over the machine's cores when
 * there are enough: this thread checks the first share while workers check the rest. Only the
 * compiled CLI (dist/) starts workers; from the TypeScript sources a worker could not load them.
 */
export async function checkFiles(setup: ProjectSetup): Promise<FlowFileResult[]> {
  const check = (file: string) => checkFlowFile(file, setup.config, { compile: false });
  const threads = Math.min(availableParallelism(), Math.floor(setup.files.length / FILES_PER_THREAD));
  const worker = new URL('./check-files-worker.js', import.meta.url);
  if (threads < 2 || !import.meta.url.endsWith('.js')) return setup.files.map(check);
  const share = Math.ceil(setup.files.length / threads);
  const shares = Array.from({ length: threads }, (_, i) => setup.files.slice(i * share, (i + 1) * share));
  const others = shares.slice(1).map((files) => inWorker(worker, setup, files));
  const mine = shares[0]!.map(check);
  const theirs = (await Promise.all(others)).flat().map((r): FlowFileResult => ({
    file: r.file,
    diagnostics: r.diagnostics,
    // Where the id is written is read again only for a duplicate-flow-id finding.
    ...(r.flowId !== undefined ? { flowId: { id: r.flowId, place: () => check(r.file).flowId!.place() } } : {}),
  }));
  return [...mine, ...theirs];
}

function inWorker(url: URL, setup: ProjectSetup, files: string[]): Promise<CheckedFile[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { workerData: { configPath: setup.configPath, cwd: setup.cwd, files } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the checking thread stopped (exit code ${code}) before it answered`)));
  });
}
