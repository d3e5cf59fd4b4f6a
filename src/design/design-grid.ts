import { gridResolution } from '../densities/interaction-grid.js';
import { largestWeightPower, type DesignSetup } from './design-setup.js';

/**
 * The interaction grid of the design's specs: the base density is the target's, so the grid resolves
 * the weight's largest frequency, with a 5% margin.
 */
export function designGrid(setup: DesignSetup): { panels: number; nodesPerPanel: number } | null {
  const resolvedMomentum = setup.cutoff ?? setup.modeCutoff;
  return setup.terms.length > 0 && resolvedMomentum !== null ? gridResolution(setup.dimension, setup.regionSide, largestWeightPower(setup.terms) * resolvedMomentum * 1.05) : null;
}
