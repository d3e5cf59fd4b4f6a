/**
 * `nnft action <spec.json | correlators.json> [--grid a,b,step | --points ...] [--ensemble M] [--seed S]
 * [--width-hint N] [--mass m] [--six] [--json]`: from connected correlators back to the action
 * (docs/reconstruct.md). A thin layer over reconstructAction:
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
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { eventRenderer, type CliContext } from '../context.js';
import { BACKEND_REQUESTS, type BackendRequest } from '../../backend/index.js';
import { EXIT, NnftError, exitCodeFor, isNnftError } from '../../errors.js';
import type { CorrelatorBlock, CorrelatorResult } from '../../io/result.js';
import { parseJsonSource } from '../../schema/json-source.js';
import { parseSpec } from '../../spec/load-spec.js';
import { DEFAULT_ENSEMBLE_SIZE, DEFAULT_SEED, estimateSpec } from '../../spec/estimate-spec.js';
import { deriveSeed } from '../../random/index.js';
import { architectureFromSpec } from '../../spec/build-ensemble.js';
import type { NnftSpec } from '../../spec/spec.js';
import {
  applyRelativeErrorFloor,
  BATCHES_PER_CORRELATED_VALUE,
  CANDIDATE_DESCRIPTIONS,
  checkGridForWidth,
  EXACT_INPUT_RELATIVE_ERROR_FLOOR,
  forwardFitMassForResult,
  localityVerdict,
  type ActionReconstruction,
  type CandidateName,
  type CorrelatorBlocks,
  type ForwardFitMassSource,
  reconstructAction,
} from '../../reconstruct/index.js';
import { loadTarget } from '../../theory/load-target.js';
import type { Theory } from '../../theory/theory.js';
import { exactUndeformedCorrelators } from '../../reconstruct/network-background.js';
import { massFromTwoPoint } from '../../reconstruct/measured-mass.js';
import { readJsonText } from '../../io/read-json-text.js';
import { checkResultDocument } from '../../io/check-result.js';
import { MAX_COORDINATE, pointsFromDocument, readPointsDocument } from './estimate.js';
import { checkFlags, declareFlags } from '../check-flags.js';
import type { OptionRules } from '../../io/option-rules.js';

interface ActionArgs {
  input: string;
  grid?: string;
  points?: string;
  ensemble?: number;
  seed?: number;
  widthHint?: number;
  mass?: number;
  six: boolean;
  background: boolean;
  nominalError: number;
  replicas: number;
  correlated: boolean;
  candidates?: string;
  workers?: number;
  backend: BackendRequest;
  json: boolean;
}

/** Independent estimates a spec is split into, for per-batch (jackknife) errors. */
export const DEFAULT_REPLICAS = 10;

/** nnft action's flags (src/cli/check-flags.ts); --mass has the range of a target's mass (docs/target-format.md). */
const ACTION_FLAG_RULES: OptionRules = {
  grid: { kind: 'string', fix: 'write --grid a,b,step, e.g. --grid=-1.75,1.75,0.5' },
  points: { kind: 'string', fix: 'write --points x1,x2,... (d = 1) or --points file.json' },
  ensemble: { kind: 'integer', min: 2, max: 1_000_000_000, fix: "the default is the spec's estimation.ensembleSize, else 100000" },
  seed: { kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, fix: 'a seed is a whole number >= 0' },
  widthHint: { kind: 'integer', min: 1, max: 1_000_000, fix: 'give the width N of the networks behind the correlators' },
  mass: { kind: 'number', min: 1e-4, max: 1e4, fix: 'give the mass m > 0 of the d = 1 propagator, e.g. --mass 1' },
  six: { kind: 'boolean' },
  background: { kind: 'boolean' },
  nominalError: { kind: 'number', min: 0, exclusiveMin: true, max: 1, exclusiveMax: true, fix: `the default is ${EXACT_INPUT_RELATIVE_ERROR_FLOOR}` },
  replicas: { kind: 'integer', min: 1, max: 200, fix: `the default is ${DEFAULT_REPLICAS}` },
  correlated: { kind: 'boolean' },
  candidates: { kind: 'string', fix: `choose from ${Object.keys(CANDIDATE_DESCRIPTIONS).join(', ')}` },
  workers: { kind: 'integer', min: 1, max: 1024, fix: 'the default is every core' },
  backend: { kind: 'choice', choices: [...BACKEND_REQUESTS] },
};

