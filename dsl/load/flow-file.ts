import { readFileSync } from 'node:fs';
import type { FlowsConfig } from '../language/config.ts';
import { checkFlow, type CheckOptions, type FlowFileResult } from '../validate/validate.ts';

/** Reads a flow file and checks it (checkFlow checks text). */
export function checkFlowFile(file: string, config?: FlowsConfig, options?: CheckOptions): FlowFileResult {
  return checkFlow(file, readFileSync(file, 'utf8'), config, options);
}
