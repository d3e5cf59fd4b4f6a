/**
 * Guard rails for reconstruction from finite-width networks. A width-N cos-net is a sum of N
 * cosines with random phases, i.e. a combination of 2N functions cos(p x), sin(p x): its values at
 * more than 2N points are linearly dependent for every network, so the density of the grid values
 * is degenerate and no action on that grid exists.
 */
import { NnftError } from '../errors.js';

export function maxGridPointsForWidth(width: number): number {
  return 2 * width;
}

export function checkGridForWidth(gridPointCount: number, width: number): void {
  if (!Number.isInteger(width) || width < 1) throw new NnftError('E_USAGE', `network width must be a positive integer, got ${width}`);
  const limit = maxGridPointsForWidth(width);
  if (gridPointCount > limit) {
    throw new NnftError(
      'E_SEMANTIC',
      `a grid of ${gridPointCount} points is too fine for width-${width} networks: their values at more than ${limit} points are linearly dependent, so the action on this grid does not exist`,
      { hint: `Use at most ${limit} grid points (and preferably far fewer: amputation needs width >> grid points), or a wider network.` },
    );
  }
}
