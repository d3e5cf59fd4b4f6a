/**
 * The exact connected functions of a network family that knows only its exact moments: joint
 * cumulants (numeric/cumulants.ts) of Architecture.exactMoment, for the families whose connected
 * functions have no direct form (hidden-layer nets, the lattice cos-net, a cos-net with a shared scale).
 */
import { jointCumulant, memoizeMoments } from '../numeric/cumulants.js';
import type { Architecture, Points } from './architecture.js';

/**
 * Joint cumulants of an architecture's exact moments over index tuples (the moments memoised across
 * the tuples), or null where a moment is not known: the exactConnected of a family that knows only moments.
 */
export function connectedFromExactMoments(
  architecture: Pick<Architecture, 'z2Symmetric' | 'exactMoment'>,
  points: Points,
  tuples: readonly (readonly number[])[],
): number[] | null {
  let unknown = false;
  const moment = memoizeMoments((sorted) => {
    if (sorted.length === 0) return 1;
    if (architecture.z2Symmetric && sorted.length % 2 === 1) return 0;
    const value = architecture.exactMoment(sorted.map((index) => points[index]!));
    if (value === null || !Number.isFinite(value)) {
      unknown = true;
      return Number.NaN;
    }
    return value;
  });
  const values = tuples.map((tuple) => jointCumulant(tuple, moment));
  return unknown ? null : values;
}