/** Most points of the default row (amputation costs O(M^5) and needs width >> M). */
export const DEFAULT_ROW_POINTS = 8;

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

function usage(message: string, hint?: string): NnftError {
  return new NnftError('E_USAGE', message, hint ? { hint } : {});
}

function parseNumberList(text: string, option: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  const values = parts.map(Number);
  if (parts.length === 0 || parts.some((part) => part === '') || values.some((value) => !(Math.abs(value) <= MAX_COORDINATE))) {
    throw usage(`${option} ${JSON.stringify(text)} is not a comma-separated list of numbers within ±${MAX_COORDINATE}`, option === '--grid' ? 'write --grid a,b,step, e.g. --grid=-1.75,1.75,0.5' : 'write --points x1,x2,... (d = 1) or --points file.json');
  }
  return values;
}

/** --grid a,b,step: a, a + step, ... up to b (along the first axis when d > 1). */
function gridPoints(text: string, dimension: number): number[][] {
  const values = parseNumberList(text, '--grid');
  if (values.length !== 3) throw usage(`--grid takes three numbers a,b,step, got ${values.length}`, 'for explicit points use --points x1,x2,... or --points file.json');
  const [start, end, step] = values as [number, number, number];
  if (!(step > 0) || !(end > start)) throw usage(`--grid ${text}: need a < b and step > 0`);
  const count = Math.floor((end - start) / step + 1e-9) + 1;
  if (count > 1000) throw usage(`--grid ${text} makes ${count} points`, 'use a coarser step');
  return Array.from({ length: count }, (_, i) => [start + i * step, ...new Array(dimension - 1).fill(0)]);
}

async function explicitPoints(text: string, dimension: number, cwd: string): Promise<number[][]> {
  const path = resolve(cwd, text);
  if (text.endsWith('.json') || existsSync(path)) {
    return pointsFromDocument(await readPointsDocument(path, text), text, dimension);
  }
  if (dimension !== 1) throw usage(`--points x1,x2,... is for d = 1; this input has d = ${dimension}`, 'give a JSON file with the points');
  return parseNumberList(text, '--points').map((x) => [x]);
}

/**
 * The default row: min(8, 2N) points spaced 0.5/m along the first axis, symmetric about 0 (the centre
 * of the interaction box, so the points sit as far from its edges as they can: the forward fits assume
 * V = R).
 */
function defaultPoints(dimension: number, width: number, mass: number): number[][] {
  const count = Math.min(DEFAULT_ROW_POINTS, 2 * width);
  const spacing = 0.5 / mass;
  const first = -(count - 1) / 2;
  return Array.from({ length: count }, (_, i) => [(first + i) * spacing, ...new Array(dimension - 1).fill(0)]);
}

/** Read the input and tell a spec from a result. */
async function readInput(file: string, cwd: string): Promise<{ kind: 'spec'; spec: NnftSpec } | { kind: 'correlators'; result: CorrelatorResult }> {
  const text = await readJsonText(resolve(cwd, file), file, 'input').catch((error: unknown) => {
    if (isNnftError(error) && error.code === 'E_FILE_NOT_FOUND') {
      throw new NnftError('E_FILE_NOT_FOUND', `${file} does not exist`, { file, hint: 'give a spec (examples/specs/) or a correlators file written by nnft estimate/target --json' });
    }
    throw error;
  });
  const parsed = parseJsonSource(text);
  if (!parsed.ok) {
    const where = parsed.issue.line !== undefined ? ` at line ${parsed.issue.line}:${parsed.issue.column}` : '';
    throw new NnftError('E_JSON_SYNTAX', `invalid JSON${where}`, { file, issues: [{ ...parsed.issue, severity: 'error' }] });
  }
  const value = parsed.value as Record<string, unknown> | null;
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject && 'nnftSpec' in value) return { kind: 'spec', spec: parseSpec(value, { file, locations: parsed.locations }) };
  if (isObject && 'nnftResult' in value) {
    if (parsed.duplicateKeys.length > 0) {
      throw new NnftError('E_SCHEMA', 'duplicate keys', { file, issues: parsed.duplicateKeys.map((issue) => ({ ...issue, severity: 'error' as const })), hint: 'each key may appear once in an object' });
    }
    // Ranges, lengths, indices within the points (src/io/check-result.ts), before any fit runs.
    return { kind: 'correlators', result: checkResultDocument(value, file, parsed.locations, { requiredOrders: [2, 4], completeTuples: true }) };
  }
  throw new NnftError('E_SCHEMA', `${file} is neither a spec nor a correlators file`, {
    file,
    issues: [{ path: '', message: 'expected an object with "nnftSpec": 1 (a spec) or "nnftResult": 1 (correlators)', severity: 'error' }],
    hint: 'give a spec (docs/ensemble.md) or the --json output of nnft estimate or nnft target',
  });
}

