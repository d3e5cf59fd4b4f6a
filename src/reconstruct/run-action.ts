/**
 * runAction(file, options): what `nnft action` reports, from connected correlators back to the action
 * (docs/reconstruct.md), around reconstructAction:
 *
 * - a spec: its ensemble correlators (orders 2, 4 and, with --six, 6) are estimated with estimateSpec on
 *   points suited to the analyses (a row of at most min(8, 2N) points, so the cluster curve sees growing
 *   separations and the amputation grid obeys the 2N guard rail), with the spec's width as networkWidth,
 *   the spec's mass for the d = 1 forward fits, and the exact undeformed finite-width G_c4 as background;
 * - a correlators file (the result contract, schema/result.schema.json): reconstructed directly; when
 *   its blocks carry delete-one-batch jackknife replicates (Monte Carlo results), they stand in for
 *   per-batch estimates (batchesFromReplicates): jackknife errors for the vertex and every fit, and
 *   correlated chi^2 fits (reconstruct/correlated-weights.ts).
 *
 * A spec is split into --replicas independent estimates (the per-batch data); with --replicas 1 the
 * estimate's own jackknife replicates are. Without per-batch data (a file with errors but no
 * replicates) the amputated vertex carries no errors: its locality numbers are shown but cast no vote
 * (the verdict then rests on the cluster curve and the forward fits), and the report says so.
 */
import { NnftError, isNnftError } from '../errors.js';
import type { BackendRequest } from '../backend/index.js';
import type { CorrelatorResult } from '../io/result.js';
import { DEFAULT_ENSEMBLE_SIZE, DEFAULT_SEED, estimateSpec } from '../spec/estimate-spec.js';
import { architectureFromSpec } from '../spec/build-ensemble.js';
import { deriveSeed } from '../random/index.js';
import {
  applyRelativeErrorFloor,
  BATCHES_PER_CORRELATED_VALUE,
  checkGridForWidth,
  EXACT_INPUT_RELATIVE_ERROR_FLOOR,
  forwardFitMassForResult,
  localityVerdict,
  type ActionReconstruction,
  type CandidateName,
  type CorrelatorBlocks,
  type ForwardFitMassSource,
  reconstructAction,
} from './index.js';
import { exactUndeformedCorrelators } from './network-background.js';
import { massFromTwoPoint } from './measured-mass.js';
import { namedTarget, numberField, readActionInput } from './action-input.js';
import { defaultPoints, explicitPoints, gridPoints } from './action-points.js';
import { batchesFromReplicates, block, combineReplicas } from './action-replicas.js';

function usage(message: string, hint?: string): NnftError {
  return new NnftError('E_USAGE', message, hint ? { hint } : {});
}

/** Independent estimates a spec is split into, for per-batch (jackknife) errors. */
export const DEFAULT_REPLICAS = 10;

export interface ActionReport extends ActionReconstruction {
  readonly nnftAction: 1;
  readonly input: { readonly file: string; readonly kind: 'spec' | 'correlators'; readonly name?: string };
  readonly points: number[][];
  readonly networkWidth: number | null;
  readonly mass: number | null;
  /**
   * Where the forward-fit mass came from: --mass, the spec's base network, the measured G_c2 decay rate
   * (deformed specs and files that state no mass), the file's massGap (spectral), the bare mass of the
   * target a perturbative result names, or the file's undeformed architecture (src/reconstruct/forward-fit-mass.ts).
   */
  readonly massSource: ForwardFitMassSource | 'spec' | null;
  /** The report's sentence on the forward-fit mass: which one, from where, and why (or why none). */
  readonly massStatement: string | null;
  readonly backgroundSubtracted: boolean;
  /** The correlators the reconstruction used (the estimate, for a spec). */
  readonly correlators: CorrelatorResult;
}

export interface RunActionOptions {
  readonly cwd: string;
  readonly grid?: string;
  readonly points?: string;
  readonly ensemble?: number;
  readonly seed?: number;
  readonly widthHint?: number;
  readonly mass?: number;
  readonly six?: boolean;
  readonly background?: boolean;
  readonly nominalError?: number;
  readonly replicas?: number;
  /** Correlated chi^2 in the cluster-curve and forward fits when there are per-batch data (default true). */
  readonly correlated?: boolean;
  readonly candidates?: readonly CandidateName[];
  readonly workers?: number;
  readonly backend?: BackendRequest;
  readonly onEvent?: Parameters<typeof reconstructAction>[0]['onEvent'];
  /** The ensemble estimator (default estimateSpec); tests and scripts pass a caching one. */
  readonly estimate?: typeof estimateSpec;
}

