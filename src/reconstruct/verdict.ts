/**
 * The plain-language verdict: is the reconstructed action local, does the theory cluster, and which
 * numbers say so. Each diagnostic votes only when it is resolved above its errors; with no resolved
 * evidence the answer is 'undetermined', never a guess.
 *
 * Rules:
 * - clusters: from the cluster-curve fit (|B| > 3 sigma_B violates; consistent with 0 clusters).
 * - local = false if the amputated vertex has a significant (> 3 sigma) residual beyond a
 *   momentum polynomial of degree <= 2 (or, on irregular grids, a significant off-diagonal spread),
 *   or the forward fit prefers the non-local kernel with a width resolved away from 0, or the theory
 *   violates clustering (a local action with a mass gap clusters).
 * - the forward fit votes local when its preferred candidate is local (or a Gaussian kernel whose
 *   width is consistent with 0) and fits (p > 0.01; the p-value accounts for correlations when
 *   per-batch estimates were given).
 * - local = true if some diagnostic is resolved and consistent with locality and none says otherwise.
 */
import type { NoiseAssessment } from './amputate-batches.js';
import type { ClusterFit } from './cluster-curve.js';
import type { ForwardFitReport } from './forward-fit-1d.js';
import type { LocalityMeasure, MomentumPolynomialFit } from './vertex-locality.js';

export const LOCALITY_SIGMA_THRESHOLD = 3;
/** Unexplained fraction of sum V^2 tolerated as discretisation of a local vertex on a finite grid. */
export const LOCALITY_FRACTION_TOLERANCE = 0.02;
/** AIC gap (in units of the correlated chi^2 scale) by which a local action must beat a resolved Gaussian kernel to count as local. */
export const DECISIVE_AIC_GAP = 6;

export interface LocalityEvidence {
  readonly cluster?: ClusterFit;
  readonly spread?: LocalityMeasure;
  readonly polynomial?: MomentumPolynomialFit;
  readonly amputationNoise?: NoiseAssessment;
  readonly forwardFit?: ForwardFitReport;
  readonly termsFitted?: readonly string[];
  readonly ordersDropped?: readonly string[];
  /** The undeformed base network's own line when the verdict is on a deformation (background subtracted). */
  readonly baseNetwork?: string;
}

export interface LocalityVerdict {
  readonly local: boolean | 'undetermined';
  readonly clusters: boolean | 'undetermined';
  /** One sentence per diagnostic, in the order they were weighed. */
  readonly reasons: string[];
  readonly summary: string;
  readonly numbers: {
    plateau?: { value: number; stderr: number; significance: number };
    decayRate?: { value: number; stderr: number };
    vertexSpread?: LocalityMeasure;
    polynomialResidual?: MomentumPolynomialFit;
    amputationSignalToNoise?: number;
    kernelWidth?: { value: number; stderr: number };
  };
  readonly termsFitted: string[];
  readonly ordersDropped: string[];
}

function isResolvedNonlocal(measure: LocalityMeasure): boolean {
  return measure.excess > LOCALITY_FRACTION_TOLERANCE && measure.significance > LOCALITY_SIGMA_THRESHOLD;
}

function isResolvedLocal(measure: LocalityMeasure): boolean {
  // resolved: the statistic is small and its error small enough to have seen a violation
  return measure.excess <= LOCALITY_FRACTION_TOLERANCE && measure.stderr * LOCALITY_SIGMA_THRESHOLD <= LOCALITY_FRACTION_TOLERANCE;
}

