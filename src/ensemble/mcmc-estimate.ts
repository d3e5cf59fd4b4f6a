/**
 * When importance weights collapse (ESS/M below the threshold), sample the deformed density
 * P0(theta) exp(-S_def[phi_theta]) exactly by Markov chain Monte Carlo in parameter space.
 *
 * Move: redraw k neurons of a network from the base density (neurons are independent under P0), so
 * the proposal is the base conditional and the Metropolis-Hastings ratio reduces to the weight ratio
 * exp(logw' - logw). Many chains run side by side as one device chunk; k adapts during burn-in toward
 * an acceptance between 0.2 and 0.5. Chains are independent, so grouping chains into batches gives
 * jackknife errors that already account for autocorrelation; the integrated autocorrelation time of
 * phi(x_0)^2 and the acceptance rate are reported. The sweeps run through the common driver
 * (src/numeric/driver.ts: abort, the non-finite check, progress) on one explicit McmcState.
 */
import { tf } from '../backend/index.js';
import { NnftError, interruptedError } from '../errors.js';
import type { Architecture, ParameterChunk } from '../architectures/architecture.js';
import { estimateCorrelators } from '../estimators/correlator-estimate.js';
import { MomentSums } from '../estimators/moment-sums.js';
import { monomialTable } from '../estimators/monomials.js';
import { ignoreEvents } from '../io/events.js';
import { Rng } from '../random/rng.js';
import { deriveSeed } from '../random/seed-tree.js';
import { drive, type Stepper } from '../numeric/driver.js';
import type { EnsembleEstimate, EnsembleEstimateOptions } from './estimate-ensemble.js';
import { chunkBudget, planChunks } from './chunk-plan.js';
import { concatenateChunks } from '../architectures/parameter-chunks.js';

export interface McmcOptions {
  /** Chains run in parallel (one device chunk). Default min(1000, ensembleSize / 10). */
  readonly chains?: number;
  /** Sweeps discarded before measuring. Default 50. */
  readonly burnIn?: number;
  /** Neurons redrawn per move at the start (adapted during burn-in). Default width / 8. */
  readonly proposalNeurons?: number;
}

export interface McmcDiagnostics {
  readonly chains: number;
  readonly burnIn: number;
  readonly measuredSweeps: number;
  readonly acceptance: number;
  readonly proposalNeurons: number;
  /** Integrated autocorrelation time of phi(x_0)^2 in sweeps. */
  readonly autocorrelationTime: number;
  readonly effectiveSampleSize: number;
}

function spliceNeurons(state: ParameterChunk, proposal: ParameterChunk, width: number, chain: number, neurons: Int32Array, count: number): ParameterChunk {
  const arrays: Record<string, Float64Array> = {};
  for (const [name, array] of Object.entries(state.arrays)) {
    const stride = array.length / (state.count * width);
    const own = array.slice(chain * width * stride, (chain + 1) * width * stride);
    const fresh = proposal.arrays[name]!;
    for (let k = 0; k < count; k++) {
      const neuron = neurons[k]!;
      for (let s = 0; s < stride; s++) own[neuron * stride + s] = fresh[(chain * width + neuron) * stride + s]!;
    }
    arrays[name] = own;
  }
  return { count: 1, arrays };
}

async function logWeightsOf(options: EnsembleEstimateOptions, chunk: ParameterChunk): Promise<Float64Array> {
  const tensor = tf.tidy(() => options.deformation!.logWeights(options.architecture, chunk));
  const data = await tensor.data();
  tensor.dispose();
  return Float64Array.from(data);
}

/**
 * Chains run side by side: their weights are one [chains, grid points] field tensor, so the count is
 * capped like a chunk (chunkBudget: 16 Mi floats), or a fine grid overruns the wasm heap with
 * "memory access out of bounds" (docs/ensemble.md, "Memory and range guards").
 */
export function mcmcChainCount(ensembleSize: number, requested: number | undefined, gridPoints: number): number {
  const wanted = requested ?? Math.min(1000, Math.floor(ensembleSize / 10));
  return Math.max(2, Math.min(wanted, ensembleSize, chunkBudget(undefined, gridPoints)));
}

/**
 * Everything the chains are after `sweep` sweeps (burn-in included): the explicit state the driver
 * steps (src/numeric/driver.ts; docs/ensemble.md, "The driver"). Sweep s draws from its own
 * seed-tree streams ('mcmc/proposals', s) and ('mcmc/moves', s).
 */
