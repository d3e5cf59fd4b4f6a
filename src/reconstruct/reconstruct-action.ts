/**
 * One call from measured (or exact) connected correlators to a reconstruction report: amputated
 * vertices on the points as a grid (with jackknife errors when per-batch estimates are given), the
 * cluster curve, forward fits of candidate actions (d = 1 without cutoff), and the locality verdict.
 * Plain data in, plain JSON-ready data out; the future `nnft action` command wraps this.
 */
import { NnftError } from '../errors.js';
import { ignoreEvents, type EventSink } from '../io/events.js';
import type { CorrelatorBlock } from '../io/result.js';
import { amputateGrid, type GridCorrelators } from './amputate.js';
import { amputateBatches, type NoiseAssessment } from './amputate-batches.js';
import { clusterCurveFromCorrelators, fitClusterCurve, type ClusterFit } from './cluster-curve.js';
import { correlatedClusterCurve, jackknifeClusterFit } from './cluster-jackknife.js';
import { type CandidateName, fitCandidateActions1d, type ForwardFitReport } from './forward-fit-1d.js';
import { applyRelativeErrorFloor, errorFloorReport, type ErrorFloorReport, type RaisedErrors } from './error-floor.js';
import { checkGridForWidth } from './guard-rails.js';
import { tensorFromBlock } from './grid-tensor.js';
import { localityVerdict, type LocalityVerdict } from './verdict.js';
import { type LocalityMeasure, momentumPolynomialResidual, type MomentumPolynomialFit, vertexSpread, type VertexErrors } from './vertex-locality.js';

export interface CorrelatorBlocks {
  readonly twoPoint: CorrelatorBlock;
  readonly fourPoint: CorrelatorBlock;
  readonly sixPoint?: CorrelatorBlock;
}

export interface ReconstructionInput extends CorrelatorBlocks {
  readonly points: readonly (readonly number[])[];
  /** Independent per-batch estimates of the same blocks, for jackknife errors of the vertices. */
  readonly batches?: readonly CorrelatorBlocks[];
  /** Cell volume a^d when the points form a grid (default: spacing^d of a regular grid, else 1). */
  readonly cellVolume?: number;
  /** Width N of the networks that produced the data: grids of more than 2N points are refused. */
  readonly networkWidth?: number;
  /** Mass of the free theory, for the d = 1 forward fits. */
  readonly mass?: number;
  readonly candidates?: readonly CandidateName[];
  readonly widthGrid?: readonly number[];
  /** Known non-interaction parts (per value of the blocks), subtracted as `backgroundScope` says. */
  readonly background?: { readonly fourPoint?: readonly number[]; readonly sixPoint?: readonly number[] };
  /**
   * 'forward-fits' (default): the background is subtracted in the forward fits only, and the cluster
   * curve and the vertex describe the data as given (an undeformed network is judged as a whole).
   * 'all': the data come from a deformed network ensemble and the report is about the deformation: the
   * background (the exact correlators of the undeformed finite-width base) is subtracted from G_c4
   * (and G_c6) before the amputation, the cluster curve and the fits, and the base network is reported
   * on its own line (`base`).
   */
  readonly backgroundScope?: 'forward-fits' | 'all';
  /** Exact G_c2 of the undeformed base over twoPoint.indices (with scope 'all': the base's cluster line). */
  readonly baseTwoPoint?: readonly number[];
  /** Width of the base network, for the base line's 2/N comparison. */
  readonly baseWidth?: number;
  /**
   * Relative error floor f (error-floor.ts; EXACT_INPUT_RELATIVE_ERROR_FLOOR is the CLI's default):
   * every stated error of the blocks below f |value| (zero for exact values) is raised to it before
   * the cluster-curve and forward fits weight the values. Omitted: the stated errors are used as given.
   */
  readonly errorFloor?: number;
  /**
   * With three or more batches the cluster-curve and forward fits minimise the correlated chi^2, the
   * values' correlation estimated from the batches (correlated-weights.ts; default true). false: each
   * value weighted by its own error, as without batches.
   */
  readonly correlated?: boolean;
  readonly onEvent?: EventSink;
}

