// `${NAME}` in flows.config.yaml: a value taken from the environment where Flowline runs.
const REFERENCE = /\$\{([A-Z_][A-Z0-9_]*)\}/g;

/** The variable names a text refers to. */
export const envReferences = (text: string): string[] => [...text.matchAll(REFERENCE)].map((m) => m[1]!);

/** The text with each reference replaced by the variable's value (empty when unset). */
export const resolveEnvReferences = (text: string, env: NodeJS.ProcessEnv): string =>
  text.replace(REFERENCE, (_, name: string) => env[name] ?? '');
