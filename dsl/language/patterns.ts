import { RE2JS } from 're2js';

/**
 * `matches` patterns run on event and profile data, so they use RE2 (re2js, pure JS): matching
 * takes time linear in the input whatever the pattern, where a backtracking engine can take
 * years on `(a+)+$`. RE2 has no backreferences or lookaround; `flows validate` refuses those.
 * Pure and deterministic: the interpreter workflow evaluates conditions too.
 */
const compiled = new Map<string, RE2JS>();
// Patterns come from flow files, so the cache stays small; the cap only guards a long-lived process.
const CACHE_LIMIT = 1_000;

function compile(pattern: string): RE2JS {
  let found = compiled.get(pattern);
  if (!found) {
    found = RE2JS.compile(pattern);
    if (compiled.size >= CACHE_LIMIT) compiled.clear();
    compiled.set(pattern, found);
  }
  return found;
}

/** Does the pattern occur anywhere in the text (as JavaScript's `RegExp.test` would say)? */
export const patternMatches = (pattern: string, text: string): boolean => compile(pattern).matcher(text).find();

/** Why a pattern cannot be used by `matches`, with how to write it instead; undefined when it can. */
export function patternProblem(pattern: string): { message: string; hint: string } | undefined {
  try {
    compile(pattern);
    return undefined;
  } catch (error) {
    const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
    return {
      message: `'${pattern}' is not a regular expression matches can run: ${reason}`,
      hint: /backreference|\\[1-9]|Perl syntax: `\(\?[=!<]/.test(reason)
        ? 'matches runs in linear time (RE2 syntax): backreferences (\\1) and lookaround ((?=…), (?!…), (?<=…)) are not available; ' +
          'match the parts separately, e.g. with all: [ … ] or not:'
        : 'write RE2 syntax (like JavaScript without backreferences or lookaround; \\x{e9} instead of \\u00e9)',
    };
  }
}