export interface AmputationReport {
  readonly gridPoints: number;
  readonly cellVolume: number;
  /** V_iiii / a^d per grid point, with errors when batches were given. */
  readonly diagonalCouplings: number[];
  readonly diagonalCouplingErrors?: number[];
  /** Mean of V_iiii / a^d. */
  readonly diagonalCoupling: { value: number; stderr: number | null };
  /** dK_ij (grid action coefficient) as rows. */
  readonly quadratic: number[][];
  readonly quadraticErrors?: number[][];
  readonly sexticComputed: boolean;
  /** max |g6| over the grid, and its error where known. */
  readonly sexticMaxAbs?: number;
  readonly conditionNumber: number;
  readonly noiseAmplification: number;
  readonly noise: NoiseAssessment | null;
  readonly spread: LocalityMeasure;
  readonly polynomial: MomentumPolynomialFit | null;
}

/** The undeformed base network's own cluster plateau (exact), reported beside a deformation's verdict. */
export interface BaseNetworkReport {
  readonly width: number | null;
  /** Plateau of the base's exact C(R) = G_c4(a,a,b,b)/G(0)^2 (units of its G(0)^2). */
  readonly plateau: number;
  /** The plateau of G_c4(a,a,b,b) itself. */
  readonly plateauOfCorrelator: number;
  readonly propagatorAtZero: number;
  readonly message: string;
}

export interface ActionReconstruction {
  /** What the background was subtracted from ('none' when no background was given). */
  readonly backgroundScope: 'none' | 'forward-fits' | 'all';
  /** The base network's line (scope 'all'), or null. */
  readonly base: BaseNetworkReport | null;
  readonly amputation: AmputationReport | null;
  readonly cluster: ClusterFit | null;
  readonly forwardFit: ForwardFitReport | null;
  readonly verdict: LocalityVerdict;
  /** The relative error floor applied to the blocks, and how many values it raised (null: none applied). */
  readonly errorFloor: ErrorFloorReport | null;
  /** Why a diagnostic was skipped, and other caveats. */
  readonly notes: string[];
}

function regularSpacing(points: readonly (readonly number[])[]): number | null {
  const dimension = points[0].length;
  let spacing = Infinity;
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const d = Math.hypot(...points[i].map((value, axis) => value - points[j][axis]));
      if (d > 0) spacing = Math.min(spacing, d);
    }
  }
  if (!Number.isFinite(spacing)) return null;
  // regular: every coordinate difference is an integer multiple of the spacing
  for (const point of points) {
    for (let axis = 0; axis < dimension; axis++) {
      const steps = (point[axis] - points[0][axis]) / spacing;
      if (Math.abs(steps - Math.round(steps)) > 1e-6) return null;
    }
  }
  return spacing;
}

function toRows(flat: ArrayLike<number>, size: number): number[][] {
  return Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => flat[i * size + j]));
}

function gridCorrelators(blocks: CorrelatorBlocks, size: number): GridCorrelators {
  return {
    twoPoint: tensorFromBlock(blocks.twoPoint, size).data,
    fourPoint: tensorFromBlock(blocks.fourPoint, size),
    ...(blocks.sixPoint ? { sixPoint: tensorFromBlock(blocks.sixPoint, size) } : {}),
  };
}

function subtractValues(block: CorrelatorBlock, background: readonly number[] | undefined): CorrelatorBlock {
  if (!background) return block;
  if (background.length !== block.values.length) throw new NnftError('E_SEMANTIC', `the order-${block.order} background has ${background.length} values for ${block.values.length} tuples`);
  return { ...block, values: block.values.map((value, i) => value - background[i]!) };
}

