import type { DestinationType } from './capabilities.ts';
import type { GuardrailsIR } from './guardrails.ts';

export const DEFAULT_CONFIG_FILE = 'flows.config.yaml';

export interface DestinationConfig {
  name: string;
  type: DestinationType;
  [setting: string]: unknown;
}

/** flows.config.yaml as the rest of Flowline reads it, once checked (dsl/validate/config.ts). */
export interface FlowsConfig {
  file?: string;
  timezone: string;
  retry?: { attempts?: number; backoff?: string };
  /** Frequency caps, quiet hours and suppression (absent when the file has none). */
  guardrails?: GuardrailsIR;
  destinations: Map<string, DestinationConfig>;
  /**
   * Destinations the file names with no known type (only when it has errors): flows naming
   * them are not told they are undefined, since the config's own finding says what is wrong.
   */
  unusable?: ReadonlySet<string>;
}

export const emptyConfig = (): FlowsConfig => ({ timezone: 'UTC', destinations: new Map() });