export function localityVerdict(evidence: LocalityEvidence): LocalityVerdict {
  const reasons: string[] = [];
  const numbers: LocalityVerdict['numbers'] = {};
  if (evidence.baseNetwork) reasons.push(evidence.baseNetwork);
  let clusters: boolean | 'undetermined' = 'undetermined';
  if (evidence.cluster) {
    const fit = evidence.cluster;
    numbers.plateau = { ...fit.plateau, significance: fit.significance };
    numbers.decayRate = fit.decayRate;
    reasons.push(fit.message);
    clusters = fit.violatesClustering === 'undetermined' ? 'undetermined' : !fit.violatesClustering;
  } else {
    reasons.push('clustering not tested: no cluster curve');
  }

  let againstLocality = false;
  let forLocality = false;
  if (clusters === false) {
    againstLocality = true;
    reasons.push('non-local: a local action with a mass gap clusters, and this theory does not');
  }
  const vertexUsable = evidence.amputationNoise ? evidence.amputationNoise.meaningful : true;
  if (evidence.amputationNoise) {
    numbers.amputationSignalToNoise = evidence.amputationNoise.signalToNoise;
    if (!evidence.amputationNoise.meaningful) reasons.push(evidence.amputationNoise.message);
  }
  if (vertexUsable && evidence.polynomial) {
    const fit = evidence.polynomial;
    numbers.polynomialResidual = fit;
    if (isResolvedNonlocal(fit)) {
      againstLocality = true;
      reasons.push(`non-local: a finite-range stencil (momentum polynomial; range ${fit.range} spacing) leaves ${(100 * fit.value).toFixed(1)}% of the amputated vertex unexplained (noise floor ${(100 * fit.noiseFloor).toFixed(1)}%)`);
    } else if (isResolvedLocal(fit)) {
      forLocality = true;
      reasons.push(`local: a finite-range stencil (momentum polynomial; range ${fit.range} spacing) explains the amputated vertex (residual ${(100 * fit.value).toPrecision(2)}%, noise floor ${(100 * fit.noiseFloor).toPrecision(2)}%)`);
    } else {
      reasons.push(`momentum-polynomial residual not resolved: ${(100 * fit.excess).toPrecision(2)}% ± ${(100 * fit.stderr).toPrecision(2)}% above the noise floor`);
    }
  }
  if (vertexUsable && evidence.spread) {
    const spread = evidence.spread;
    numbers.vertexSpread = spread;
    const text = `${(100 * spread.value).toPrecision(3)}% of the vertex weight lies off the diagonal (noise floor ${(100 * spread.noiseFloor).toPrecision(2)}%, error ${(100 * spread.stderr).toPrecision(2)}%)`;
    if (!evidence.polynomial) {
      if (isResolvedNonlocal(spread)) {
        againstLocality = true;
        reasons.push(`non-local: ${text}`);
      } else if (isResolvedLocal(spread)) {
        forLocality = true;
        reasons.push(`local: ${text}`);
      } else reasons.push(`vertex spread not resolved: ${text}`);
    } else {
      reasons.push(`vertex spread: ${text}`);
    }
  }
  const forward = evidence.forwardFit;
  if (forward?.preferred) {
    const best = forward.fits.find((fit) => fit.preferred && fit.name === forward.preferred)!;
    if (best.width) numbers.kernelWidth = { value: best.width.value, stderr: best.width.stderr };
    if (best.name === 'nonlocal-gaussian' && best.width && best.width.value > LOCALITY_SIGMA_THRESHOLD * best.width.stderr) {
      againstLocality = true;
      reasons.push(`non-local: the forward fit prefers a Gaussian kernel of width ${best.width.value.toPrecision(3)} ± ${best.width.stderr.toPrecision(2)}`);
    } else if (best.name === 'nonlocal-gaussian' && best.width && Number.isFinite(best.width.stderr) && best.pValue > 0.01) {
      // the kernel shrinks to a delta function as its width goes to 0: a width consistent with 0 is a local vertex
      forLocality = true;
      reasons.push(`local: the forward fit prefers a Gaussian kernel whose width ${best.width.value.toPrecision(3)} ± ${best.width.stderr.toPrecision(2)} is consistent with 0, a local vertex (p = ${best.pValue.toPrecision(2)})`);
    } else if (best.name !== 'nonlocal-gaussian' && best.pValue > 0.01) {
      // a resolved Gaussian kernel that the data cannot tell from the preferred local action keeps the vote open
      const kernel = forward.fits.find((fit) => fit.name === 'nonlocal-gaussian' && fit.dataUsed.length === best.dataUsed.length && fit.width);
      const resolvedKernel = kernel?.width && Number.isFinite(kernel.width.stderr) && kernel.width.value > LOCALITY_SIGMA_THRESHOLD * kernel.width.stderr;
      // correlated values inflate chi^2 differences: measure the AIC gap in units of the chi^2 scale c of the jackknife
      const scale = kernel?.goodnessOfFit && Number.isFinite(kernel.goodnessOfFit.scale) ? Math.max(1, kernel.goodnessOfFit.scale) : 1;
      const gap = kernel ? kernel.deltaAic / scale : Infinity;
      if (kernel?.width) numbers.kernelWidth = { value: kernel.width.value, stderr: kernel.width.stderr };
      if (kernel && resolvedKernel && gap < DECISIVE_AIC_GAP) {
        reasons.push(
          `forward fit inconclusive: ${best.action} is preferred, but a Gaussian kernel of width ${kernel.width!.value.toPrecision(3)} ± ${kernel.width!.stderr.toPrecision(2)} fits nearly as well (AIC gap ${kernel.deltaAic.toFixed(1)}${scale > 1 ? `, ${gap.toPrecision(2)} in units of the correlated chi^2 scale ${scale.toPrecision(3)}` : ''} < ${DECISIVE_AIC_GAP}); a two-derivative term is the first order of a short non-local kernel, so these data do not decide`,
        );
      } else {
        forLocality = true;
        reasons.push(`local: the forward fit prefers ${best.action} (chi^2/dof = ${best.reducedChiSquared.toPrecision(3)}, p = ${best.pValue.toPrecision(2)})`);
      }
    } else {
      reasons.push(`forward fit inconclusive: best candidate ${best.name} has p = ${best.pValue.toPrecision(2)}`);
    }
  }
  const local: boolean | 'undetermined' = againstLocality ? false : forLocality ? true : 'undetermined';
  const termsFitted = [...(evidence.termsFitted ?? (forward?.preferred ? forward.fits.find((fit) => fit.preferred && fit.name === forward.preferred)!.termsFitted : []))];
  const ordersDropped = [
    ...(evidence.ordersDropped ?? [
      'vertices beyond first order in the connected correlators (O(G_c4^2) in g4 and dK)',
      'connected correlators of order 8 and higher',
    ]),
    ...(forward ? forward.ordersDropped : []),
  ];
  const word = (value: boolean | 'undetermined', yes: string, no: string) => (value === 'undetermined' ? 'undetermined' : value ? yes : no);
  const summary = `${word(local, 'local', 'non-local')}; ${word(clusters, 'clusters', 'violates cluster decomposition')}`;
  return { local, clusters, reasons, summary, numbers, termsFitted, ordersDropped };
}