/** The blocks minus the background (G_c4 and G_c6; G_c2 is kept: the vertex is amputated with the measured G). */
function subtractBackground(blocks: CorrelatorBlocks, background: NonNullable<ReconstructionInput['background']>): CorrelatorBlocks {
  return {
    twoPoint: blocks.twoPoint,
    fourPoint: subtractValues(blocks.fourPoint, background.fourPoint),
    ...(blocks.sixPoint ? { sixPoint: subtractValues(blocks.sixPoint, background.sixPoint) } : {}),
  };
}

function baseNetworkLine(points: ReconstructionInput['points'], twoPoint: CorrelatorBlock, baseTwoPoint: readonly number[], baseFourPoint: readonly number[], fourPoint: CorrelatorBlock, width: number | undefined): BaseNetworkReport {
  const curve = clusterCurveFromCorrelators(points, { ...twoPoint, values: [...baseTwoPoint], stderr: baseTwoPoint.map(() => 0) }, { ...fourPoint, values: [...baseFourPoint] });
  // exact values: the plateau is the curve's limit; fit it (nominal errors), else take the farthest pair
  const scale = Math.max(...curve.values.map(Math.abs), 1e-300);
  let plateau = curve.values[curve.separations.indexOf(Math.max(...curve.separations))]!;
  try {
    const fit = fitClusterCurve({ ...curve, stderr: curve.values.map(() => 1e-9 * scale) });
    if (Number.isFinite(fit.plateau.value)) plateau = fit.plateau.value;
  } catch {
    // too few separations to fit: keep the value at the largest separation
  }
  const norm = curve.propagatorAtZero ** 2;
  const twoOverN = width !== undefined ? 2 / width : null;
  let comparison: string;
  if (Math.abs(plateau) <= 1e-9 || (twoOverN !== null && Math.abs(plateau) < 0.01 * twoOverN)) {
    comparison = `, below 1% of 2/N${twoOverN !== null ? ` = ${twoOverN.toPrecision(3)}` : ''}: the base's own finite-width non-Gaussianity decays with separation (a fixed-amplitude cos-net has no plateau; Gaussian amplitudes give 2 G(0)^2/N)`;
  } else if (twoOverN !== null && Math.abs(plateau - twoOverN) <= 0.01 * twoOverN) {
    comparison = ' = 2/N: the finite-width plateau 2 G(0)^2/N of the base network (expected; it vanishes as N -> infinity)';
  } else {
    comparison = `${twoOverN !== null ? ` (2/N = ${twoOverN.toPrecision(3)})` : ''}: the finite-width plateau of the base network (expected; it vanishes as N -> infinity)`;
  }
  const message = `base network${width !== undefined ? ` at width N = ${width}` : ''}: exact plateau B_base = ${plateau.toPrecision(4)} (x G(0)^2)${comparison}. It is subtracted: the cluster curve, the vertex and the fits describe the deformation`;
  return { width: width ?? null, plateau, plateauOfCorrelator: plateau * norm, propagatorAtZero: curve.propagatorAtZero, message };
}

/** The blocks with the relative error floor applied (errors only; the values are untouched). */
function withErrorFloor(input: ReconstructionInput, relative: number): { input: ReconstructionInput; report: ErrorFloorReport } {
  const raised: RaisedErrors[] = [];
  const floor = (block: CorrelatorBlock) => {
    const result = applyRelativeErrorFloor(block, relative);
    raised.push(result.raised);
    return result.block;
  };
  const twoPoint = floor(input.twoPoint);
  const fourPoint = floor(input.fourPoint);
  const sixPoint = input.sixPoint ? floor(input.sixPoint) : undefined;
  return { input: { ...input, twoPoint, fourPoint, ...(sixPoint ? { sixPoint } : {}) }, report: errorFloorReport(relative, raised) };
}

