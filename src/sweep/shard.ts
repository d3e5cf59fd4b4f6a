/** Deterministic shards: point k belongs to shard k mod n, so shards partition the sweep exactly. */
import { NnftError } from '../errors.js';

export interface SweepShard {
  /** 0-based shard index, 0 <= index < count (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX). */
  index: number;
  count: number;
}

/** Parse "i/n" (0-based i). */
export function parseShard(text: string): SweepShard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new NnftError('E_USAGE', `--shard ${JSON.stringify(text)} is not of the form i/n`, { hint: 'e.g. --shard 0/4 for the first of four shards (0-based)' });
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index >= count) {
    throw new NnftError('E_USAGE', `--shard ${text}: need 0 <= i < n`, { hint: `shards of ${count} are numbered 0..${Math.max(0, count - 1)}` });
  }
  return { index, count };
}

export function inShard(pointIndex: number, shard: SweepShard | null | undefined): boolean {
  return !shard || pointIndex % shard.count === shard.index;
}
