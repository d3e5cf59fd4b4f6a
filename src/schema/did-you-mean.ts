/**
 * Suggest the allowed word a misspelt one most likely meant: optimal-string-alignment distance
 * (Levenshtein plus adjacent swaps, the commonest typo), case-insensitive, with a bound that grows
 * with the word so short keys do not match everything. A word that is a prefix of an allowed one
 * ("wick" for "wickOrdered") also counts.
 */

export function editDistance(left: string, right: string): number {
  const rows = left.length + 1;
  const columns = right.length + 1;
  const table: number[][] = Array.from({ length: rows }, () => new Array<number>(columns).fill(0));
  for (let row = 0; row < rows; row++) table[row]![0] = row;
  for (let column = 0; column < columns; column++) table[0]![column] = column;
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      let best = Math.min(table[row - 1]![column]! + 1, table[row]![column - 1]! + 1, table[row - 1]![column - 1]! + cost);
      if (row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1]) {
        best = Math.min(best, table[row - 2]![column - 2]! + 1);
      }
      table[row]![column] = best;
    }
  }
  return table[left.length]![right.length]!;
}

/** The closest allowed word, or undefined when none is plausibly meant. */
export function didYouMean(word: string, allowed: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of allowed) {
    const candidateLower = candidate.toLowerCase();
    if (candidate === word) continue;
    let score = editDistance(lower, candidateLower);
    const bound = Math.max(1, Math.min(3, Math.floor(Math.max(lower.length, candidateLower.length) / 3)));
    const isPrefix = lower.length >= 3 && (candidateLower.startsWith(lower) || lower.startsWith(candidateLower));
    if (score > bound && !isPrefix) continue;
    // Prefix matches rank after genuine near-misses of the same length.
    if (score > bound) score = bound + 0.5;
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best;
}
