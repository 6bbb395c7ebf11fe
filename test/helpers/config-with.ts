import { readFileSync } from 'node:fs';
import { loadConfig } from '../../dsl/load/config.ts';
import type { ConfigResult } from '../../dsl/validate/config.ts';

/** The repository's flows.config.yaml with more YAML appended (e.g. the guardrails under test). */
export const configWith = (extra: string): ConfigResult =>
  loadConfig('flows.config.yaml', `${readFileSync('flows.config.yaml', 'utf8')}\n${extra}`);