export async function runAction(file: string, options: RunActionOptions): Promise<ActionReport> {
  const input = await readActionInput(file, options.cwd);
  const notes: string[] = [];
  let correlators: CorrelatorResult;
  let networkWidth: number | undefined = options.widthHint;
  let mass: number | undefined = options.mass;
  let massSource: ActionReport['massSource'] = options.mass !== undefined ? 'option' : null;
  let massStatement: string | null = options.mass !== undefined ? `forward-fit mass m = ${options.mass}, given (--mass)` : null;
  const errorFloor = options.nominalError ?? EXACT_INPUT_RELATIVE_ERROR_FLOOR;
  let background: { fourPoint?: number[]; sixPoint?: number[] } | undefined;
  let backgroundScope: 'forward-fits' | 'all' = 'forward-fits';
  let baseLine: { baseTwoPoint: number[]; baseWidth: number } | undefined;
  let name: string | undefined;
  let noisyWithoutBatches = false;
  let batches: CorrelatorBlocks[] | undefined;
  if (input.kind === 'spec') {
    const spec = input.spec;
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
      const fourPoint = exactUndeformedCorrelators(engine, points, four.indices);
      const six = block(correlators, 6);
      const sixPoint = six ? exactUndeformedCorrelators(engine, points, six.indices) : null;
      if (fourPoint) {
        background = { fourPoint, ...(sixPoint ? { sixPoint } : {}) };
        if (spec.deformation) {
          // a deformed spec: the report is on the deformation; the base network gets its own line
          backgroundScope = 'all';
          const baseTwoPoint = exactUndeformedCorrelators(engine, points, block(correlators, 2)!.indices);
          if (baseTwoPoint) baseLine = { baseTwoPoint, baseWidth: architecture.width };
        } else {
          notes.push(`forward fits: the exact G_c4${sixPoint ? ' and G_c6' : ''} of the undeformed width-${architecture.width} network is subtracted, so the couplings describe interactions beyond the network's own (none: the spec has no deformation); the cluster curve and the vertex see the network as it is`);
        }
      } else notes.push('the exact undeformed moments of this architecture are not known, so its finite-width G_c4 is attributed to the couplings and stays in the cluster curve');
    }
  } else {
    correlators = input.result;
    if (options.grid || options.points) notes.push('--grid/--points ignored: a correlators file fixes its points');
    if (options.ensemble !== undefined || options.seed !== undefined) notes.push('--ensemble/--seed ignored: a correlators file is reconstructed as given');
    const architecture = correlators.architecture;
    if (networkWidth === undefined) networkWidth = numberField(architecture, 'width');
    const target = correlators.method === 'perturbative' && options.mass === undefined ? await namedTarget(correlators, file, options.cwd) : undefined;
    if (target?.theory) {
      const theory = target.theory;
      if (theory.momentumCutoff !== null || theory.interactionRegion !== null) {
        notes.push(`the target (${target.from}) has ${[theory.momentumCutoff !== null ? `momentum cutoff Lambda = ${theory.momentumCutoff}` : '', theory.interactionRegion ? `an interaction box of side ${theory.interactionRegion.side}` : ''].filter(Boolean).join(' and ')}; the forward-fit predictors assume neither`);
      }
    }
    const chosen = forwardFitMassForResult(correlators, {
      ...(options.mass !== undefined ? { given: options.mass } : {}),
      ...(target?.theory ? { bareMass: { mass: target.theory.mass, from: target.from } } : {}),
      ...(target?.unavailable ? { bareMassUnavailable: target.unavailable } : {}),
      errorFloor,
    });
    if (chosen.mass !== null) {
      mass = chosen.mass;
      massSource = chosen.source;
    }
    massStatement = chosen.statement;
    name = typeof correlators.spec === 'string' ? correlators.spec : typeof (correlators.theory as { name?: unknown } | undefined)?.name === 'string' ? (correlators.theory as { name: string }).name : undefined;
    const anyError = correlators.correlators.some((entry) => entry.stderr.some((error) => error > 0));
    const fromReplicates = batchesFromReplicates(correlators);
    if ('batches' in fromReplicates) {
      batches = fromReplicates.batches;
      notes.push(
        `per-batch data: the file's delete-one-batch jackknife replicates over ${fromReplicates.count} batches${block(correlators, 6) && !fromReplicates.batches[0]!.sixPoint ? ' (G_c6 has none: its fits keep their own errors)' : ''}; vertex, cluster-plateau and coupling errors are jackknifes over them${options.correlated === false ? '' : `, and with at least ${BATCHES_PER_CORRELATED_VALUE} batches per fitted value the fits minimise the correlated chi^2 (the weights are stated per fit)`}`,
      );
    }
    noisyWithoutBatches = anyError && batches === undefined;
    const belowFloor = correlators.correlators.every((entry) => applyRelativeErrorFloor(entry, errorFloor).raised.raised === entry.values.length);
    if (batches !== undefined) {
      // replicates: nothing below to say about missing per-batch estimates
    } else if (anyError && belowFloor) notes.push(`every stated error of the file lies below the relative floor ${errorFloor} (numerical errors of exact data), and there are no per-batch estimates: the amputated vertex carries no errors, so its spread and stencil residual are shown but cast no vote`);
    else if (anyError) notes.push('the correlators file has errors but no per-batch estimates: the amputated vertex carries no errors, so its spread and stencil residual are shown but cast no vote, and the cluster-plateau error ignores the correlation between values (it is understated: a spec run with --replicas jackknifes it)');
  }

  const twoPoint = block(correlators, 2)!;
  const fourPoint = block(correlators, 4)!;
  const sixPoint = block(correlators, 6);
  const blocks: CorrelatorBlocks = { twoPoint, fourPoint, ...(sixPoint ? { sixPoint } : {}) };
  const reconstruction = reconstructAction({
    points: correlators.points,
    ...blocks,
    errorFloor,
    ...(networkWidth !== undefined ? { networkWidth } : {}),
    ...(mass !== undefined ? { mass } : {}),
    ...(background ? { background, backgroundScope } : {}),
    ...(baseLine ?? {}),
    ...(options.candidates ? { candidates: options.candidates } : {}),
    ...(batches ? { batches } : {}),
    ...(options.correlated === false ? { correlated: false } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  let verdict = reconstruction.verdict;
  const cluster = reconstruction.cluster;
  if (noisyWithoutBatches) {
    verdict = localityVerdict({
      ...(cluster ? { cluster } : {}),
      ...(reconstruction.forwardFit ? { forwardFit: reconstruction.forwardFit } : {}),
      ...(reconstruction.base ? { baseNetwork: reconstruction.base.message } : {}),
    });
  }
  const extraNotes: string[] = [];
  const fits = reconstruction.forwardFit?.fits ?? [];
  if (fits.some((fit) => fit.errors.method === 'jackknife')) {
    const correlatedFit = fits.find((fit) => fit.weights.kind === 'correlated');
    extraNotes.push(`forward-fit errors: delete-one jackknife of each whole fit over the ${fits.find((fit) => fit.errors.batches)?.errors.batches} batches (the values share networks, so the weighted fit's own errors are optimistic; they are kept as fitStderr); ${correlatedFit ? `the fits minimise the correlated chi^2 r^T C^-1 r (C from the stated errors and the batches' correlation, shrunk by ${correlatedFit.weights.shrinkage?.toPrecision(3)} for G_c4), and ` : ''}p-values compare the chi^2 with its jackknife distribution (chi^2 ~ c chi^2_nu, nu <= batches - 1), so they flag gross misfits only`);
    const unweighted = [...fits.map((fit) => fit.weights), ...(cluster ? [cluster.weights] : [])].find((weights) => weights.kind === 'diagonal' && weights.batches !== undefined);
    if (unweighted && options.correlated !== false) extraNotes.push(`fit weights: ${unweighted.description}`);
  } else if (fits.length > 0) {
    extraNotes.push('forward-fit errors: no per-batch estimates, so each fit\'s errors are its weighted least-squares errors, scaled by sqrt(chi^2/dof) where that exceeds 1; they ignore the correlations between values (optimistic)');
  }
  return {
    nnftAction: 1,
    input: { file, kind: input.kind, ...(name ? { name } : {}) },
    points: correlators.points,
    networkWidth: networkWidth ?? null,
    mass: mass ?? null,
    massSource: mass !== undefined ? massSource : null,
    massStatement,
    backgroundSubtracted: background !== undefined,
    ...reconstruction,
    verdict,
    notes: [...notes, ...reconstruction.notes, ...extraNotes],
    correlators,
  };
}
