/**
 * Per-batch data for nnft action: independent replica estimates combined into one result, or a
 * file's delete-one-batch jackknife replicates turned back into per-batch blocks (docs/reconstruct.md).
 */
import type { CorrelatorBlock, CorrelatorResult } from '../io/result.js';
import type { CorrelatorBlocks } from './index.js';

export function block(result: CorrelatorResult, order: number): CorrelatorBlock | undefined {
  return result.correlators.find((entry) => entry.order === order);
}

/** Mean of independent replica estimates, errors their spread / sqrt(K). */
export function combineReplicas(replicas: readonly CorrelatorResult[], rootSeed: number): CorrelatorResult {
  const count = replicas.length;
  const first = replicas[0]!;
  const correlators = first.correlators.map((entry) => {
    const all = replicas.map((result) => block(result, entry.order)!.values);
    const values = entry.values.map((_, i) => all.reduce((sum, v) => sum + v[i]!, 0) / count);
    // each replica's own jackknife error (from its batches) is far steadier than the spread of K replicas
    const own = replicas.map((result) => block(result, entry.order)!.stderr);
    const stderr = values.map((_, i) => Math.sqrt(own.reduce((sum, e) => sum + e[i]! ** 2, 0)) / count);
    return { order: entry.order, indices: entry.indices, values, stderr };
  });
  const sum = (key: string) => replicas.reduce((total, result) => total + (typeof result[key] === 'number' ? (result[key] as number) : Number.NaN), 0);
  const { varianceReduction: _dropped, chunks: _chunks, ...rest } = first;
  return {
    ...rest,
    correlators,
    seed: rootSeed,
    replicas: count,
    replicaSeeds: replicas.map((result) => result.seed),
    ensembleSize: sum('ensembleSize'),
    effectiveSampleSize: sum('effectiveSampleSize'),
    seconds: sum('seconds'),
    errors: `one standard error: sqrt(sum of the ${count} replicas' own jackknife variances) / ${count}`,
  };
}

/**
 * Per-batch blocks equivalent to a file's delete-one-batch jackknife replicates r_b (B of them, the
 * same B in every block used): batch b holds value + (B - 1)(mean_r - r_b), so the batches average to
 * the stated value and their leave-one-out means are value + (r_b - mean_r): every jackknife over them
 * (vertex errors, refitted couplings, the correlation of the values) is the file's own. Null, with the
 * reason, when G_c2 or G_c4 has no replicates or the batch counts differ; a G_c6 block without them
 * is left out of the batches (its fits then keep the fit's own errors).
 */
export function batchesFromReplicates(result: CorrelatorResult): { batches: CorrelatorBlocks[]; count: number } | { reason: string } {
  const two = block(result, 2);
  const four = block(result, 4);
  const six = block(result, 6);
  if (!two?.replicates || !four?.replicates) return { reason: 'the file has no jackknife replicates for G_c2 and G_c4' };
  const count = two.replicates[0]?.length ?? 0;
  if (count < 2 || (four.replicates[0]?.length ?? 0) !== count) return { reason: `the G_c2 and G_c4 replicates have different batch counts (${count} and ${four.replicates[0]?.length ?? 0})` };
  const useSix = six?.replicates !== undefined && (six.replicates[0]?.length ?? 0) === count;
  const pseudo = (entry: CorrelatorBlock, b: number): CorrelatorBlock => ({
    order: entry.order,
    indices: entry.indices,
    values: entry.values.map((value, i) => {
      const row = entry.replicates![i]!;
      const mean = row.reduce((sum, r) => sum + r, 0) / count;
      return value + (count - 1) * (mean - row[b]!);
    }),
    stderr: entry.stderr,
  });
  const batches = Array.from({ length: count }, (_, b) => ({ twoPoint: pseudo(two, b), fourPoint: pseudo(four, b), ...(useSix ? { sixPoint: pseudo(six!, b) } : {}) }));
  return { batches, count };
}
