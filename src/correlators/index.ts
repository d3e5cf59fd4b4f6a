/**
 * Target correlators from a Theory: one entry point that picks (or obeys) a method, runs it and
 * returns the result contract (docs/correlators.md, "Result"; schema/result.schema.json): per-order blocks over every
 * non-decreasing index tuple, values and one error each, plus how the numbers were obtained.
 *
 * Errors per method: free and spectral are exact up to quadrature/truncation (stated); perturbative
 * states its quadrature and finite-region errors (the O(g^2) truncation is a caveat, not an error
 * bar); lattice gives statistical standard errors (autocorrelation-aware) and states its biases;
 * data passes the user's numbers through.
 */
import { NnftError } from '../errors.js';
import { RESULT_VERSION, indexTuples, type CorrelatorBlock, type CorrelatorResult } from '../io/result.js';
import type { EventSink } from '../io/events.js';
import type { CorrelatorMethod, Theory } from '../theory/theory.js';
import { chooseMethod, WEAK_COUPLING_LIMIT, type ConcreteMethod } from './choose-method.js';
import { computeFree } from './free-method.js';
import { computeSpectral, type SpectralSolverOptions } from './spectral.js';
import { computePerturbative, ordersStartingAtSecondOrder } from './perturbative.js';
import { firstOrderSize, secondOrderEstimate } from './weak-coupling.js';
import { computeLattice, type LatticeRunOptions } from './lattice.js';
import { computeLatticeFree, computeLatticePerturbative } from './lattice-regulator.js';

export interface TargetCorrelatorOptions {
  /** Overrides theory.targetCorrelators.method. */
  method?: CorrelatorMethod;
  /** Root seed for stochastic methods (lattice); overrides the file's lattice seed. */
  seed?: number;
  onEvent?: EventSink;
  /** Stops a long lattice run early (the result then reports how far it got). */
  signal?: AbortSignal;
  /** Continue a stopped lattice run, and/or receive its state to continue it later. */
  latticeCheckpoint?: Pick<LatticeRunOptions, 'resume' | 'resumeFile' | 'onCheckpoint' | 'checkpointEverySeconds'>;
}

export { freePropagator, propagatorAtZero } from './free-propagator.js';
export { computeSpectral, spectralApplicability, type SpectralSolverOptions, type SpectralResult } from './spectral.js';
export { computePerturbative, type PerturbativeResult } from './perturbative.js';
export { computeLattice, latticeFreePropagator, type LatticeCheckpoint, type LatticeRunOptions, type LatticeResult } from './lattice.js';
export { chooseMethod, type ConcreteMethod } from './choose-method.js';
export { jointCumulant, setPartitions } from '../numeric/cumulants.js';

function numberOption(options: Record<string, unknown>, key: string): number | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new NnftError('E_SCHEMA', `targetCorrelators.${key} must be a number`, { issues: [{ path: `targetCorrelators.${key}`, message: `must be a number, got ${JSON.stringify(value)}` }] });
  }
  return value;
}

/** Blocks of user-supplied data, reordered to the theory's orders and full index lists. */
function dataBlocks(theory: Theory): CorrelatorBlock[] {
  const supplied = (theory.targetCorrelators.options as { correlators?: readonly { order: number; indices: readonly (readonly number[])[]; values: readonly number[]; stderr: readonly number[] }[] }).correlators;
  if (!supplied || supplied.length === 0) {
    throw new NnftError('E_SEMANTIC', 'method "data" needs correlators (inline in targetCorrelators.correlators or in targetCorrelators.file)', {
      hint: 'give the blocks in the result shape: { order, indices, values, stderr }',
    });
  }
  return theory.connectedOrders.map((order) => {
    const block = supplied.find((candidate) => candidate.order === order);
    if (!block) throw new NnftError('E_SEMANTIC', `method "data": no block of order ${order}`, { issues: [{ path: 'targetCorrelators.correlators', message: `order ${order} is requested in observables.connected but not supplied` }] });
    const byKey = new Map(block.indices.map((tuple, i) => [[...tuple].sort((a, b) => a - b).join(','), i]));
    const indices = indexTuples(theory.points.length, order);
    const values: number[] = [];
    const stderr: number[] = [];
    for (const tuple of indices) {
      const position = byKey.get(tuple.join(','));
      if (position === undefined) throw new NnftError('E_SEMANTIC', `method "data": order ${order} lacks the index tuple [${tuple.join(', ')}]`);
      values.push(block.values[position]!);
      stderr.push(block.stderr[position]!);
    }
    return { order, indices, values, stderr };
  });
}

