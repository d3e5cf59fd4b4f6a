/**
 * The cos-net (random Fourier features): phi(x) = sum_i a_i A(p_i) cos(p_i.x + c_i), with momenta
 * from the alpha family (alpha-momentum-density.ts), phases c ~ U(-pi, pi), amplitudes
 * a_i = s sigma_a t_i / sqrt(N) from an amplitude law, and an optional shared random scale s per
 * network (s = exp(sigma_s z - sigma_s^2), E[s^2] = 1: a classic independence-breaking example).
 *
 * Sampling runs on the host in float64 from the seed tree, so every backend sees the same networks.
 * Each neuron's momentum and amplitude factor come from the momentum strategy of the options'
 * momentumSampling (momentum-strategy.ts); its phase and amplitude follow, in that order. The
 * forward passes are cos-net-passes.ts, the exact moments cos-net-exact-moments.ts.
 */
import { NnftError } from '../errors.js';
import { Rng } from '../random/rng.js';
import { alphaMomentumDensity } from './alpha-momentum-density.js';
import { amplitudeKurtosis, checkAmplitudeLaw, sampleStandardAmplitude } from './amplitude-law.js';
import type { ParameterChunk } from './architecture.js';
import { cosNetPasses } from './cos-net-passes.js';
import { cosNetExactConnected, cosNetExactMoment } from './cos-net-exact-moments.js';
import { amplitudeMoment } from './cos-net-moments.js';
import type { CosNet, CosNetOptions } from './cos-net-types.js';
import type { GaussianModes } from '../estimators/linear-response.js';
import { momentumStrategy } from './momentum-strategies.js';
import type { MomentumSampling } from './momentum-strategy.js';

export type { CosNet, CosNetOptions, SharedScale } from './cos-net-types.js';

function scaledBy(values: Float64Array, factor: number): Float64Array {
  return Float64Array.from(values, (value) => value * factor);
}

