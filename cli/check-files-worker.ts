// A thread of `flows validate` (cli/check-files.ts): checks its share of the files and answers
// with plain data (diagnostics and flow ids), which is all that crosses threads.
import { parentPort, workerData } from 'node:worker_threads';
import type { Diagnostic } from '../dsl/diagnostics.ts';
import { projectConfig } from '../dsl/project.ts';
import { checkFlowFile } from '../dsl/validate.ts';

export interface CheckedFile {
  file: string;
  diagnostics: Diagnostic[];
  flowId?: string;
}

if (parentPort) {
  const { configPath, cwd, files } = workerData as { configPath?: string; cwd: string; files: string[] };
  // The same config the main thread read, read again from its path.
  const { config } = projectConfig(cwd, configPath);
  const answer: CheckedFile[] = files.map((file) => {
    const result = checkFlowFile(file, config, { compile: false });
    return { file, diagnostics: result.diagnostics, ...(result.flowId ? { flowId: result.flowId.id } : {}) };
  });
  parentPort.postMessage(answer);
}