/** Compute the theory's connected correlators at its points. */
export async function computeTargetCorrelators(theory: Theory, options: TargetCorrelatorOptions = {}): Promise<CorrelatorResult> {
  const started = performance.now();
  const emit = options.onEvent ?? (() => {});
  const requested = options.method ?? theory.targetCorrelators.method;
  const methodOptions = (theory.targetCorrelators.options ?? {}) as Record<string, unknown>;
  const choice = chooseMethod(theory, requested);
  let method: ConcreteMethod = choice.method;
  let reason = choice.reason;
  const details: Record<string, unknown> = {};
  const caveats: string[] = [];
  if (choice.needsWeakCouplingCheck) {
    const estimate = secondOrderEstimate(theory);
    details.firstOrderSize = firstOrderSize(theory);
    details.secondOrderEstimate = estimate;
    const missing = ordersStartingAtSecondOrder(theory);
    if (missing.length > 0) {
      method = 'lattice';
      reason = `no exact method applies, and ${missing.map((k) => `G_c${k}`).join(', ')} of this theory start beyond first order, which first-order perturbation theory cannot give: lattice Monte Carlo`;
    } else if (estimate >= WEAK_COUPLING_LIMIT) {
      method = 'lattice';
      reason = `no exact method applies (${choice.reason.replace(/^no exact method applies \((.*?)\); .*$/, '$1')}) and the estimated second-order corrections (~${(100 * estimate).toFixed(0)}% of the first-order terms) are too large for perturbation theory: lattice Monte Carlo`;
    } else {
      reason = `${choice.reason}; the one-loop estimate of the neglected O(g^2) corrections is ~${(100 * estimate).toFixed(0)}% of the first-order terms`;
    }
  }
  emit({ type: 'info', message: `method: ${method} (${reason})`, data: { method, reason } });
  let correlators: CorrelatorBlock[];
  switch (method) {
    case 'free':
      correlators = theory.lattice ? computeLatticeFree(theory) : computeFree(theory);
      details.quadratureError = 0;
      break;
    case 'spectral': {
      const spectralOptions: SpectralSolverOptions = {};
      const basisSize = numberOption(methodOptions, 'basisSize');
      const tolerance = numberOption(methodOptions, 'tolerance');
      if (basisSize !== undefined) spectralOptions.basisSize = basisSize;
      if (tolerance !== undefined) spectralOptions.tolerance = tolerance;
      const result = computeSpectral(theory, spectralOptions);
      // The truncation error is the only uncertainty of an exact method: report it as the error bar.
      correlators = result.correlators.map((block, b) => ({ ...block, stderr: result.truncationErrors[b]!.slice() }));
      Object.assign(details, { truncationError: result.truncationError, basisSize: result.basisSize, converged: result.converged, massGap: result.massGap });
      if (!result.converged) caveats.push(`the spectral basis did not converge to the tolerance (largest change ${result.truncationError.toExponential(2)})`);
      break;
    }
    case 'perturbative': {
      if (theory.lattice) {
        const result = computeLatticePerturbative(theory);
        correlators = result.correlators;
        // The vertex sums run over every site: the lattice is the quadrature grid, and it is exact.
        Object.assign(details, { quadratureError: 0, gridNodes: result.vertexSites, latticePropagatorAtZero: result.propagatorAtZero });
        caveats.push(result.caveat);
        break;
      }
      const result = computePerturbative(theory);
      correlators = result.correlators;
      Object.assign(details, { quadratureError: result.quadratureError, integrationBox: result.integrationBox, gridNodes: result.gridNodes });
      caveats.push(result.caveat);
      if (result.secondOrderLeading.length > 0) {
        const orders = result.secondOrderLeading.map((k) => `G_c${k}`).join(', ');
        caveats.push(`${orders} of this theory start beyond first order: the first-order value 0 is not their size (use method "spectral" in d = 1 or "lattice")`);
        emit({ type: 'warning', message: `${orders} vanish at first order but not in the theory`, hint: 'use method "spectral" (d = 1) or "lattice" for these orders' });
      }
      if (result.integrationBox.standsInForWholeSpace) {
        caveats.push(`the interaction acts on all of R^${theory.dimension}; integrals run over a box of side ${result.integrationBox.side.toPrecision(4)} (estimated bias ${result.integrationBox.regionBias.toExponential(1)}, included in the errors)`);
      }
      break;
    }
    case 'lattice': {
      const latticeOptions: LatticeRunOptions = {};
      for (const key of ['spacing', 'sites', 'trajectories', 'thermalization', 'seed'] as const) {
        const value = numberOption(methodOptions, key);
        if (value !== undefined) latticeOptions[key] = value;
      }
      if (options.seed !== undefined) latticeOptions.seed = options.seed;
      const result = await computeLattice(theory, { ...latticeOptions, ...options.latticeCheckpoint, onEvent: emit, signal: options.signal });
      correlators = result.correlators;
      const { correlators: _unused, ...rest } = result;
      Object.assign(details, rest);
      caveats.push(...result.caveats);
      break;
    }
    case 'data':
      correlators = dataBlocks(theory);
      details.dataFile = (methodOptions as { file?: string }).file ?? null;
      break;
    default:
      throw new NnftError('E_USAGE', `unknown target-correlator method "${String(method)}"`);
  }
  return {
    nnftResult: RESULT_VERSION,
    kind: 'target-correlators',
    points: theory.points.map((point) => [...point]),
    correlators,
    method,
    requestedMethod: requested,
    methodReason: reason,
    theory: { name: theory.name, file: theory.source.file, sha256: theory.source.sha256 },
    backend: method === 'lattice' ? 'host float64' : 'host float64 (deterministic)',
    ...details,
    caveats,
    errorMeaning:
      method === 'lattice' ? 'one statistical standard error (autocorrelation-aware jackknife)' : method === 'data' ? 'as supplied' : 'estimated numerical error of a deterministic computation (quadrature/truncation)',
    timing: { seconds: (performance.now() - started) / 1000 },
  };
}
