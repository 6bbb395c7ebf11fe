import { pointer, type FieldProblem } from './errors.ts';

// In `u` mode a surrogate pair is one code point, so this matches only a surrogate standing alone.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Every string and key that is not well-formed Unicode (a lone UTF-16 surrogate such as
 * `"\ud800"`), with its place (at most 20). Such a value cannot become a file name, a PostgreSQL
 * text or a workflow id: refused here, it is the sender's 400 instead of a 500 on every retry.
 */
export function illFormedStrings(root: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: Array<[unknown, Array<string | number>]> = [[root, []]];
  const message = 'is not well-formed Unicode (it holds a lone UTF-16 surrogate); send text as UTF-8';
  while (stack.length > 0 && problems.length < 20) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) problems.push({ path: pointer(path), message });
    } else if (Array.isArray(value)) value.forEach((v, i) => stack.push([v, [...path, i]]));
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (LONE_SURROGATE.test(k)) problems.push({ path: pointer(path), message: `has a key that ${message}` });
        else stack.push([v, [...path, k]]);
      }
    }
  }
  return problems.reverse();
}