function block(result: CorrelatorResult, order: number): CorrelatorBlock | undefined {
  return result.correlators.find((entry) => entry.order === order);
}

function parseCandidates(text: string): CandidateName[] {
  const known = Object.keys(CANDIDATE_DESCRIPTIONS) as CandidateName[];
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => !known.includes(name as CandidateName));
  if (names.length === 0 || unknown.length > 0) throw usage(`--candidates: unknown candidate${unknown.length === 1 ? '' : 's'} ${unknown.join(', ') || '(none given)'}`, `choose from ${known.join(', ')}`);
  return names as CandidateName[];
}

/** Mean of independent replica estimates, errors their spread / sqrt(K). */
function combineReplicas(replicas: readonly CorrelatorResult[], rootSeed: number): CorrelatorResult {
  const count = replicas.length;
  const first = replicas[0]!;
  const correlators = first.correlators.map((entry) => {
    const all = replicas.map((result) => block(result, entry.order)!.values);
    const values = entry.values.map((_, i) => all.reduce((sum, v) => sum + v[i]!, 0) / count);
    // each replica's own jackknife error (from its batches) is far steadier than the spread of K replicas
    const own = replicas.map((result) => block(result, entry.order)!.stderr);
    const stderr = values.map((_, i) => Math.sqrt(own.reduce((sum, e) => sum + e[i]! ** 2, 0)) / count);
    return { order: entry.order, indices: entry.indices, values, stderr };
  });
  const sum = (key: string) => replicas.reduce((total, result) => total + (typeof result[key] === 'number' ? (result[key] as number) : Number.NaN), 0);
  const { varianceReduction: _dropped, chunks: _chunks, ...rest } = first;
  return {
    ...rest,
    correlators,
    seed: rootSeed,
    replicas: count,
    replicaSeeds: replicas.map((result) => result.seed),
    ensembleSize: sum('ensembleSize'),
    effectiveSampleSize: sum('effectiveSampleSize'),
    seconds: sum('seconds'),
    errors: `one standard error: sqrt(sum of the ${count} replicas' own jackknife variances) / ${count}`,
  };
}

/**
 * Per-batch blocks equivalent to a file's delete-one-batch jackknife replicates r_b (B of them, the
 * same B in every block used): batch b holds value + (B - 1)(mean_r - r_b), so the batches average to
 * the stated value and their leave-one-out means are value + (r_b - mean_r): every jackknife over them
 * (vertex errors, refitted couplings, the correlation of the values) is the file's own. Null, with the
 * reason, when G_c2 or G_c4 has no replicates or the batch counts differ; a G_c6 block without them
 * is left out of the batches (its fits then keep the fit's own errors).
 */
export function batchesFromReplicates(result: CorrelatorResult): { batches: CorrelatorBlocks[]; count: number } | { reason: string } {
  const two = block(result, 2);
  const four = block(result, 4);
  const six = block(result, 6);
  if (!two?.replicates || !four?.replicates) return { reason: 'the file has no jackknife replicates for G_c2 and G_c4' };
  const count = two.replicates[0]?.length ?? 0;
  if (count < 2 || (four.replicates[0]?.length ?? 0) !== count) return { reason: `the G_c2 and G_c4 replicates have different batch counts (${count} and ${four.replicates[0]?.length ?? 0})` };
  const useSix = six?.replicates !== undefined && (six.replicates[0]?.length ?? 0) === count;
  const pseudo = (entry: CorrelatorBlock, b: number): CorrelatorBlock => ({
    order: entry.order,
    indices: entry.indices,
    values: entry.values.map((value, i) => {
      const row = entry.replicates![i]!;
      const mean = row.reduce((sum, r) => sum + r, 0) / count;
      return value + (count - 1) * (mean - row[b]!);
    }),
    stderr: entry.stderr,
  });
  const batches = Array.from({ length: count }, (_, b) => ({ twoPoint: pseudo(two, b), fourPoint: pseudo(four, b), ...(useSix ? { sixPoint: pseudo(six!, b) } : {}) }));
  return { batches, count };
}

