/**
 * Which box mass the base law carries (docs/design.md, "The box mass of the base law").
 *
 * On split momenta with Gaussian amplitude pairs a box-local phi^2 term is drawn exactly into the
 * fixed nodes' law (architectures/box-mass.ts). Every box mass delta gives the same ensemble: the
 * weight's power-2 term carries c2 - delta, so delta changes only the statistics. Which delta is
 * cheapest is not set by a divergence one can write down: matching the target's box variance
 * (minimal KL(p || q)) and minimising Var log w both pick deltas whose G_c4 errors are 2-6 times the
 * best measured (conf-1d-box-lambda2 at width 32, 40,000 networks: stderr of G_c4(0,0,0,0) 8.8e-4 at
 * the matched 0.41, 4.5e-4 at the first-order 0.5, 2.2e-4 at 0.8, 9.9e-4 at 1.2; on the Wick-ordered
 * lambda = 8 target, where the first order is 0, 0.028 at delta -> 0 and 0.0033 at delta = 1). So
 * the design measures it: a pilot estimate of the initial construction at each candidate, on common
 * random numbers (one seed), and the candidate with the smallest predicted cost, the largest
 * relative standard error over the orders, is kept.
 *
 * Candidates are multiples of the scale T, the phi^2 coupling of the target's self-contractions as
 * if no term were Wick-ordered (a Wick-ordered target's weight still carries that curvature in its
 * phi^4 - 6 G0 phi^2 shape): 0, T/4, T/2, 3T/4, T, 3T/2, 2T, 3T, plus the first-order coupling (where a
 * box mass is exact, e.g. a pure power-2 target, it makes the weight constant), kept above
 * -0.9 m^2 so the law stays proper.
 */

/** Multiples of the scale T tried. */
export const BOX_MASS_MULTIPLES = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3] as const;
/** A box mass may lower m^2 by at most this fraction of it. */
const LOWEST_SHIFT = -0.9;

export interface BoxMassCandidateCost {
  readonly coupling: number;
  /** max over orders of (max over tuples) stderr / the order's scale, on the pilot. */
  readonly cost: number;
}

export interface BoxMassChoice {
  readonly coupling: number;
  readonly candidates: readonly BoxMassCandidateCost[];
}

/** The box masses worth trying, ascending, without repeats. */
export function boxMassCandidates(scale: number, firstOrder: number, mass: number): number[] {
  const lowest = LOWEST_SHIFT * mass * mass;
  const values = [...BOX_MASS_MULTIPLES.map((multiple) => multiple * scale), firstOrder].filter((value) => Number.isFinite(value) && value > lowest);
  const rounded = values.map((value) => Number(value.toPrecision(12)));
  return [...new Set(rounded)].sort((a, b) => a - b);
}

/**
 * The cost of one pilot: the largest relative standard error over the orders, the error of each
 * tuple over its order's scale (max |target| of the order, or `fallbackScale(order)` when zero).
 * A pilot with a non-finite error costs Infinity (never chosen).
 */
export function pilotCost(
  estimate: readonly { readonly order: number; readonly stderr: readonly number[] }[],
  scaleOf: (order: number) => number,
): number {
  let worst = 0;
  for (const block of estimate) {
    const scale = scaleOf(block.order);
    for (const error of block.stderr) {
      const relative = error / scale;
      if (!Number.isFinite(relative)) return Infinity;
      worst = Math.max(worst, relative);
    }
  }
  return worst;
}

/**
 * Evaluate every candidate and keep the cheapest; ties (within 1%) go to the one nearest the
 * first-order coupling, the construction's own value.
 */
export async function chooseBoxMass(candidates: readonly number[], firstOrder: number, cost: (coupling: number) => Promise<number>): Promise<BoxMassChoice> {
  const costs: BoxMassCandidateCost[] = [];
  for (const coupling of candidates) costs.push({ coupling, cost: await cost(coupling) });
  const best = Math.min(...costs.map((entry) => entry.cost));
  if (!Number.isFinite(best)) return { coupling: firstOrder, candidates: costs };
  const near = costs.filter((entry) => entry.cost <= best * 1.01);
  near.sort((a, b) => Math.abs(a.coupling - firstOrder) - Math.abs(b.coupling - firstOrder));
  return { coupling: near[0]!.coupling, candidates: costs };
}
