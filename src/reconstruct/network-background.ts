/**
 * The exact connected correlators of an undeformed finite-width network ensemble over the index
 * tuples of a result block: the background the forward fits subtract, so that the fitted couplings
 * describe the deformation rather than the network's own finite-width interactions.
 */
import type { Architecture, Points } from '../architectures/architecture.js';
import { jointCumulant, memoizeMoments } from '../numeric/cumulants.js';

/** Exact G_cn of the undeformed ensemble for every tuple, or null where a moment is not known. */
export function exactUndeformedCorrelators(architecture: Architecture, points: Points, indices: readonly (readonly number[])[]): number[] | null {
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
  const values = indices.map((tuple) => jointCumulant(tuple, moment));
  return unknown ? null : values;
}
