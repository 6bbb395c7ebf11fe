import type { FieldProblem } from './errors.ts';
import { fieldProblems } from './field-walk.ts';

// In `u` mode a surrogate pair is one code point, so this matches only a surrogate standing alone.
const LONE_SURROGATE = /\p{Surrogate}/u;
const ILL_FORMED = 'is not well-formed Unicode (it holds a lone UTF-16 surrogate); send text as UTF-8';

/**
 * Every string and key that is not well-formed Unicode (a lone UTF-16 surrogate such as
 * `"\ud800"`), with its place (at most 20), in the order they appear. Such a value cannot become
 * a file name, a PostgreSQL text or a workflow id: refused here, it is the sender's 400 instead of
 * a 500 on every retry.
 */
export const illFormedStrings = (root: unknown): FieldProblem[] =>
  fieldProblems(root, {
    string: (text) => (LONE_SURROGATE.test(text) ? ILL_FORMED : undefined),
    key: (key) => (LONE_SURROGATE.test(key) ? `has a key that ${ILL_FORMED}` : undefined),
  }).reverse();
