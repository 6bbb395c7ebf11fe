import { Liquid } from 'liquidjs';

/** A string of the flow after compilation: plain text, or Liquid with the variables it reads. */
export type TemplateIR = string | { $liquid: string; refs: string[] };

export const TEMPLATE_ROOTS = ['event', 'profile', 'vars'] as const;

// strictFilters makes an unknown filter a parse error, so `flows validate` reports it.
export const liquid = new Liquid({ strictFilters: true });

const hasMarkup = (text: string): boolean => text.includes('{{') || text.includes('{%');

export interface TemplateProblem {
  kind: 'syntax' | 'root';
  message: string;
  root?: string;
}

/** Parse a template and list what is wrong with it; an empty list means it is fine. */
export function checkTemplate(text: string): TemplateProblem[] {
  if (!hasMarkup(text)) return [];
  let segments: Array<Array<string | number>>;
  try {
    segments = liquid.globalVariableSegmentsSync(liquid.parse(text)) as Array<Array<string | number>>;
  } catch (error) {
    return [{ kind: 'syntax', message: firstLine((error as Error).message) }];
  }
  const problems: TemplateProblem[] = [];
  for (const segment of segments) {
    const root = String(segment[0]);
    if (!(TEMPLATE_ROOTS as readonly string[]).includes(root) && !problems.some((p) => p.root === root)) {
      problems.push({ kind: 'root', root, message: `template reads '${root}', which is not one of event, profile, vars` });
    }
  }
  return problems;
}

/** Pre-parsed form: constant text stays a string; Liquid keeps its source and the paths it reads. */
export function compileTemplate(text: string): TemplateIR {
  if (!hasMarkup(text)) return text;
  const segments = liquid.globalVariableSegmentsSync(liquid.parse(text)) as Array<Array<string | number>>;
  const refs = [...new Set(segments.map((s) => s.map(String).join('.')))].sort();
  return { $liquid: text, refs };
}

/** The `vars.X` names a template reads. */
export function templateVarRefs(text: string): string[] {
  if (!hasMarkup(text)) return [];
  try {
    return (liquid.globalVariableSegmentsSync(liquid.parse(text)) as Array<Array<string | number>>)
      .filter((s) => s[0] === 'vars' && s.length > 1)
      .map((s) => String(s[1]));
  } catch {
    return [];
  }
}

const firstLine = (message: string): string => message.split('\n')[0]!.replace(/, line:\d+, col:\d+$/, '');
