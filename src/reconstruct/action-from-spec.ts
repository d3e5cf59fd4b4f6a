/**
 * nnft action on a spec: its ensemble correlators (orders 2, 4 and, with six, 6) estimated on points
 * suited to the analyses, split into independent replicas for per-batch data (or, with one replica,
 * the estimate's own jackknife replicates), with the spec's width, its mass (or the measured G_c2
 * decay rate for a deformed spec) and the exact undeformed finite-width G_c4 as background
 * (docs/reconstruct.md, "The `nnft action` command").
 */
import { NnftError, isNnftError } from '../errors.js';
import type { CorrelatorResult } from '../io/result.js';
import { DEFAULT_ENSEMBLE_SIZE, DEFAULT_SEED, estimateSpec } from '../spec/estimate-spec.js';
import { architectureFromSpec } from '../spec/build-ensemble.js';
import type { NnftSpec } from '../spec/spec.js';
import { deriveSeed } from '../random/index.js';
import { checkGridForWidth } from './index.js';
import { massFromTwoPoint } from './measured-mass.js';
import { defaultPoints, explicitPoints, gridPoints } from './action-points.js';
import { batchesFromReplicates, block, combineReplicas } from './action-replicas.js';
import { DEFAULT_REPLICAS, type ActionInputState, type RunActionOptions } from './action-options.js';

function usage(message: string, hint?: string): NnftError {
  return new NnftError('E_USAGE', message, hint ? { hint } : {});
}