export interface McmcState {
  sweep: number;
  /** The parameters of every chain: one chunk of `chains` networks. */
  chains: ParameterChunk;
  logWeights: Float64Array;
  /** Neurons redrawn per move (adapted during burn-in, then fixed). */
  proposalNeurons: number;
  /** Accepted and proposed moves of the measured sweeps. */
  accepted: number;
  proposed: number;
  /** Moment sums of the measured sweeps, one per batch of chains. */
  batches: MomentSums[];
  /** phi(x_0)^2 per chain and measured sweep (chain-major), for the autocorrelation time. */
  observable: Float64Array;
}

interface McmcShape {
  chains: number;
  burnIn: number;
  measuredSweeps: number;
  width: number;
  table: ReturnType<typeof monomialTable>;
  batchCount: number;
}

/** One sweep: every chain proposes to redraw `proposalNeurons` neurons; burn-in adapts, later sweeps measure. */
function mcmcStepper(options: EnsembleEstimateOptions, shape: McmcShape): Stepper<McmcState> {
  const { architecture } = options;
  const { chains, burnIn, measuredSweeps, width, table, batchCount } = shape;
  const neurons = new Int32Array(width);
  return {
    totalSteps: burnIn + measuredSweeps,
    stepsDone: (state) => state.sweep,
    nonFinite: (state) => (state.logWeights.every(Number.isFinite) ? null : 'a chain\'s log weight'),
    async step(state) {
      const sweep = state.sweep;
      const proposal = architecture.sample(deriveSeed(options.seed, 'mcmc/proposals', sweep), chains);
      const rng = new Rng(deriveSeed(options.seed, 'mcmc/moves', sweep));
      const candidates: ParameterChunk[] = [];
      for (let chain = 0; chain < chains; chain++) {
        for (let i = 0; i < width; i++) neurons[i] = i;
        for (let k = 0; k < state.proposalNeurons; k++) {
          const pick = k + Math.floor(rng.uniform() * (width - k));
          [neurons[k], neurons[pick]] = [neurons[pick]!, neurons[k]!];
        }
        candidates.push(spliceNeurons(state.chains, proposal, width, chain, neurons, state.proposalNeurons));
      }
      const candidate = concatenateChunks(candidates);
      const candidateWeights = await logWeightsOf(options, candidate);
      let sweepAccepted = 0;
      const next: ParameterChunk[] = [];
      for (let chain = 0; chain < chains; chain++) {
        const accept = Math.log(rng.uniformOpen()) < candidateWeights[chain]! - state.logWeights[chain]!;
        if (accept) {
          sweepAccepted++;
          state.logWeights[chain] = candidateWeights[chain]!;
        }
        next.push(accept ? candidates[chain]! : spliceNeurons(state.chains, proposal, width, chain, neurons, 0));
      }
      state.chains = concatenateChunks(next);
      state.sweep = sweep + 1;
      const rate = sweepAccepted / chains;
      if (sweep < burnIn) {
        if (rate < 0.2 && state.proposalNeurons > 1) state.proposalNeurons = Math.max(1, Math.floor(state.proposalNeurons / 2));
        else if (rate > 0.5 && state.proposalNeurons < width) state.proposalNeurons = Math.min(width, state.proposalNeurons * 2);
        return state;
      }
      state.accepted += sweepAccepted;
      state.proposed += chains;
      const measured = sweep - burnIn;
      const phiTensor = tf.tidy(() => tf.transpose(architecture.applyAtPoints(state.chains, options.points)));
      const phi = await phiTensor.data();
      phiTensor.dispose();
      for (let batch = 0; batch < batchCount; batch++) {
        const first = Math.ceil((batch * chains) / batchCount);
        const last = Math.ceil(((batch + 1) * chains) / batchCount);
        const columns = options.points.map((_, p) => Float64Array.from(phi.subarray(p * chains + first, p * chains + last)));
        const sums = new MomentSums(table);
        sums.addNetworks(columns, last - first, null);
        state.batches[batch]!.merge(sums);
      }
      for (let chain = 0; chain < chains; chain++) state.observable[chain * measuredSweeps + measured] = phi[chain]! ** 2;
      return state;
    },
  };
}

