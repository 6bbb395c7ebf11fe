import { createRequire } from 'node:module';

// liquidjs ships CommonJS only. Imported from ESM, Node 20 first scans its 180 KB for the names it
// exports (cjs-module-lexer); required, it is the same module (one in the require cache) loaded
// ~25 ms sooner, which is a tenth of `flows validate` on one file.
const { Liquid } = createRequire(import.meta.url)('liquidjs') as typeof import('liquidjs');

/** A string of the flow after compilation: plain text, or Liquid with the variables it reads. */
export type TemplateIR = string | { $liquid: string; refs: string[] };

const TEMPLATE_ROOTS = ['event', 'profile', 'vars'] as const;

/**
 * Bounds on one template, so data or a careless loop (`{% for i in (1..100000000) %}`) cannot stall
 * a worker: a message template is a few KB and renders in microseconds, far inside all three.
 */
const TEMPLATE_LIMITS = {
  /** Characters of template source. */
  parseLimit: 100_000,
  /** Milliseconds of rendering (checked between tags, so one filter can overrun it a little). */
  renderLimit: 250,
  /** Characters and list items created while rendering (ranges, joins, appends …). */
  memoryLimit: 10_000_000,
} as const;

// strictFilters makes an unknown filter a parse error, so `flows validate` reports it.
export const liquid = new Liquid({ strictFilters: true, ...TEMPLATE_LIMITS });

/** What a liquidjs "… limit exceeded" error says the template did, naming the limit; undefined for other errors. */
export function exceededLimit(error: unknown): string | undefined {
  const text = String((error as { originalError?: Error })?.originalError?.message ?? (error as Error)?.message ?? '');
  const n = (limit: number): string => limit.toLocaleString('en');
  if (text.startsWith('parse length limit exceeded')) return `is longer than ${n(TEMPLATE_LIMITS.parseLimit)} characters (parseLimit)`;
  if (text.startsWith('template render limit exceeded')) return `rendered for more than ${TEMPLATE_LIMITS.renderLimit} ms (renderLimit)`;
  if (text.startsWith('memory alloc limit exceeded')) {
    return `created more than ${n(TEMPLATE_LIMITS.memoryLimit)} characters or list items while rendering (memoryLimit)`;
  }
  return undefined;
}

const hasMarkup = (text: string): boolean => text.includes('{{') || text.includes('{%');

type Analysis = { paths: string[][] } | { error: string; tooLong?: true };

// Validation, the vars rule and the compiler all ask about the same strings: parse each once.
const analyses = new Map<string, Analysis>();
const CACHE_LIMIT = 10_000;

/** The variable paths a template reads from outside itself, or why it does not parse. */
function analyze(text: string): Analysis {
  let found = analyses.get(text);
  if (!found) {
    try {
      const segments = liquid.globalVariableSegmentsSync(liquid.parse(text)) as Array<Array<string | number>>;
      found = { paths: segments.map((s) => s.map(String)) };
    } catch (error) {
      const limit = exceededLimit(error);
      // Liquid's own words, but not "undefined filter": that reads as a bug of ours, not a typo of theirs.
      const first = (error as Error).message
        .split('\n')[0]!
        .replace(/, line:\d+, col:\d+$/, '')
        .replace(/^undefined filter/, 'unknown filter');
      found = limit ? { error: `template ${limit}`, tooLong: true } : { error: first };
    }
    if (analyses.size >= CACHE_LIMIT) analyses.clear();
    analyses.set(text, found);
  }
  return found;
}

export interface TemplateProblem {
  kind: 'syntax' | 'length' | 'root';
  message: string;
  root?: string;
}

/** What is wrong with a template; an empty list means it is fine. */
export function checkTemplate(text: string): TemplateProblem[] {
  if (!hasMarkup(text)) return [];
  const analysis = analyze(text);
  if ('error' in analysis) return [{ kind: analysis.tooLong ? 'length' : 'syntax', message: analysis.error }];
  const roots = [...new Set(analysis.paths.map((p) => p[0]!))];
  return roots
    .filter((root) => !(TEMPLATE_ROOTS as readonly string[]).includes(root))
    .map((root) => ({ kind: 'root' as const, root, message: `template reads '${root}', which is not one of event, profile, vars` }));
}

/** Pre-parsed form: constant text stays a string; Liquid keeps its source and the paths it reads. */
export function compileTemplate(text: string): TemplateIR {
  if (!hasMarkup(text)) return text;
  const analysis = analyze(text);
  if ('error' in analysis) throw new Error(`template does not parse: ${analysis.error}`);
  return { $liquid: text, refs: [...new Set(analysis.paths.map((p) => p.join('.')))].sort() };
}

/** The `vars.X` names a template reads. */
export function templateVarRefs(text: string): string[] {
  if (!hasMarkup(text)) return [];
  const analysis = analyze(text);
  return 'error' in analysis ? [] : analysis.paths.filter((p) => p[0] === 'vars' && p.length > 1).map((p) => p[1]!);
}