export async function correlatorsFromSpec(spec: NnftSpec, file: string, options: RunActionOptions, state: ActionInputState): Promise<void> {
  // The state as local names (the reconstruction reads them back from state below).
  let { correlators, networkWidth, mass, massSource, massStatement, background, backgroundScope, baseLine, name, noisyWithoutBatches, batches } = state;
  const { notes } = state;
  name = spec.name;
  const architecture = spec.architecture;
  networkWidth = architecture.width;
  if (options.widthHint !== undefined && options.widthHint !== architecture.width) notes.push(`--width-hint ${options.widthHint} ignored: the spec's width is ${architecture.width}`);
  if (architecture.kind === 'cos-net') {
    const alpha = architecture.alpha ?? 0;
    if (mass === undefined && alpha === 0) {
      mass = architecture.mass;
      massSource = 'spec';
      massStatement = `forward-fit mass m = ${mass}, the spec's cos-net mass; --mass overrides it`;
    }
    if (alpha !== 0 && options.mass === undefined) notes.push(`forward fits need G = e^{-m|x|}/(2m); this cos-net has alpha = ${alpha}, so no mass is passed (give --mass to fit anyway)`);
    if (architecture.momentumCutoff !== null) notes.push(`the forward-fit predictors assume no momentum cutoff; this spec has Lambda = ${architecture.momentumCutoff}`);
  }
  const points = options.grid
    ? gridPoints(options.grid, spec.dimension)
    : options.points
      ? await explicitPoints(options.points, spec.dimension, options.cwd)
      : defaultPoints(spec.dimension, architecture.width, architecture.kind === 'cos-net' ? architecture.mass : 1);
  try {
    checkGridForWidth(points.length, architecture.width);
  } catch (error) {
    if (!isNnftError(error)) throw error;
    throw new NnftError(error.code, error.message, {
      file,
      issues: [{ path: 'architecture.width', message: `is ${architecture.width}: at most ${2 * architecture.width} points, got ${points.length}`, severity: 'error' }],
      ...(error.hint ? { hint: error.hint } : {}),
    });
  }
  const orders: (2 | 4 | 6)[] = options.six ? [2, 4, 6] : [2, 4];
  const replicaCount = options.replicas ?? DEFAULT_REPLICAS;
  const ensembleSize = options.ensemble ?? spec.estimation?.ensembleSize ?? DEFAULT_ENSEMBLE_SIZE;
  const rootSeed = options.seed ?? spec.estimation?.seed ?? DEFAULT_SEED;
  const perReplica = Math.ceil(ensembleSize / replicaCount);
  if (replicaCount > 1 && perReplica < 100) throw usage(`--replicas ${replicaCount} leaves ${perReplica} networks per replica`, 'use more networks (--ensemble) or fewer replicas');
  const replicaResults: CorrelatorResult[] = [];
  // every replica would repeat the same warnings: pass each one on once
  const seen = new Set<string>();
  const onEvent = options.onEvent;
  const replicaEvents: typeof onEvent = onEvent
    ? (event) => {
        if (event.type === 'warning') {
          const key = JSON.stringify(event);
          if (seen.has(key)) return;
          seen.add(key);
        }
        onEvent(event);
      }
    : undefined;
  for (let replica = 0; replica < replicaCount; replica++) {
    replicaResults.push(
      await (options.estimate ?? estimateSpec)(
        { ...spec, observables: { points, connected: orders } },
        {
          points,
          ensembleSize: replicaCount > 1 ? perReplica : ensembleSize,
          seed: replicaCount > 1 ? deriveSeed(rootSeed, 'nnft-action/replica', replica) : rootSeed,
          workers: options.workers ?? 1,
          backend: options.backend ?? 'auto',
          ...(replicaEvents ? { onEvent: replicaEvents } : {}),
        },
      ),
    );
  }
  if (replicaCount > 1) {
    correlators = combineReplicas(replicaResults, rootSeed);
    batches = replicaResults.map((result) => ({ twoPoint: block(result, 2)!, fourPoint: block(result, 4)!, ...(block(result, 6) ? { sixPoint: block(result, 6)! } : {}) }));
    notes.push(
      `per-batch data: ${replicaCount} independent estimates of ${perReplica} networks each (seeds derived from ${rootSeed}); values are their mean, errors combine the replicas' own jackknife errors; vertex and cluster-plateau errors are delete-one jackknifes over them`,
    );
    if (spec.deformation) notes.push('each replica re-weights its own networks, so ratio-estimator bias is that of the replica size');
  } else {
    correlators = replicaResults[0]!;
    const own = batchesFromReplicates(correlators);
    if ('batches' in own) {
      batches = own.batches;
      notes.push(`one estimate (--replicas 1): its delete-one-batch jackknife replicates over ${own.count} batches are the per-batch data (vertex, cluster-plateau and coupling errors are jackknifes over them)`);
    } else {
      noisyWithoutBatches = true;
      notes.push(
        `one estimate (--replicas 1) without per-batch data (${own.reason}), so the amputated vertex carries no errors (its spread and stencil residual are shown but cast no vote) and the cluster-plateau error ignores the correlation between values`,
      );
    }
  }
  if (spec.deformation) {
    const terms = spec.deformation.terms.map((term) =>
      term.kind === 'local'
        ? term.power === 2
          ? `phi^2 coupling ${term.coupling.toPrecision(4)} (a mass counterterm)`
          : `(g/${term.power}!) phi^${term.power} with g = ${term.coupling.toPrecision(4)}${term.wickOrdered ? ' (Wick-ordered)' : ''}`
        : `non-local quartic g = ${term.coupling.toPrecision(4)}, Gaussian kernel of width ${term.kernel.width}`,
    );
    notes.push(`the spec's deformation: ${terms.join('; ')}. Wick ordering and phi^2 terms only move the propagator, which the forward fits take from the measured G_c2, so the fitted quartic couplings compare with the quartic couplings (and with the target's, which the design aims at)`);
  }
  if (spec.deformation && options.mass === undefined && mass !== undefined && spec.dimension === 1) {
    // the deformation dresses the propagator: build the predictors from the measured one
    try {
      const measured = massFromTwoPoint(points, block(correlators, 2)!);
      massStatement = `forward-fit mass m = ${measured.mass.toPrecision(5)} ± ${measured.stderr.toPrecision(2)}, the decay rate of the measured G_c2 (the base network's mass is ${mass.toPrecision(5)}; the deformation dresses the propagator, and the predictors are steep in m); --mass overrides it`;
      mass = measured.mass;
      massSource = 'measured';
    } catch (error) {
      notes.push(`forward fits use the base network's mass ${mass}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (options.background !== false) {
    const engine = architectureFromSpec(spec);
    const four = block(correlators, 4)!;
    const fourPoint = engine.exactConnected(points, four.indices);
    const six = block(correlators, 6);
    const sixPoint = six ? engine.exactConnected(points, six.indices) : null;
    if (fourPoint) {
      background = { fourPoint, ...(sixPoint ? { sixPoint } : {}) };
      if (spec.deformation) {
        // a deformed spec: the report is on the deformation; the base network gets its own line
        backgroundScope = 'all';
        const baseTwoPoint = engine.exactConnected(points, block(correlators, 2)!.indices);
        if (baseTwoPoint) baseLine = { baseTwoPoint, baseWidth: architecture.width };
      } else {
        notes.push(`forward fits: the exact G_c4${sixPoint ? ' and G_c6' : ''} of the undeformed width-${architecture.width} network is subtracted, so the couplings describe interactions beyond the network's own (none: the spec has no deformation); the cluster curve and the vertex see the network as it is`);
      }
    } else notes.push('the exact undeformed moments of this architecture are not known, so its finite-width G_c4 is attributed to the couplings and stays in the cluster curve');
  }
  Object.assign(state, { correlators, networkWidth, mass, massSource, massStatement, background, backgroundScope, baseLine, name, noisyWithoutBatches, batches });
}
