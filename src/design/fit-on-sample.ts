/**
 * One width of a design by the sample-average approximation: draw a fixed sample of networks
 * (design-sample.ts), fit the parameters to the target by deterministic Levenberg-Marquardt on it
 * (optimise-saa.ts, objective in sample-objective.ts), and report the sample's own noise at the
 * answer (batch means). The base density is the target's free field (design-setup.ts), so every
 * parameter acts on cached per-network numbers of one sample.
 *
 * The amplitude kurtosis acts exactly on the base's known moments but only approximately on the
 * deformation's response (the sample was drawn at one kurtosis), so when the fitted kurtosis moves
 * away from the sample's by more than KURTOSIS_REDRAW the sample is redrawn there and the fit
 * repeated (at most MAX_ROUNDS rounds).
 *
 * Everything is a deterministic function of (seed, width, round), so a resumed run repeats the
 * uninterrupted one exactly.
 */
import type { Theory } from '../theory/theory.js';
import type { CorrelatorResult } from '../io/result.js';
import type { EventSink } from '../io/events.js';
import { deriveSeed } from '../random/index.js';
import type { BackendRequest } from '../backend/index.js';
import { architectureFromSpec } from '../spec/build-ensemble.js';
import type { NnftSpec } from '../spec/spec.js';
import { monomialTable, type MonomialTable } from '../estimators/monomials.js';
import type { GridResolution } from '../densities/interaction-grid.js';
import { NnftError } from '../errors.js';
import { specFromParameters, type DesignSetup } from './design-setup.js';
import { drawDesignSample } from './design-sample.js';
import { evaluateOnSample, sampleStandardErrors, type ExactBaseMoments, type SampleObjectiveContext } from './sample-objective.js';
import { optimiseSaa, DEFAULT_SAA, type SaaState, type StopReason } from './optimise-saa.js';
import { chiSquaredErrors } from './chi-squared-errors.js';
import { exactMonomialMoments } from './exact-correlators.js';
import { minimaxPolish } from './minimax-polish.js';
import { MARGINAL_SIGNIFICANCE, moveSignificance } from './fit-significance.js';

export const KURTOSIS_REDRAW = 0.1;
export const MAX_ROUNDS = 3;

export interface FitState {
  round: number;
  sampleKurtosis: number;
  /** Parameters the round started from. */
  start: number[];
  saa: SaaState | null;
}

export interface FitInput {
  theory: Theory;
  setup: DesignSetup;
  width: number;
  names: readonly string[];
  initial: readonly number[];
  resolution: GridResolution | null;
  orders: readonly number[];
  evenOnly: boolean;
  target: CorrelatorResult;
  tolerance: number;
  sampleSize: number;
  seed: number;
  maxSteps: number;
  bounds: readonly (readonly [number, number])[];
  frozen: readonly boolean[];
  deadline: number | null;
  onEvent: EventSink;
  signal?: AbortSignal;
  recordStep?: (record: Record<string, unknown>) => Promise<void>;
  saveState?: (state: FitState) => Promise<void>;
  resumeFrom: FitState | null;
  /** worker_threads for drawing the sample (the sample does not depend on it). */
  workers?: number;
  backend?: BackendRequest;
}

export interface FitOutcome {
  parameters: number[];
  stopReason: StopReason;
  steps: number;
  chiSquared: number;
  degreesOfFreedom: number;
  rounds: number;
  /** The sample's batch-means noise at the answer, per order and value. */
  sampleStderr: Record<string, number[]>;
  sampleSize: number;
  effectiveSampleSize: number;
}

/** Per term, the coupling the base carries: the box mass on the power-2 term (design-setup.ts), else 0. */
export function baseCouplings(setup: DesignSetup): number[] {
  return setup.terms.map((term) => (setup.boxMass && term.kind === 'local' && term.power === 2 ? setup.boxMass.coupling : 0));
}

function kurtosisOfLaw(setup: DesignSetup): number {
  return setup.amplitudeLaw === 'gaussian' ? 3 : 1;
}

