import type { FieldProblem } from './errors.ts';

/** A JSON pointer (RFC 6901) to a place in a body, for a FieldProblem's `path`. */
const pointer = (path: readonly (string | number)[]): string =>
  `/${path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

/** What is wrong with one string or key, or undefined when it is fine. */
type Check = (text: string) => string | undefined;

/**
 * Every string and key of a parsed body that a check refuses, with its place (at most 20: enough
 * to fix the sender). Iterative, so no depth of nesting can overflow the stack. A refused key's
 * value is not walked.
 */
export function fieldProblems(root: unknown, checks: { string: Check; key: Check }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: Array<[unknown, Array<string | number>]> = [[root, []]];
  while (stack.length > 0 && problems.length < 20) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      const message = checks.string(value);
      if (message) problems.push({ path: pointer(path), message });
    } else if (Array.isArray(value)) value.forEach((v, i) => stack.push([v, [...path, i]]));
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const message = checks.key(k);
        if (message) problems.push({ path: pointer(path), message });
        else stack.push([v, [...path, k]]);
      }
    }
  }
  return problems;
}
