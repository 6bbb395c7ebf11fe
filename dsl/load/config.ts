import { readFileSync } from 'node:fs';
import { checkConfig, type ConfigResult } from '../validate/config.ts';

/** Reads flows.config.yaml and checks it; the findings say what is wrong where, the config is read past them for reporting. */
export function loadConfig(file: string, text = readFileSync(file, 'utf8')): ConfigResult {
  return checkConfig(file, text);
}