/** Exact base moments at sigma = 1 for the monomials of `table`, as a line in the kurtosis through k = 1 and 3 (fixed at 2 with a box mass). */
export function exactBaseMoments(spec: NnftSpec, table: MonomialTable): ExactBaseMoments {
  const at = (kurtosis: number): Float64Array => {
    if (spec.architecture.kind !== 'cos-net') throw new NnftError('E_UNSUPPORTED', 'the sample-average design needs a cos-net');
    const architecture = architectureFromSpec({ ...spec, architecture: { ...spec.architecture, amplitude: { ...spec.architecture.amplitude!, law: 'kurtosis', kurtosis } } });
    return exactMonomialMoments(architecture, spec.observables.points, table);
  };
  if (spec.architecture.kind === 'cos-net' && spec.architecture.boxMass) {
    // A box mass is drawn into the law of Gaussian pairs, which exists only at kurtosis 2 (held in such
    // designs): the law is fixed, the line has no slope.
    const atTwo = at(2);
    return { kurtosis: 2, moments: atTwo, slope: new Float64Array(atTwo.length) };
  }
  const atOne = at(1);
  const atThree = at(3);
  return { kurtosis: 1, moments: atOne, slope: atThree.map((value, j) => (value - atOne[j]!) / 2) };
}

export async function fitOnSample(input: FitInput): Promise<FitOutcome> {
  const { theory, setup, width, names, orders, evenOnly, target } = input;
  const layout = setup.model.layout;
  const maxOrder = Math.max(...orders);
  const table = monomialTable(theory.points.length, maxOrder);
  let state: FitState = input.resumeFrom
    ? structuredClone(input.resumeFrom)
    : { round: 0, sampleKurtosis: layout.kurtosis !== null ? input.initial[layout.kurtosis]! : kurtosisOfLaw(setup), start: input.initial.slice(), saa: null };
  let totalSteps = 0;
  for (;;) {
    const atUnitScale = state.start.slice();
    atUnitScale[layout.sigma] = 1;
    if (layout.kurtosis !== null) atUnitScale[layout.kurtosis] = Math.max(1, state.sampleKurtosis);
    const sampleSpec = specFromParameters(theory, setup, width, atUnitScale, input.resolution);
    const drawStarted = Date.now();
    const sample =
      setup.terms.length > 0
        ? await drawDesignSample(sampleSpec, setup.terms, maxOrder, deriveSeed(input.seed, `design/sample/width-${width}`, state.round), input.sampleSize, {
            workers: input.workers ?? 1,
            ...(input.backend ? { backend: input.backend } : {}),
            onChunk: (done, total) =>
              input.onEvent({ type: 'progress', task: `width ${width}: drawing the design sample`, done, total, etaSeconds: (((Date.now() - drawStarted) / 1000) * (total - done)) / Math.max(1, done) }),
          })
        : null;
    const context: SampleObjectiveContext = {
      sample,
      exact: exactBaseMoments(sampleSpec, table),
      layout,
      pointCount: theory.points.length,
      orders,
      evenOnly,
      sampleKurtosis: state.sampleKurtosis,
      table,
      couplingBase: baseCouplings(setup),
    };
    const noise = sampleStandardErrors(context, state.start);
    const errors = chiSquaredErrors(target, (order) => noise.get(order), input.tolerance);
    const residualsOf = (evaluation: { values: Map<number, Float64Array> }): Float64Array =>
      Float64Array.from(orders.flatMap((order) => {
        const block = target.correlators.find((candidate) => candidate.order === order)!;
        const values = evaluation.values.get(order)!;
        const sigma = errors.get(order)!;
        return block.values.map((targetValue, t) => (values[t]! - targetValue) / sigma[t]!);
      }));
    const objective = (parameters: readonly number[]) => {
      const evaluation = evaluateOnSample(context, parameters);
      const residuals: number[] = [];
      const jacobian: number[] = [];
      for (const order of orders) {
        const block = target.correlators.find((candidate) => candidate.order === order)!;
        const values = evaluation.values.get(order)!;
        const derivatives = evaluation.jacobian.get(order)!;
        const sigma = errors.get(order)!;
        block.values.forEach((targetValue, t) => {
          residuals.push((values[t]! - targetValue) / sigma[t]!);
          for (let k = 0; k < layout.count; k++) jacobian.push(derivatives[t * layout.count + k]! / sigma[t]!);
        });
      }
      return { residuals: Float64Array.from(residuals), jacobian: Float64Array.from(jacobian), effectiveSampleSize: evaluation.effectiveSampleSize, ensembleSize: evaluation.ensembleSize };
    };
    const round = state.round;
    const outcome = await optimiseSaa(
      objective,
      names,
      state.start,
      { ...DEFAULT_SAA, maxIterations: input.maxSteps, bounds: input.bounds, frozen: input.frozen, deadline: input.deadline, task: `width ${width} round ${round + 1} fit` },
      {
        onEvent: input.onEvent,
        ...(input.signal ? { signal: input.signal } : {}),
        ...(input.recordStep ? { recordStep: (record) => input.recordStep!({ round, sampleSize: input.sampleSize, ...record }) } : {}),
        saveCheckpoint: async (saa) => {
          state.saa = saa;
          if (input.saveState) await input.saveState(state);
        },
      },
      state.saa,
    );
    totalSteps += outcome.steps;
    // A move the sample's own noise explains is not made (fit-significance.ts): if the whole move is
    // noise the starting point is kept (and not polished: that too would fit the noise); if only
    // some parameters' moves are, those are reset and held and the others refitted.
    let keptStart = outcome.keptStart;
    let frozenNow = input.frozen;
    let refitSteps = 0;
    if (!keptStart && sample && outcome.steps > 0 && outcome.stopReason !== 'interrupted' && outcome.stopReason !== 'time-limit') {
      const batchCount = 16;
      const free = names.map((_, k) => k).filter((k) => !input.frozen[k]);
      const batchResiduals = Array.from({ length: batchCount }, (_, index) => residualsOf(evaluateOnSample(context, outcome.parameters, { index, count: batchCount })));
      // Residuals run over the orders in turn; each order's residual indices form one group.
      const blocks = orders.map((order) => target.correlators.find((candidate) => candidate.order === order)!);
      const targetNoise = Float64Array.from(blocks.flatMap((block) => block.values.map((_, t) => (block.stderr[t] ?? 0) / errors.get(block.order)![t]!)));
      let offset = 0;
      const targetGroups = blocks.map((block) => Array.from({ length: block.values.length }, () => offset++));
      const test = moveSignificance({
        jacobian: objective(outcome.parameters).jacobian,
        parameterCount: layout.count,
        free,
        batchResiduals,
        targetNoise,
        targetGroups,
        delta: outcome.parameters.map((value, k) => value - state.start[k]!),
      });
      const noise = free.filter((_, a) => test.marginalZ[a]! < MARGINAL_SIGNIFICANCE);
      const described = free.map((k, a) => `${names[k]} ${test.marginalZ[a]!.toFixed(1)}`).join(', ');
      if (!test.significant || noise.length === free.length) {
        const why = test.significant
          ? `no parameter's own move exceeds ${MARGINAL_SIGNIFICANCE} standard errors (move / standard error: ${described}; joint d^2 ${test.distanceSquared.toFixed(2)}, 95% point ${test.threshold.toFixed(2)})`
          : `the fitted move is within the noise of the sample and the target (d^2 ${test.distanceSquared.toFixed(2)} below the 95% point ${test.threshold.toFixed(2)}; move / standard error: ${described})`;
        input.onEvent({ type: 'info', message: `width ${width}: ${why}; keeping the starting point` });
        outcome.parameters = state.start.slice();
        keptStart = true;
      } else if (noise.length > 0) {
        input.onEvent({ type: 'info', message: `width ${width}: resetting and holding ${noise.map((k) => names[k]).join(', ')} (moves within the noise; move / standard error: ${described}); refitting the rest` });
        const frozen = input.frozen.map((held, k) => held || noise.includes(k));
        frozenNow = frozen;
        const refit = await optimiseSaa(
          objective,
          names,
          state.start,
          { ...DEFAULT_SAA, maxIterations: input.maxSteps, bounds: input.bounds, frozen, deadline: input.deadline, consistentStart: null, task: `width ${width} round ${round + 1} refit` },
          {
            onEvent: input.onEvent,
            ...(input.signal ? { signal: input.signal } : {}),
            // Every step is a metrics.jsonl line: the refit's steps continue the fit's numbering.
            ...(input.recordStep ? { recordStep: (record) => input.recordStep!({ round, sampleSize: input.sampleSize, ...record, step: outcome.steps + Number(record.step), stage: 'refit' }) } : {}),
          },
        );
        refitSteps = refit.steps;
        totalSteps += refit.steps;
        outcome.parameters = refit.parameters;
        outcome.chiSquared = refit.chiSquared;
        outcome.stopReason = refit.stopReason;
      } else {
        input.onEvent({ type: 'info', message: `width ${width}: the fitted move is significant (d^2 ${test.distanceSquared.toFixed(2)} > ${test.threshold.toFixed(2)}; move / standard error: ${described})` });
      }
    }
    if (outcome.stopReason !== 'interrupted' && outcome.stopReason !== 'time-limit' && !keptStart) {
      const polished = await minimaxPolish(context, target, names, outcome.parameters, input.bounds, frozenNow, input.tolerance);
      input.onEvent({ type: 'info', message: `width ${width}: minimax polish of the relative errors on the sample: worst ${polished.before.toFixed(4)} -> ${polished.after.toFixed(4)}` });
      outcome.parameters = polished.parameters;
      // The trajectory in metrics.jsonl ends where the answer is: one line for the polish.
      if (input.recordStep) {
        await input.recordStep({ round, sampleSize: input.sampleSize, step: outcome.steps + refitSteps + 1, stage: 'minimax-polish', worstRelativeErrorBefore: polished.before, worstRelativeErrorAfter: polished.after, parameters: Object.fromEntries(names.map((name, k) => [name, polished.parameters[k]])) });
      }
    }
    const finished = (): FitOutcome => {
      const stderr = sampleStandardErrors(context, outcome.parameters);
      const final = evaluateOnSample(context, outcome.parameters);
      return {
        parameters: outcome.parameters,
        stopReason: outcome.stopReason,
        steps: totalSteps,
        chiSquared: outcome.chiSquared,
        degreesOfFreedom: Math.max(1, [...errors.values()].reduce((sum, values) => sum + values.length, 0) - input.frozen.filter((frozen) => !frozen).length),
        rounds: round + 1,
        sampleStderr: Object.fromEntries([...stderr.entries()].map(([order, values]) => [String(order), Array.from(values)])),
        sampleSize: sample ? input.sampleSize : 0,
        effectiveSampleSize: final.effectiveSampleSize,
      };
    };
    if (outcome.stopReason === 'interrupted' || outcome.stopReason === 'time-limit' || layout.kurtosis === null || sample === null) return finished();
    const fitted = outcome.parameters[layout.kurtosis]!;
    if (Math.abs(fitted - state.sampleKurtosis) <= KURTOSIS_REDRAW || round + 1 >= MAX_ROUNDS) return finished();
    input.onEvent({ type: 'info', message: `width ${width}: kurtosis moved from ${state.sampleKurtosis.toFixed(3)} to ${fitted.toFixed(3)}; redrawing the sample there` });
    state = { round: round + 1, sampleKurtosis: fitted, start: outcome.parameters.slice(), saa: null };
    if (input.saveState) await input.saveState(state);
  }
}
