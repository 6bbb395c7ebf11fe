import { closest, distance } from 'fastest-levenshtein';

/** "did you mean" for a misspelt name: the closest candidate when it is near enough to be a typo. */
function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word, candidates);
  const limit = Math.max(2, Math.floor(best.length / 3));
  return distance(word, best) <= limit ? best : undefined;
}

export const suggestion = (word: string, candidates: readonly string[]): string | undefined => {
  const best = didYouMean(word, candidates);
  return best === undefined ? undefined : `did you mean '${best}'?`;
};

/**
 * The one candidate a misspelt word surely means: near enough to be a typo and strictly nearer
 * than every other candidate. Validation reads the misspelt key as this one, so a tie means nothing.
 */
export function uniqueMatch(word: string, candidates: readonly string[]): string | undefined {
  const best = didYouMean(word, candidates);
  if (best === undefined) return undefined;
  const d = distance(word, best);
  return candidates.some((c) => c !== best && distance(word, c) <= d) ? undefined : best;
}