export async function estimateEnsembleMcmc(options: EnsembleEstimateOptions, mcmc: McmcOptions = {}): Promise<EnsembleEstimate & { mcmc: McmcDiagnostics }> {
  const architecture: Architecture = options.architecture;
  if (!options.deformation) throw new NnftError('E_SEMANTIC', 'MCMC needs a deformation to sample');
  if ((architecture.description as { sharedScale?: unknown }).sharedScale) {
    throw new NnftError('E_UNSUPPORTED', 'MCMC moves redraw single neurons and cannot be used with a shared random scale');
  }
  const started = performance.now();
  const onEvent = options.onEvent ?? ignoreEvents;
  const width = architecture.width;
  const chains = mcmcChainCount(options.ensembleSize, mcmc.chains, options.deformation.grid.offsetCount * options.deformation.grid.nodeCount);
  const burnIn = mcmc.burnIn ?? 50;
  const measuredSweeps = Math.max(2, Math.ceil(options.ensembleSize / chains));
  const initialNeurons = Math.max(1, Math.min(width, mcmc.proposalNeurons ?? Math.round(width / 8)));
  const batchCount = Math.min(options.batchCount ?? 32, chains);
  const table = monomialTable(options.points.length, Math.max(...options.orders));
  const tensorsBefore = tf.memory().numTensors;

  const stepper = mcmcStepper(options, { chains, burnIn, measuredSweeps, width, table, batchCount });
  const initialChains = architecture.sample(deriveSeed(options.seed, 'mcmc/initial', 0), chains);
  const start: McmcState = {
    sweep: 0,
    chains: initialChains,
    logWeights: await logWeightsOf(options, initialChains),
    proposalNeurons: initialNeurons,
    accepted: 0,
    proposed: 0,
    batches: Array.from({ length: batchCount }, () => new MomentSums(table)),
    observable: new Float64Array(chains * measuredSweeps),
  };
  const { state, stop } = await drive(stepper, start, {
    task: 'the MCMC estimate',
    nonFiniteHint: 'the deformation\'s action overflowed on a chain: lower the couplings or shrink the interaction region',
    signal: options.signal,
    // With a signal, yield before every sweep so that a SIGINT handler gets to run.
    yieldEveryMs: options.signal ? 0 : 100,
    afterStep: (now) => {
      if (now.sweep <= burnIn) return;
      onEvent({ type: 'progress', task: 'mcmc sweeps', done: now.sweep - burnIn, total: measuredSweeps, message: `acceptance ${(now.accepted / now.proposed).toFixed(2)}` });
    },
  });
  if (stop === 'aborted') throw interruptedError(options.signal, `the MCMC estimate (sweep ${state.sweep + 1} of ${burnIn + measuredSweeps})`);
  const { observable, accepted, proposed, batches, proposalNeurons } = state;

  // tau = T Var(chain means) / Var(all): chains are independent, so Var(mean of T correlated draws) = tau Var / T.
  let grand = 0;
  for (const value of observable) grand += value;
  grand /= observable.length;
  let total = 0;
  let between = 0;
  for (let chain = 0; chain < chains; chain++) {
    let mean = 0;
    for (let t = 0; t < measuredSweeps; t++) {
      const value = observable[chain * measuredSweeps + t]!;
      mean += value;
      total += (value - grand) ** 2;
    }
    mean /= measuredSweeps;
    between += (mean - grand) ** 2;
  }
  const autocorrelationTime = Math.max(1, (measuredSweeps * between) / chains / (total / observable.length));
  const evenOnly = architecture.z2Symmetric && options.deformation.evenInPhi;
  const summary = estimateCorrelators([{ table, batches: batches, exactMoments: null }], {
    orders: options.orders,
    pointCount: options.points.length,
    evenOnly,
    controlVariate: false,
  });
  const samples = chains * measuredSweeps;
  const diagnostics = {
    chains,
    burnIn,
    measuredSweeps,
    acceptance: accepted / proposed,
    proposalNeurons,
    autocorrelationTime,
    effectiveSampleSize: samples / autocorrelationTime,
  };
  return {
    summary: { ...summary, effectiveSampleSize: diagnostics.effectiveSampleSize },
    diagnostics: {
      plan: planChunks(samples, chains, batchCount),
      effectiveSampleSize: diagnostics.effectiveSampleSize,
      essFraction: diagnostics.effectiveSampleSize / samples,
      tensorsBefore,
      tensorsAfter: tf.memory().numTensors,
      tensorGrowth: tf.memory().numTensors - tensorsBefore,
      seconds: (performance.now() - started) / 1000,
      controlVariate: false,
      firstOrderControlVariate: false,
      imageCount: 1,
    },
    mcmc: diagnostics,
  };
}
