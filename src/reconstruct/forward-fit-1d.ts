/**
 * Forward fits of candidate actions to measured connected correlators in d = 1 (no cutoff, V = R),
 * with the tree-level predictors of tree-level-1d.ts, and a model-comparison table.
 *
 * Candidates (docs/reconstruct.md):
 *   local             (lambda/4!) phi^4
 *   local+derivative  + (kappa/4) phi^2 (d phi)^2
 *   nonlocal-gaussian (g/4!) phi^2 K_s phi^2, width s profiled (Delta chi^2 = 1 interval)
 *   local+sextic      + (g6/6!) phi^6; needs G_c6 (in G_c4 alone g6 only shifts lambda by g6 G(0)/2)
 * Candidates are ranked by AIC = chi^2 + 2 (number of fitted parameters) among fits to the same data.
 */
import { NnftError } from '../errors.js';
import type { CorrelatorBlock } from '../io/result.js';
import { fitCouplings, type CouplingFit, type QuadraticTerm } from './coupling-fit.js';
import { correlatedGoodnessOfFit, type CorrelatedGoodnessOfFit, type FitErrorMethod, jackknifeCovariance, leaveOneOutMeans } from './fit-jackknife.js';
import { chiSquaredPValue } from './fit-statistics.js';
import { DIAGONAL_WEIGHTS, type FitWeights, withBatchCorrelation } from './correlated-weights.js';
import { fitLinearCouplings, type FitTerm, type FittedCoupling, type MeasuredValues } from './linear-fit.js';
import { profileScan, type ProfilePoint } from './profile-scan.js';
import {
  derivativeQuarticTree1d,
  localQuarticTree1d,
  nonlocalQuarticTree1d,
  predictorColumn,
  quarticBubbleOneLoop1d,
  quarticExchangeTree1d,
  sexticTadpoleTree1d,
  sexticTree1d,
} from './tree-level-1d.js';

export type CandidateName = 'local' | 'local-one-loop' | 'local+derivative' | 'nonlocal-gaussian' | 'local+sextic';

export const CANDIDATE_DESCRIPTIONS: Record<CandidateName, string> = {
  local: '(lambda/4!) phi^4',
  'local-one-loop': '(lambda/4!) phi^4 at one loop (tree + s, t, u bubbles)',
  'local+derivative': '(lambda/4!) phi^4 + (kappa/4) phi^2 (d phi)^2',
  'nonlocal-gaussian': '(g/4!) int int phi^2(x) K_s(x-y) phi^2(y), Gaussian K of width s',
  'local+sextic': '(lambda/4!) phi^4 + (g6/6!) phi^6',
};

export interface ForwardFitInput1d {
  readonly mass: number;
  /** Point coordinates (d = 1: numbers or one-element lists). */
  readonly points: readonly (number | readonly number[])[];
  /** Measured connected 4-point function over index tuples of the points. */
  readonly fourPoint: CorrelatorBlock;
  /** Measured connected 6-point function, for the sextic coupling. */
  readonly sixPoint?: CorrelatorBlock;
  /** Known non-interaction parts to subtract (e.g. the exact undeformed finite-N G_c4), per value. */
  readonly background?: { readonly fourPoint?: readonly number[]; readonly sixPoint?: readonly number[] };
  readonly candidates?: readonly CandidateName[];
  /**
   * Independent per-batch estimates of the same tuples (background not subtracted), whose mean is the
   * data: with two or more, coupling errors come from a delete-one jackknife of the whole fit and the
   * p-value accounts for the correlations between values (fit-jackknife.ts). Without them the fit
   * covariance is scaled by sqrt(chi^2/dof) when that exceeds 1.
   */
  readonly batches?: readonly { readonly fourPoint: readonly number[]; readonly sixPoint?: readonly number[] }[];
  /** Increasing trial widths for the non-local kernel; default 24 log-spaced values in [0.02, 4]/m. */
  readonly widthGrid?: readonly number[];
  /**
   * With batches: minimise the correlated chi^2 (default true; correlated-weights.ts), the values'
   * correlation estimated from the batches. false: each value weighted by its own error.
   */
  readonly correlated?: boolean;
}