function numberField(value: unknown, key: string): number | undefined {
  const field = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof field === 'number' && Number.isFinite(field) ? field : undefined;
}

/**
 * The target a perturbative result names (its `theory.file`, resolved against the working directory
 * and then the result file's directory), if it is still there and unchanged (same sha256): its bare
 * mass is the propagator of first-order data (src/reconstruct/forward-fit-mass.ts).
 */
async function namedTarget(result: CorrelatorResult, resultFile: string, cwd: string): Promise<{ theory?: Theory; from: string; unavailable?: string }> {
  const reference = result.theory as { file?: unknown; sha256?: unknown } | undefined;
  const named = typeof reference?.file === 'string' ? reference.file : undefined;
  if (named === undefined) return { from: 'none', unavailable: 'the result names no target file' };
  const candidates = isAbsolute(named) ? [named] : [...new Set([resolve(cwd, named), resolve(dirname(resolve(cwd, resultFile)), named)])];
  let why = `${named} was not found`;
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    try {
      const { theory } = await loadTarget(path);
      if (typeof reference?.sha256 === 'string' && theory.source.sha256 !== reference.sha256) {
        why = `${named} has changed since the result was computed (sha256 differs)`;
        continue;
      }
      return { theory, from: named };
    } catch (error) {
      why = `${named} could not be read: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return { from: named, unavailable: why };
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
  const input = await readInput(file, options.cwd);
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

function pm(value: { value: number; stderr: number | null }, digits = 3): string {
  return value.stderr === null || !Number.isFinite(value.stderr) ? value.value.toPrecision(digits) : `${value.value.toPrecision(digits)} ± ${value.stderr.toPrecision(2)}`;
}

function percent(value: number): string {
  return `${(100 * value).toPrecision(3)}%`;
}

export function renderAction(report: ActionReport): string {
  const lines: string[] = [];
  const source = report.correlators;
  const where = report.points.length <= 10 ? report.points.map((point) => point.map((value) => Number(value.toPrecision(6))).join(',')).join(' ') : `${report.points.length} points`;
  const estimated = report.input.kind === 'spec' ? `, ${source.ensembleSize as number} networks, seed ${source.seed as number}` : '';
  lines.push(`${report.input.file} (${report.input.kind}${report.input.name ? ` ${report.input.name}` : ''}${report.networkWidth !== null ? `, width ${report.networkWidth}` : ''}${estimated})`);
  lines.push(`points: ${where}`);
  if (report.errorFloor) lines.push(`error floor: relative ${report.errorFloor.relative} (${report.errorFloor.blocks.map((entry) => `${entry.raised}/${entry.values} G_c${entry.order}`).join(', ')} raised to it${report.errorFloor.allRaised ? '; the input is exact at this precision' : ''})`);
  if (report.massStatement) lines.push(report.massStatement);
  lines.push('');
  lines.push(`verdict: ${report.verdict.summary}${report.backgroundScope === 'all' ? ' (on the deformation: the undeformed base network is subtracted)' : ''}`);
  if (report.base) {
    lines.push(`  base network    ${report.base.message}`);
  }
  const cluster = report.cluster;
  if (cluster) {
    lines.push(`  cluster curve   C(R) = ${report.backgroundScope === 'all' ? '[G_c4 - G_c4(base)]' : 'G_c4'}(a,a,b,b)/G(0)^2 fitted to ${cluster.model}`);
    lines.push(`                  plateau B = ${pm(cluster.plateau, 4)} (${cluster.significance.toFixed(1)} sigma from 0); B G(0)^2 = ${pm(cluster.plateauOfCorrelator, 4)}`);
    lines.push(`                  decay rate mu = ${pm(cluster.decayRate)}; ${cluster.weights.kind === 'correlated' ? 'correlated ' : ''}chi^2/dof = ${cluster.dof > 0 ? (cluster.chiSquared / cluster.dof).toPrecision(3) : 'n/a'}, p = ${cluster.pValue.toPrecision(2)}${cluster.weights.kind === 'correlated' ? ` (C from ${cluster.weights.batches} batches, correlation shrunk by ${cluster.weights.shrinkage!.toPrecision(2)})` : ''}`);
  } else lines.push('  cluster curve   not fitted (see notes)');
  const amputation = report.amputation;
  if (amputation) {
    lines.push(`  amputated vertex on ${amputation.gridPoints} points (cell volume ${amputation.cellVolume.toPrecision(3)}): mean V_iiii/a^d = ${pm(amputation.diagonalCoupling)}`);
    lines.push(`                  vertex spread ${percent(amputation.spread.value)} off the diagonal${amputation.spread.stderr > 0 ? ` ± ${percent(amputation.spread.stderr)}` : ''}${amputation.polynomial ? `; stencil residual ${percent(amputation.polynomial.value)}` : ''}`);
    lines.push(`                  cond(C) = ${amputation.conditionNumber.toPrecision(3)}, noise amplification ||C^-1||^4 = ${amputation.noiseAmplification.toPrecision(3)}${amputation.noise ? `, signal/noise ${amputation.noise.signalToNoise.toPrecision(3)}` : ''}`);
  } else lines.push('  amputated vertex: not computed (see notes)');
  const forward = report.forwardFit;
  if (forward) {
    const weights = forward.fits[0]?.weights;
    const weighting = weights?.kind === 'correlated' ? `; correlated chi^2 over ${weights.batches} batches, correlation shrunk by ${weights.shrinkage!.toPrecision(2)}` : '';
    lines.push(`  forward fits (tree level${report.backgroundSubtracted ? ', undeformed network G_c4 subtracted' : ''}; errors: ${forward.fits[0]?.errors.method === 'jackknife' ? `jackknife over ${forward.fits[0]!.errors.batches} batches` : 'weighted fit, scaled by sqrt(chi^2/dof) when > 1'}${weighting}):`);
    for (const fit of forward.fits) {
      const couplings = fit.couplings.map((coupling) => `${coupling.name} = ${pm(coupling)}`);
      if (fit.truncationError !== undefined && couplings.length > 0) couplings[0] = `${couplings[0]} (higher loops ± ${fit.truncationError.toPrecision(2)})`;
      if (fit.width) couplings.push(`width = ${pm(fit.width)}`);
      const expected = fit.goodnessOfFit ? ` (expected ${(fit.goodnessOfFit.expectedChiSquared / fit.dof).toPrecision(3)} with correlations)` : '';
      const quality = `chi^2/dof = ${Number.isFinite(fit.reducedChiSquared) ? fit.reducedChiSquared.toPrecision(3) : 'n/a'}${expected}, p = ${Number.isFinite(fit.pValue) ? fit.pValue.toPrecision(2) : 'n/a'}, dAIC = ${fit.deltaAic.toFixed(1)}`;
      lines.push(`    ${fit.preferred ? '*' : ' '} ${fit.name.padEnd(18)} [${fit.dataUsed.join('+')}] ${couplings.join(', ')}   (${quality})`);
    }
    for (const failure of forward.failures) lines.push(`      ${failure.name.padEnd(18)} not fitted: ${failure.error}`);
  } else lines.push('  forward fits: not run (see notes)');
  lines.push(`  terms fitted: ${report.verdict.termsFitted.length > 0 ? report.verdict.termsFitted.join(', ') : 'none'}`);
  lines.push('  orders dropped:');
  for (const dropped of report.verdict.ordersDropped) lines.push(`    - ${dropped}`);
  lines.push('  reasons:');
  for (const reason of report.verdict.reasons) lines.push(`    - ${reason}`);
  if (report.notes.length > 0) {
    lines.push('  notes:');
    for (const note of report.notes) lines.push(`    - ${note}`);
  }
  return `${lines.join('\n')}\n`;
}

export function actionCommand(context: CliContext) {
  return {
    command: 'action <input>',
    describe: 'reconstruct the action from connected correlators (a spec\'s ensemble, or a correlators file) and say whether it is local and clusters',
    builder: (argv: Argv) =>
      declareFlags(
        argv.positional('input', { type: 'string', demandOption: true, describe: 'spec JSON, or correlators JSON (nnft estimate/target --json)' }),
        ACTION_FLAG_RULES,
        {
          grid: 'spec only: points a, a+step, ..., b written a,b,step',
          points: 'spec only: explicit points x1,x2,... (d = 1) or a JSON points file',
          ensemble: 'spec only: number of networks M',
          seed: 'spec only: root seed',
          widthHint: 'width N of the networks behind a correlators file (guard rail: at most 2N points)',
          mass: "mass m of G = e^{-m|x|}/(2m) for the d = 1 forward fits; unset: a deformed spec's measured G_c2 decay rate, else the spec's mass; for a file its massGap, a perturbative target's bare mass, an undeformed architecture's mass, else its G_c2 decay rate",
          six: 'spec: also estimate G_c6 (sextic vertex, local+sextic fit)',
          background: 'spec: subtract the exact undeformed finite-width G_c4 in the forward fits (--no-background to keep it)',
          nominalError: 'relative error floor: stated errors below f |value| (0 for exact values) are raised to it in the weighted fits',
          replicas: 'spec only: split the ensemble into K independent estimates (per-batch data for jackknife errors); 1 = one estimate',
          correlated: 'with per-batch data (replicas, or a file\'s jackknife replicates): fit the correlated chi^2 r^T C^-1 r (--no-correlated: each value by its own error)',
          candidates: `forward-fit candidates, comma-separated, of ${Object.keys(CANDIDATE_DESCRIPTIONS).join(',')}; nonlocal-gaussian is the slow one`,
          workers: 'spec only: worker threads',
          backend: 'tensor backend (nnft doctor shows which run here)',
        },
        {
          six: { default: false },
          background: { default: true },
          nominalError: { default: String(EXACT_INPUT_RELATIVE_ERROR_FLOOR) },
          replicas: { default: String(DEFAULT_REPLICAS) },
          correlated: { default: true },
          backend: { default: 'auto' },
          grid: { defaultDescription: 'min(8, 2N) points 0.5/m apart' },
          ensemble: { defaultDescription: "the spec's, else 100000" },
          seed: { defaultDescription: "the spec's, else 1" },
          mass: { defaultDescription: 'from the input' },
          candidates: { defaultDescription: 'all' },
          workers: { defaultDescription: 'every core' },
        },
      )
        .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON on stdout' }),
    handler: async (args: ActionArgs) => {
      try {
        Object.assign(args, checkFlags(args as unknown as Record<string, unknown>, ACTION_FLAG_RULES));
        if (args.grid !== undefined && args.points !== undefined) throw usage('give --grid or --points, not both');
        const candidates = args.candidates !== undefined ? parseCandidates(String(args.candidates)) : undefined;
        const report = await runAction(args.input, {
          cwd: context.cwd,
          ...(args.grid !== undefined ? { grid: String(args.grid) } : {}),
          ...(args.points !== undefined ? { points: String(args.points) } : {}),
          ...(args.ensemble !== undefined ? { ensemble: args.ensemble } : {}),
          ...(args.seed !== undefined ? { seed: args.seed } : {}),
          ...(args.widthHint !== undefined ? { widthHint: args.widthHint } : {}),
          ...(args.mass !== undefined ? { mass: args.mass } : {}),
          six: args.six,
          background: args.background,
          nominalError: args.nominalError,
          replicas: args.replicas,
          correlated: args.correlated,
          ...(candidates ? { candidates } : {}),
          workers: args.workers ?? availableParallelism(),
          backend: args.backend,
          onEvent: eventRenderer(context, args.json),
        });
        context.stdout(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderAction(report));
        context.exitCode = EXIT.ok;
      } catch (error) {
        if (!args.json || !isNnftError(error)) throw error;
        context.stdout(`${JSON.stringify(error.toJSON(), null, 2)}\n`);
        context.exitCode = exitCodeFor(error);
      }
    },
  };
}