export function reconstructAction(given: ReconstructionInput): ActionReconstruction {
  const emit = given.onEvent ?? ignoreEvents;
  const notes: string[] = [];
  const floored = given.errorFloor !== undefined ? withErrorFloor(given, given.errorFloor) : null;
  const input = floored ? floored.input : given;
  const errorFloor = floored ? floored.report : null;
  if (errorFloor && errorFloor.blocks.some((block) => block.raised > 0)) notes.push(errorFloor.meaning);
  const size = input.points.length;
  if (size === 0) throw new NnftError('E_SEMANTIC', 'no points');
  const dimension = input.points[0].length;
  if (input.networkWidth !== undefined) checkGridForWidth(size, input.networkWidth);
  const backgroundScope: ActionReconstruction['backgroundScope'] = input.background?.fourPoint ? (input.backgroundScope ?? 'forward-fits') : 'none';
  // what the amputation and the cluster curve see: the data, or the deformation's part of it
  const subtractAll = backgroundScope === 'all';
  const analysed: CorrelatorBlocks = subtractAll ? subtractBackground(input, input.background!) : input;
  const analysedBatches = input.batches && subtractAll ? input.batches.map((batch) => subtractBackground(batch, input.background!)) : input.batches;
  let base: BaseNetworkReport | null = null;
  if (subtractAll) {
    if (input.baseTwoPoint) {
      try {
        base = baseNetworkLine(input.points, input.twoPoint, input.baseTwoPoint, input.background!.fourPoint!, input.fourPoint, input.baseWidth);
      } catch (error) {
        notes.push(`base-network line skipped: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    notes.push(`the exact G_c4${input.background!.sixPoint && input.sixPoint ? ' and G_c6' : ''} of the undeformed base network ${base ? '' : '(its finite-width part) '}is subtracted before the amputation, the cluster curve and the fits: they describe the deformation. Cross terms between the deformation and the base's 1/N non-Gaussianity (relative size ~ 1/N) stay in the data`);
  }
  const spacing = regularSpacing(input.points);
  const cellVolume = input.cellVolume ?? (spacing !== null ? spacing ** dimension : 1);
  if (input.cellVolume === undefined && spacing === null) notes.push('points are not a regular grid: cell volume taken as 1, vertices are grid-action coefficients');

  // 1. amputation
  let amputation: AmputationReport | null = null;
  try {
    emit({ type: 'progress', task: 'amputate', done: 0, total: 1 });
    const batches = analysedBatches && analysedBatches.length >= 2 ? analysedBatches : null;
    const central = batches ? null : amputateGrid(gridCorrelators(analysed, size), { cellVolume });
    const withErrors = batches ? amputateBatches(batches.map((b) => gridCorrelators(b, size)), { cellVolume }) : null;
    const result = withErrors ?? central!;
    const errors: VertexErrors = withErrors ? { stderr: withErrors.quarticStderr, leaveOneOut: withErrors.quarticLeaveOneOut } : {};
    const stride = 1 + size + size * size + size ** 3;
    const diagonal = Array.from({ length: size }, (_, i) => result.quartic.data[i * stride] / cellVolume);
    const noise = withErrors ? withErrors.noise : null;
    if (!withErrors) notes.push('no per-batch estimates: the amputated vertices carry no errors, and their noise cannot be judged');
    if (noise && !noise.meaningful) emit({ type: 'warning', message: noise.message });
    let polynomial: MomentumPolynomialFit | null = null;
    if (spacing !== null) {
      try {
        polynomial = momentumPolynomialResidual(result.quartic, input.points, 1, errors);
      } catch (error) {
        notes.push(`momentum-polynomial residual skipped: ${error instanceof Error ? error.message : String(error)}`);
      }
    } else notes.push('momentum-polynomial residual skipped: it needs a regular grid');
    let sexticMaxAbs: number | undefined;
    if (result.sextic) sexticMaxAbs = result.sextic.data.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
    amputation = {
      gridPoints: size,
      cellVolume,
      diagonalCouplings: diagonal,
      ...(withErrors ? { diagonalCouplingErrors: Array.from({ length: size }, (_, i) => withErrors.quarticStderr.data[i * stride] / cellVolume) } : {}),
      diagonalCoupling: { value: result.diagonalCoupling, stderr: withErrors ? withErrors.diagonalCouplingStderr : null },
      quadratic: toRows(result.quadratic, size),
      ...(withErrors ? { quadraticErrors: toRows(withErrors.quadraticStderr, size) } : {}),
      sexticComputed: result.sextic !== undefined,
      ...(sexticMaxAbs !== undefined ? { sexticMaxAbs } : {}),
      conditionNumber: result.conditionNumber,
      noiseAmplification: result.noiseAmplification,
      noise,
      spread: vertexSpread(result.quartic, errors),
      polynomial,
    };
    emit({ type: 'progress', task: 'amputate', done: 1, total: 1 });
  } catch (error) {
    if (error instanceof NnftError && error.code !== 'E_NUMERIC' && error.code !== 'E_UNSUPPORTED') throw error;
    notes.push(`amputation skipped: ${error instanceof Error ? error.message : String(error)}`);
  }

  // 2. cluster curve
  let cluster: ClusterFit | null = null;
  const correlated = input.correlated !== false;
  let clusterCovariance: number[][] | undefined;
  try {
    let curve = clusterCurveFromCorrelators(input.points, analysed.twoPoint, analysed.fourPoint);
    if (correlated && analysedBatches && analysedBatches.length >= 3) {
      // the C(R) values share networks: weight them by their covariance (correlated chi^2)
      try {
        curve = correlatedClusterCurve(input.points, analysed, analysedBatches);
        clusterCovariance = curve.covariance;
      } catch (error) {
        notes.push(`cluster curve: the correlated weights failed (${error instanceof Error ? error.message : String(error)}); each value is weighted by its own error`);
      }
    }
    cluster = fitClusterCurve(curve);
  } catch (error) {
    notes.push(`cluster curve skipped: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (cluster && analysedBatches && analysedBatches.length >= 2) {
    // the C(R) values share networks: the fit's own error understates sigma_B; jackknife the whole fit
    try {
      cluster = jackknifeClusterFit(input.points, analysed, cluster, analysedBatches, clusterCovariance);
    } catch (error) {
      notes.push(`cluster-plateau jackknife skipped (the fit failed on a leave-one-out mean: ${error instanceof Error ? error.message : String(error)}); the plateau error ignores the correlation between values`);
    }
  }

  // 3. forward fits
  let forwardFit: ForwardFitReport | null = null;
  if (dimension === 1 && input.mass !== undefined) {
    try {
      emit({ type: 'progress', task: 'forward-fit', done: 0, total: 1 });
      forwardFit = fitCandidateActions1d({
        mass: input.mass,
        points: input.points,
        fourPoint: input.fourPoint,
        ...(input.sixPoint ? { sixPoint: input.sixPoint } : {}),
        ...(input.background ? { background: input.background } : {}),
        ...(input.batches && input.batches.length >= 2
          ? { batches: input.batches.map((batch) => ({ fourPoint: batch.fourPoint.values, ...(batch.sixPoint ? { sixPoint: batch.sixPoint.values } : {}) })) }
          : {}),
        ...(input.candidates ? { candidates: input.candidates } : {}),
        ...(input.widthGrid ? { widthGrid: input.widthGrid } : {}),
        correlated,
      });
      emit({ type: 'progress', task: 'forward-fit', done: 1, total: 1 });
    } catch (error) {
      notes.push(`forward fit skipped: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else {
    notes.push('forward fits skipped: the tree-level predictors are implemented for d = 1 without a cutoff, given the mass');
  }

  const verdict = localityVerdict({
    ...(cluster ? { cluster } : {}),
    ...(amputation ? { spread: amputation.spread } : {}),
    ...(amputation?.polynomial ? { polynomial: amputation.polynomial } : {}),
    ...(amputation?.noise ? { amputationNoise: amputation.noise } : {}),
    ...(forwardFit ? { forwardFit } : {}),
    ...(base ? { baseNetwork: base.message } : {}),
  });
  return { backgroundScope, base, amputation, cluster, forwardFit, verdict, errorFloor, notes };
}