export interface CandidateFit {
  readonly name: CandidateName;
  readonly action: string;
  /** Which correlator orders the fit used, e.g. ['G_c4'] or ['G_c4', 'G_c6']. */
  readonly dataUsed: readonly string[];
  readonly termsFitted: readonly string[];
  /** Couplings; stderr per `errors` (jackknife, or the fit's scaled by sqrt(chi^2/dof) when > 1). */
  readonly couplings: readonly FittedCoupling[];
  /** Coupling covariance by the same method as the errors. */
  readonly covariance: number[][];
  /** The weighted fit's own errors, which ignore the correlations between values. */
  readonly fitStderr: number[];
  /** Width: stderr per `errors`; lower/upper the Delta chi^2 = 1 interval of the weighted fit. */
  readonly width?: { value: number; stderr: number; fitStderr: number; lower: number | null; upper: number | null; scan: ProfilePoint[] };
  readonly errors: FitErrorMethod;
  /** How the values were weighted: the correlated chi^2 (with batches) or each value by its own error. */
  readonly weights: FitWeights;
  /** chi^2 = r^T C^-1 r with the weights' C (diagonal: each value by its own error). */
  readonly chiSquared: number;
  readonly dof: number;
  readonly reducedChiSquared: number;
  /** Goodness of fit: the correlated p-value with batches, else P(chi^2_dof >= chi^2). */
  readonly pValue: number;
  /** P(chi^2_dof >= chi^2), as if the weights' C were the exact covariance (diagonal weights: as if the values were independent). */
  readonly pValueUncorrelated: number;
  readonly goodnessOfFit?: CorrelatedGoodnessOfFit;
  /**
   * Estimated error of the coupling from the orders left out ('local-one-loop': the next order taken
   * as large as the last one times their ratio, (lambda_1loop - lambda_tree)^2 / lambda_tree); add it
   * in quadrature to the statistical error when comparing with a known coupling.
   */
  readonly truncationError?: number;
  readonly parameterCount: number;
  readonly aic: number;
  /** AIC minus the smallest AIC among candidates fitted to the same data. */
  readonly deltaAic: number;
  readonly preferred: boolean;
}

export interface CandidateFailure {
  readonly name: CandidateName;
  readonly dataUsed: readonly string[];
  readonly error: string;
}

export interface ForwardFitReport {
  readonly fits: CandidateFit[];
  readonly failures: CandidateFailure[];
  /** Best candidate (smallest AIC) on the G_c4 data. */
  readonly preferred: CandidateName | null;
  readonly ordersDropped: string[];
}

function coordinates(points: ForwardFitInput1d['points']): number[] {
  return points.map((point, index) => {
    const value = typeof point === 'number' ? point : point.length === 1 ? point[0] : Number.NaN;
    if (!Number.isFinite(value)) throw new NnftError('E_SEMANTIC', `point ${index} is not a d = 1 point`);
    return value;
  });
}

function checkBlock(block: CorrelatorBlock, order: number): void {
  if (block.order !== order) throw new NnftError('E_SEMANTIC', `expected an order-${order} block, got order ${block.order}`);
  if (block.indices.length !== block.values.length || block.values.length !== block.stderr.length) {
    throw new NnftError('E_SEMANTIC', `order-${order} block: indices, values and stderr differ in length`);
  }
}

export function defaultWidthGrid(mass: number): number[] {
  return Array.from({ length: 24 }, (_, i) => (0.02 * 200 ** (i / 23)) / mass);
}

/** Refit on other data (the leave-one-out means): couplings, the non-linear width if any, and the pulls. */
type Refit = (values: readonly number[]) => { couplings: number[]; width?: number; pulls: number[] };

/** Smallest number of batches for jackknife errors. */
export const MIN_JACKKNIFE_BATCHES = 2;