export function cosNet(input: CosNetOptions): CosNet {
  const options = {
    dimension: input.dimension,
    width: input.width,
    mass: input.mass,
    cutoff: input.cutoff,
    alpha: input.alpha ?? 0,
    amplitude: input.amplitude ?? { kind: 'gaussian' as const },
    amplitudeScale: input.amplitudeScale ?? 1,
    sharedScale: input.sharedScale ?? null,
    momentumSampling: input.momentumSampling ?? ('independent' as MomentumSampling),
    // Set below from the strategy: only split momenta read it.
    splitMomentum: null as number | null,
    boxMass: input.boxMass ?? null,
  };
  if (![1, 2, 3, 4].includes(options.dimension)) throw new NnftError('E_SEMANTIC', `dimension must be 1..4, got ${options.dimension}`);
  if (!Number.isInteger(options.width) || options.width < 1) throw new NnftError('E_SEMANTIC', `width must be a positive integer, got ${options.width}`);
  if (!(options.amplitudeScale > 0)) throw new NnftError('E_SEMANTIC', `amplitude scale must be positive, got ${options.amplitudeScale}`);
  if (options.sharedScale && !(options.sharedScale.logStd >= 0)) throw new NnftError('E_SEMANTIC', 'shared scale logStd must be >= 0');
  checkAmplitudeLaw(options.amplitude);
  const density = alphaMomentumDensity(options.dimension, options.mass, options.cutoff, options.alpha);
  const { dimension, width } = options;
  // Gaussian amplitude pairs (t^2 ~ Exp(1) with a uniform phase) and no shared scale.
  const gaussianAmplitudes = options.amplitude.kind === 'kurtosis' && options.amplitude.kurtosis === 2 && !options.sharedScale;
  const momenta = momentumStrategy(options.momentumSampling, {
    dimension,
    width,
    density,
    cutoff: options.cutoff,
    splitMomentum: input.splitMomentum ?? null,
    boxMass: options.boxMass,
    gaussianPairs: gaussianAmplitudes,
    densityMoment: (order, separation) => amplitudeMoment(architecture, order, separation),
  });
  const { split, tilted, joint } = momenta;
  options.splitMomentum = split ? split.splitMomentum : null;
  const nodeMomenta = momenta.fixedMomenta;
  const amplitudeNorm = options.amplitudeScale / Math.sqrt(width);
  const { applyAtPoints, applyOnGrid, referenceAtPoints } = cosNetPasses(dimension, width, nodeMomenta, input.gridSliceFloats);

  const sample = (seed: number, count: number): ParameterChunk => {
    const rng = new Rng(seed);
    const momentaOut = new Float64Array(count * width * dimension);
    const phases = new Float64Array(count * width);
    const coefficients = new Float64Array(count * width);
    for (let network = 0; network < count; network++) {
      const scale = options.sharedScale ? Math.exp(options.sharedScale.logStd * rng.normal() - options.sharedScale.logStd ** 2) : 1;
      const first = network * width;
      if (joint) {
        // Jointly drawn neurons (the tilted split nodes, box-mass.ts) come first, at unit scale.
        joint.draw(rng, momentaOut, phases, coefficients, first);
        for (let neuron = 0; neuron < joint.size; neuron++) coefficients[first + neuron] = options.amplitudeScale * coefficients[first + neuron]!;
      }
      for (let neuron = joint ? joint.size : 0; neuron < width; neuron++) {
        const slot = first + neuron;
        const factor = momenta.drawMomentum(rng, neuron, momentaOut, slot * dimension);
        phases[slot] = Math.PI * (2 * rng.uniform() - 1);
        coefficients[slot] = scale * amplitudeNorm * sampleStandardAmplitude(options.amplitude, rng) * factor;
      }
    }
    return { count, arrays: { momenta: momentaOut, phases, coefficients } };
  };

  const kurtosis = amplitudeKurtosis(options.amplitude);
  // Fixed nodes (quadrature; split below the split momentum) with Gaussian amplitude pairs and no
  // shared scale: the base field is exactly Gaussian, K(x, y) = sum_n (v_n / 2) cos(p_n.(x - y)),
  // complete below the split momentum for split nodes.
  const fixedNodes = momenta.gaussianNodes;
  const gaussianModes: GaussianModes | null =
    fixedNodes && gaussianAmplitudes
      ? {
          dimension,
          momenta: Float64Array.from(fixedNodes.flatMap((node) => node.components)),
          variances: Float64Array.from(fixedNodes.map((node) => (amplitudeNorm * node.factor) ** 2)),
          completeBelow: split ? split.splitMomentum : null,
          ...(tilted ? { coefficientCovariance: { cos: scaledBy(tilted.cos.covariance, options.amplitudeScale ** 2), sin: scaledBy(tilted.sin.covariance, options.amplitudeScale ** 2) } } : {}),
        }
      : null;
  // splitMomentum and boxMass appear in the description only where used (descriptions feed spec hashes).
  const { splitMomentum: _unusedSplit, boxMass: _unusedBoxMass, ...otherOptions } = options;
  const descriptionOptions = { ...otherOptions, ...(split ? { splitMomentum: options.splitMomentum } : {}), ...(options.boxMass ? { boxMass: options.boxMass } : {}) };
  const architecture: CosNet = {
    kind: 'cos-net',
    dimension,
    width,
    z2Symmetric: true,
    options,
    momentumDensity: density,
    kurtosis,
    momenta,
    gaussianModes,
    description: {
      ...descriptionOptions,
      momentumSampler: density.method,
      amplitudeKurtosis: kurtosis,
      ...momenta.description,
    },
    sample,
    applyAtPoints,
    applyOnGrid,
    referenceAtPoints,
    exactMoment: (points) => cosNetExactMoment(architecture, points),
    exactConnected: (points, tuples) => cosNetExactConnected(architecture, points, tuples),
  };
  return architecture;
}
