/**
 * A sweep checked and planned without running anything (`nnft sweep --dry-run`): the file loaded,
 * every point's target and options checked exactly as a run checks them (check-point.ts), and the
 * points a shard would run.
 */
import type { SweepPlan } from './expand-sweep.js';
import { loadSweep } from './load-sweep.js';
import { checkSweepPoints } from './check-point.js';
import { inShard, type SweepShard } from './shard.js';

export interface CheckedSweep {
  plan: SweepPlan;
  /** The points the shard selects (every point without one), in point order. */
  points: { index: number; id: string; values: Record<string, unknown> }[];
}

export async function planSweep(sweepFile: string, shard: SweepShard | null = null): Promise<CheckedSweep> {
  const loaded = await loadSweep(sweepFile);
  await checkSweepPoints(loaded);
  const points = loaded.plan.points.filter((point) => inShard(point.index, shard)).map(({ index, id, values }) => ({ index, id, values }));
  return { plan: loaded.plan, points };
}