export function fitCandidateActions1d(input: ForwardFitInput1d): ForwardFitReport {
  const { mass } = input;
  const x = coordinates(input.points);
  checkBlock(input.fourPoint, 4);
  const four = input.fourPoint;
  const local4 = predictorColumn(four.indices, x, (p) => localQuarticTree1d(p, mass));
  let data4: MeasuredValues = { values: four.values, stderr: four.stderr };
  const background4 = input.background?.fourPoint ? [...input.background.fourPoint] : undefined;
  const requested = input.candidates ?? (['local', 'local-one-loop', 'local+derivative', 'nonlocal-gaussian', 'local+sextic'] as CandidateName[]);
  const fits: CandidateFit[] = [];
  const failures: CandidateFailure[] = [];
  const batches = input.batches && input.batches.length >= MIN_JACKKNIFE_BATCHES ? input.batches : null;
  if (batches) {
    for (const [index, batch] of batches.entries()) {
      if (batch.fourPoint.length !== four.values.length) throw new NnftError('E_SEMANTIC', `batch ${index} has ${batch.fourPoint.length} G_c4 values, the data ${four.values.length}`);
    }
  }
  const leaveOneOut4 = batches ? leaveOneOutMeans(batches.map((batch) => batch.fourPoint)) : null;
  const correlated = input.correlated !== false;
  let weights4: FitWeights = DIAGONAL_WEIGHTS;
  if (leaveOneOut4 && correlated) ({ data: data4, weights: weights4 } = withBatchCorrelation(data4, leaveOneOut4));

  const record = (
    name: CandidateName,
    dataUsed: string[],
    fit: CouplingFit,
    extraParameters = 0,
    width?: { value: number; stderr: number; lower: number | null; upper: number | null; scan: ProfilePoint[] },
    refit?: { leaveOneOut: number[][]; run: Refit },
    weights: FitWeights = weights4,
  ): void => {
    const parameterCount = fit.couplings.length + extraParameters;
    const dof = fit.dof - extraParameters;
    const reducedChiSquared = dof > 0 ? fit.chiSquared / dof : Number.NaN;
    const pValueUncorrelated = dof > 0 ? pValueOf(fit.chiSquared, dof) : Number.NaN;
    const fitStderr = fit.couplings.map((c) => c.stderr);
    let couplings: FittedCoupling[] = fit.couplings;
    let covariance = fit.covariance;
    let widthOut: CandidateFit['width'] | undefined = width ? { ...width, fitStderr: width.stderr } : undefined;
    let errors: FitErrorMethod;
    let pValue = pValueUncorrelated;
    let goodnessOfFit: CorrelatedGoodnessOfFit | undefined;
    let jackknifed = false;
    if (refit) {
      try {
        const samples = refit.leaveOneOut.map((values) => refit.run(values));
        const parameters = samples.map((sample) => [...sample.couplings, ...(sample.width !== undefined ? [sample.width] : [])]);
        const jack = jackknifeCovariance(parameters);
        const count = fit.couplings.length;
        covariance = jack.slice(0, count).map((row) => row.slice(0, count));
        couplings = fit.couplings.map((c, i) => ({ ...c, stderr: Math.sqrt(jack[i]![i]!) }));
        if (widthOut && jack.length > count) widthOut = { ...widthOut, stderr: Math.sqrt(jack[count]![count]!) };
        goodnessOfFit = correlatedGoodnessOfFit(fit.chiSquared, samples.map((sample) => sample.pulls));
        if (Number.isFinite(goodnessOfFit.pValue)) pValue = goodnessOfFit.pValue;
        errors = {
          method: 'jackknife',
          batches: refit.leaveOneOut.length,
          description: `delete-one jackknife of the whole fit over ${refit.leaveOneOut.length} batches${widthOut ? ' (width: one Gauss-Newton step from the central width per batch)' : ''}; p-value from chi^2 against its jackknife distribution (chi^2 ~ ${goodnessOfFit.scale.toPrecision(3)} chi^2_${goodnessOfFit.effectiveDof.toPrecision(3)})`,
        };
        jackknifed = true;
      } catch (error) {
        errors = { method: 'fit', description: `the jackknife refit failed (${error instanceof Error ? error.message : String(error)})` };
      }
    }
    if (!jackknifed) {
      const scale = dof > 0 && reducedChiSquared > 1 ? Math.sqrt(reducedChiSquared) : 1;
      const prefix = refit ? `${errors!.description}: ` : '';
      if (scale > 1) {
        couplings = fit.couplings.map((c) => ({ ...c, stderr: c.stderr * scale }));
        covariance = fit.covariance.map((row) => row.map((value) => value * scale * scale));
        if (widthOut) widthOut = { ...widthOut, stderr: widthOut.stderr * scale };
        errors = { method: 'scaled', scale, description: `${prefix}the weighted fit's errors scaled by sqrt(chi^2/dof) = ${scale.toPrecision(3)}${weights.kind === 'diagonal' ? '; they ignore the correlations between values' : ''}` };
      } else {
        errors = { method: 'fit', description: `${prefix}the weighted fit's errors (chi^2/dof <= 1)${weights.kind === 'diagonal' ? '; they ignore the correlations between values' : ''}` };
      }
    }
    fits.push({
      name,
      action: CANDIDATE_DESCRIPTIONS[name],
      dataUsed,
      termsFitted: [...fit.couplings.map((c) => c.name), ...(width ? ['width'] : [])],
      couplings,
      covariance,
      fitStderr,
      ...(widthOut ? { width: widthOut } : {}),
      errors: errors!,
      weights,
      chiSquared: fit.chiSquared,
      dof,
      reducedChiSquared,
      pValue,
      pValueUncorrelated,
      ...(goodnessOfFit ? { goodnessOfFit } : {}),
      parameterCount,
      aic: fit.chiSquared + 2 * parameterCount,
      deltaAic: 0,
      preferred: false,
    });
  };
  const attempt = (name: CandidateName, dataUsed: string[], body: () => void): void => {
    try {
      body();
    } catch (error) {
      failures.push({ name, dataUsed, error: error instanceof Error ? error.message : String(error) });
    }
  };
  /** Jackknife refit of a fit that is polynomial in its couplings, on G_c4 (or G_c4 + G_c6) values. */
  const couplingRefit = (leaveOneOut: number[][] | null, weighting: MeasuredValues, terms: FitTerm[], quadratic: QuadraticTerm[], background: number[] | undefined) =>
    leaveOneOut
      ? {
          leaveOneOut,
          run: (values: readonly number[]) => {
            // the same weights (errors and covariance) as the central fit
            const refitted = fitCouplings({ ...weighting, values }, terms, quadratic, { background });
            return { couplings: refitted.couplings.map((c) => c.value), pulls: refitted.pulls };
          },
        }
      : undefined;

  if (requested.includes('local')) {
    attempt('local', ['G_c4'], () => {
      const terms: FitTerm[] = [{ name: 'lambda', predictor: local4 }];
      record('local', ['G_c4'], fitCouplings(data4, terms, [], { background: background4 }), 0, undefined, couplingRefit(leaveOneOut4, data4, terms, [], background4));
    });
  }
  if (requested.includes('local-one-loop')) {
    attempt('local-one-loop', ['G_c4'], () => {
      const terms: FitTerm[] = [{ name: 'lambda', predictor: local4 }];
      const quadratic: QuadraticTerm[] = [{ first: 'lambda', second: 'lambda', predictor: predictorColumn(four.indices, x, (p) => quarticBubbleOneLoop1d(p, mass)) }];
      record('local-one-loop', ['G_c4'], fitCouplings(data4, terms, quadratic, { background: background4 }), 0, undefined, couplingRefit(leaveOneOut4, data4, terms, quadratic, background4));
      const tree = fits.find((fit) => fit.name === 'local' && fit.dataUsed.length === 1);
      const loop = fits[fits.length - 1]!;
      const treeLambda = tree ? tree.couplings[0]!.value : fitCouplings(data4, terms, [], { background: background4 }).couplings[0]!.value;
      fits[fits.length - 1] = { ...loop, truncationError: (loop.couplings[0]!.value - treeLambda) ** 2 / Math.abs(treeLambda) };
    });
  }
  if (requested.includes('local+derivative')) {
    attempt('local+derivative', ['G_c4'], () => {
      const derivative = predictorColumn(four.indices, x, (p) => derivativeQuarticTree1d(p, mass));
      const terms: FitTerm[] = [
        { name: 'lambda', predictor: local4 },
        { name: 'kappa', predictor: derivative },
      ];
      record('local+derivative', ['G_c4'], fitCouplings(data4, terms, [], { background: background4 }), 0, undefined, couplingRefit(leaveOneOut4, data4, terms, [], background4));
    });
  }
  if (requested.includes('nonlocal-gaussian')) {
    attempt('nonlocal-gaussian', ['G_c4'], () => {
      const column = (width: number) => predictorColumn(four.indices, x, (p) => nonlocalQuarticTree1d(p, mass, width));
      const fitAt = (width: number): CouplingFit => fitCouplings(data4, [{ name: 'g', predictor: column(width) }], [], { background: background4 });
      const profile = profileScan(fitAt, input.widthGrid ?? defaultWidthGrid(mass));
      let refit: { leaveOneOut: number[][]; run: Refit } | undefined;
      if (leaveOneOut4) {
        // one Gauss-Newton step from the central width: G_c4 = g P(s) ~ g P(s0) + g (s - s0) P'(s0)
        const best = profile.best;
        const step = 1e-3 * best;
        const centre = column(best);
        const upper = column(best + step);
        const lower = column(best - step);
        const slope = centre.map((_, r) => (upper[r]! - lower[r]!) / (2 * step));
        refit = {
          leaveOneOut: leaveOneOut4,
          run: (values) => {
            const linear = fitLinearCouplings({ ...data4, values }, [
              { name: 'g', predictor: centre },
              { name: 'gShift', predictor: slope },
            ], background4);
            const [g, gShift] = linear.couplings.map((c) => c.value) as [number, number];
            return { couplings: [g], width: best + gShift / g, pulls: linear.pulls };
          },
        };
      }
      record('nonlocal-gaussian', ['G_c4'], profile.fit, 1, { value: profile.best, stderr: profile.stderr, lower: profile.lower, upper: profile.upper, scan: profile.scan }, refit);
    });
  }
  if (requested.includes('local+sextic')) {
    if (!input.sixPoint) {
      failures.push({ name: 'local+sextic', dataUsed: ['G_c4'], error: 'a sextic coupling needs G_c6 data: in G_c4 alone it only shifts lambda by g6 G(0)/2' });
    } else {
      const six = input.sixPoint;
      checkBlock(six, 6);
      attempt('local+sextic', ['G_c4', 'G_c6'], () => {
        const zeros4 = four.values.map(() => 0);
        const zeros6 = six.values.map(() => 0);
        const exchange = predictorColumn(six.indices, x, (p) => quarticExchangeTree1d(p, mass));
        let data: MeasuredValues = { values: [...four.values, ...six.values], stderr: [...four.stderr, ...six.stderr] };
        const background = [...(background4 ?? zeros4), ...(input.background?.sixPoint ?? zeros6)];
        const leaveOneOut = batches && batches.every((batch) => batch.sixPoint && batch.sixPoint.length === six.values.length)
          ? leaveOneOutMeans(batches.map((batch) => [...batch.fourPoint, ...batch.sixPoint!]))
          : null;
        let weights: FitWeights = DIAGONAL_WEIGHTS;
        if (leaveOneOut && correlated) ({ data, weights } = withBatchCorrelation(data, leaveOneOut));
        const lambdaColumn = [...local4, ...zeros6];
        const quadratic: QuadraticTerm[] = [{ first: 'lambda', second: 'lambda', predictor: [...zeros4, ...exchange] }];
        const localTerms: FitTerm[] = [{ name: 'lambda', predictor: lambdaColumn }];
        record('local', ['G_c4', 'G_c6'], fitCouplings(data, localTerms, quadratic, { background }), 0, undefined, couplingRefit(leaveOneOut, data, localTerms, quadratic, background), weights);
        const sextic: FitTerm = {
          name: 'g6',
          predictor: [...predictorColumn(four.indices, x, (p) => sexticTadpoleTree1d(p, mass)), ...predictorColumn(six.indices, x, (p) => sexticTree1d(p, mass))],
        };
        const sexticTerms: FitTerm[] = [{ name: 'lambda', predictor: lambdaColumn }, sextic];
        record('local+sextic', ['G_c4', 'G_c6'], fitCouplings(data, sexticTerms, quadratic, { background }), 0, undefined, couplingRefit(leaveOneOut, data, sexticTerms, quadratic, background), weights);
      });
    }
  }

  // rank by AIC within each data set
  const groups = new Map<string, CandidateFit[]>();
  for (const fit of fits) {
    const key = fit.dataUsed.join('+');
    groups.set(key, [...(groups.get(key) ?? []), fit]);
  }
  const ranked: CandidateFit[] = [];
  for (const group of groups.values()) {
    const bestAic = Math.min(...group.map((fit) => fit.aic));
    for (const fit of group) ranked.push({ ...fit, deltaAic: fit.aic - bestAic, preferred: fit.aic === bestAic });
  }
  const preferredFit = ranked.find((fit) => fit.preferred && fit.dataUsed.length === 1);
  const ordersDropped = [
    'loop corrections to every predictor (tree level, first order in each coupling), except local-one-loop (tree + one-loop bubbles; two loops and beyond dropped, estimated as its truncationError)',
    'finite interaction region (V = R assumed) and momentum cutoff (none)',
    'connected correlators beyond the orders fitted',
  ];
  if (input.sixPoint) ordersDropped.push('exchange diagrams in G_c6 other than lambda^2 (kappa and non-local vertices contribute none in these fits)');
  if (!input.background?.fourPoint) ordersDropped.push('no background subtracted: any finite-width G_c4 of the undeformed network is attributed to the couplings');
  return { fits: ranked, failures, preferred: preferredFit ? preferredFit.name : null, ordersDropped };
}

function pValueOf(chiSquared: number, dof: number): number {
  return chiSquaredPValue(chiSquared, dof);
}
