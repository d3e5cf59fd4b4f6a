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
import { chiSquaredPValue } from './fit-statistics.js';
import type { FitTerm, FittedCoupling, MeasuredValues } from './linear-fit.js';
import { profileScan, type ProfilePoint } from './profile-scan.js';
import {
  derivativeQuarticTree1d,
  localQuarticTree1d,
  nonlocalQuarticTree1d,
  predictorColumn,
  quarticExchangeTree1d,
  sexticTadpoleTree1d,
  sexticTree1d,
} from './tree-level-1d.js';

export type CandidateName = 'local' | 'local+derivative' | 'nonlocal-gaussian' | 'local+sextic';

export const CANDIDATE_DESCRIPTIONS: Record<CandidateName, string> = {
  local: '(lambda/4!) phi^4',
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
  /** Increasing trial widths for the non-local kernel; default 24 log-spaced values in [0.02, 4]/m. */
  readonly widthGrid?: readonly number[];
}

export interface CandidateFit {
  readonly name: CandidateName;
  readonly action: string;
  /** Which correlator orders the fit used, e.g. ['G_c4'] or ['G_c4', 'G_c6']. */
  readonly dataUsed: readonly string[];
  readonly termsFitted: readonly string[];
  readonly couplings: readonly FittedCoupling[];
  readonly width?: { value: number; stderr: number; lower: number | null; upper: number | null; scan: ProfilePoint[] };
  readonly chiSquared: number;
  readonly dof: number;
  readonly reducedChiSquared: number;
  readonly pValue: number;
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

export function fitCandidateActions1d(input: ForwardFitInput1d): ForwardFitReport {
  const { mass } = input;
  const x = coordinates(input.points);
  checkBlock(input.fourPoint, 4);
  const four = input.fourPoint;
  const local4 = predictorColumn(four.indices, x, (p) => localQuarticTree1d(p, mass));
  const data4: MeasuredValues = { values: four.values, stderr: four.stderr };
  const background4 = input.background?.fourPoint ? [...input.background.fourPoint] : undefined;
  const requested = input.candidates ?? (['local', 'local+derivative', 'nonlocal-gaussian', 'local+sextic'] as CandidateName[]);
  const fits: CandidateFit[] = [];
  const failures: CandidateFailure[] = [];

  const record = (
    name: CandidateName,
    dataUsed: string[],
    fit: CouplingFit,
    extraParameters = 0,
    width?: CandidateFit['width'],
  ): void => {
    const parameterCount = fit.couplings.length + extraParameters;
    const dof = fit.dof - extraParameters;
    fits.push({
      name,
      action: CANDIDATE_DESCRIPTIONS[name],
      dataUsed,
      termsFitted: [...fit.couplings.map((c) => c.name), ...(width ? ['width'] : [])],
      couplings: fit.couplings,
      ...(width ? { width } : {}),
      chiSquared: fit.chiSquared,
      dof,
      reducedChiSquared: dof > 0 ? fit.chiSquared / dof : Number.NaN,
      pValue: dof > 0 ? pValueOf(fit.chiSquared, dof) : Number.NaN,
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

  if (requested.includes('local')) {
    attempt('local', ['G_c4'], () => record('local', ['G_c4'], fitCouplings(data4, [{ name: 'lambda', predictor: local4 }], [], { background: background4 })));
  }
  if (requested.includes('local+derivative')) {
    attempt('local+derivative', ['G_c4'], () => {
      const derivative = predictorColumn(four.indices, x, (p) => derivativeQuarticTree1d(p, mass));
      const terms: FitTerm[] = [
        { name: 'lambda', predictor: local4 },
        { name: 'kappa', predictor: derivative },
      ];
      record('local+derivative', ['G_c4'], fitCouplings(data4, terms, [], { background: background4 }));
    });
  }
  if (requested.includes('nonlocal-gaussian')) {
    attempt('nonlocal-gaussian', ['G_c4'], () => {
      const fitAt = (width: number): CouplingFit =>
        fitCouplings(data4, [{ name: 'g', predictor: predictorColumn(four.indices, x, (p) => nonlocalQuarticTree1d(p, mass, width)) }], [], {
          background: background4,
        });
      const profile = profileScan(fitAt, input.widthGrid ?? defaultWidthGrid(mass));
      record('nonlocal-gaussian', ['G_c4'], profile.fit, 1, {
        value: profile.best,
        stderr: profile.stderr,
        lower: profile.lower,
        upper: profile.upper,
        scan: profile.scan,
      });
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
        const data: MeasuredValues = { values: [...four.values, ...six.values], stderr: [...four.stderr, ...six.stderr] };
        const background = [...(background4 ?? zeros4), ...(input.background?.sixPoint ?? zeros6)];
        const lambdaColumn = [...local4, ...zeros6];
        const quadratic: QuadraticTerm[] = [{ first: 'lambda', second: 'lambda', predictor: [...zeros4, ...exchange] }];
        const localOnly = fitCouplings(data, [{ name: 'lambda', predictor: lambdaColumn }], quadratic, { background });
        record('local', ['G_c4', 'G_c6'], localOnly);
        const sextic: FitTerm = {
          name: 'g6',
          predictor: [...predictorColumn(four.indices, x, (p) => sexticTadpoleTree1d(p, mass)), ...predictorColumn(six.indices, x, (p) => sexticTree1d(p, mass))],
        };
        record('local+sextic', ['G_c4', 'G_c6'], fitCouplings(data, [{ name: 'lambda', predictor: lambdaColumn }, sextic], quadratic, { background }));
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
    'loop corrections to every predictor (tree level, first order in each coupling)',
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
