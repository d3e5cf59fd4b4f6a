/**
 * Does the cluster curve itself decay? A model-free look at the far tail of C(R), used when the
 * two-term curve model misfits (docs/reconstruct.md, "Cluster decomposition: a plateau the data
 * never reach").
 *
 * Why. A plateau B of A e^{-mu R} + B (or (A + A1 R) e^{-mu R} + B) fitted to data the model does not
 * describe (a non-local kernel gives a tail that is no single exponential) absorbs the misfit: on the
 * first-order G_c4 of the Gaussian-kernel quartic (phi4-nonlocal-1d's action, 9 points 0.5 apart),
 * C(R) falls steadily by a factor ~0.42 per 0.5 from -5.9e-2 to -2.5e-4 at R = 4, yet the misfitting
 * fit put B = +3.3e-5 at 5.4 sigma. Cluster decomposition is a statement about the data going to 0,
 * so a violation needs the data to show the plateau: at the largest separations the fitted decaying
 * part must not exceed |B| (the plateau is reached) or the tail must have stopped falling.
 *
 * The far tail "still decays" when, over the three largest distinct separations, the weighted mean
 * |C| falls at every step by more than CLUSTER_DECAY_SIGMA standard errors of the step, and the last
 * value is below CLUSTER_DECAY_FRACTION of the largest |C| of the curve. A curve settling on a
 * plateau (the finite-width cos-net: B = 2/N) has a far tail whose steps are not resolved, so it
 * fails the test and its plateau still counts.
 */

/** Standard errors by which each far-tail step must fall. */
export const CLUSTER_DECAY_SIGMA = 3;
/** The last far-tail |C| must be below this fraction of the curve's largest |C|. */
export const CLUSTER_DECAY_FRACTION = 0.1;

export interface TailDecay {
  /** Distinct separations of the far tail, ascending. */
  readonly separations: number[];
  /** Weighted mean C(R) and its error at each of them. */
  readonly values: number[];
  readonly stderr: number[];
  /** The largest |C| of the whole curve. */
  readonly peak: number;
  /** Every step falls by > CLUSTER_DECAY_SIGMA sigma and the last value is < CLUSTER_DECAY_FRACTION of the peak. */
  readonly decays: boolean;
}

/** The far tail of C(R) (the three largest distinct separations); null with fewer than three. */
export function farTailDecay(curve: { readonly separations: readonly number[]; readonly values: readonly number[]; readonly stderr: readonly number[] }): TailDecay | null {
  const groups = new Map<string, { separation: number; values: number[]; stderr: number[] }>();
  curve.separations.forEach((separation, i) => {
    const key = separation.toPrecision(10);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { separation, values: [], stderr: [] }));
    group.values.push(curve.values[i]!);
    group.stderr.push(curve.stderr[i]!);
  });
  const sorted = [...groups.values()].sort((a, b) => a.separation - b.separation);
  if (sorted.length < 3) return null;
  const tail = sorted.slice(-3);
  // Values at one separation are the same correlator at translated pairs: average them; their errors
  // are not independent (shared networks), so the error of the mean is taken as the smallest single
  // error, not divided by sqrt(count) (conservative for the decay test).
  const values = tail.map((group) => group.values.reduce((sum, value) => sum + value, 0) / group.values.length);
  const stderr = tail.map((group) => Math.min(...group.stderr.map((error) => (Number.isFinite(error) ? error : Infinity))));
  const peak = Math.max(...curve.values.map(Math.abs));
  let decays = peak > 0 && Math.abs(values[2]!) < CLUSTER_DECAY_FRACTION * peak;
  for (let step = 1; step < 3 && decays; step++) {
    const fall = Math.abs(values[step - 1]!) - Math.abs(values[step]!);
    const error = Math.hypot(stderr[step - 1]!, stderr[step]!);
    if (!(fall > CLUSTER_DECAY_SIGMA * error)) decays = false;
  }
  return { separations: tail.map((group) => group.separation), values, stderr, peak, decays };
}
