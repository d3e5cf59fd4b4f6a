/**
 * Amplitude-phase images (docs/performance.md, "Amplitude-phase images"): a variance reduction that
 * keeps the ensemble law. A cos-net's neurons draw (p_i, c_i, t_i) independently, and given the
 * momenta p the field is phi(x) = sum_i alpha_i cos(p_i.x) + beta_i sin(p_i.x) with
 * (alpha_i, beta_i) = b_i (cos c_i, -sin c_i), b_i = sigma_a t_i A(p_i) / sqrt(N). Each momentum draw
 * here gets K independent draws of the phases and amplitudes (c, t): every one of the K networks is
 * exactly a network of the base law (its momenta, phases and amplitudes have the base law's joint
 * law), so the self-normalised sums over all of them estimate the same correlators. The K networks
 * of one momentum draw are dependent; they stay in one chunk, so in one jackknife batch, and the
 * error counts their correlation.
 *
 * What it buys: on the founding estimand nearly all the variance of the four-point estimate is in
 * (c, t) given p (measured), while most of a network's cost is in the momentum-dependent trig tables
 * cos/sin(p.u_a), cos/sin(p.v_b) of the separable grid pass; the K images share them, and each image
 * costs one [offsets, 2N] left factor (multiply-adds) and its share of one batched matrix product.
 * Image 0 of every momentum draw is the network the plain draw (draw-chunk.ts) gives; the others draw
 * the phase's unit vector by rejection from the disc and the amplitude from its law.
 */
import { tf } from '../backend/index.js';
import type { Architecture, ParameterChunk, Points } from '../architectures/architecture.js';
import { sampleStandardAmplitude } from '../architectures/amplitude-law.js';
import type { CosNet } from '../architectures/cos-net-types.js';
import type { CompiledDeformation } from '../densities/deformations.js';
import { Rng } from '../random/rng.js';
import { factorial, logGamma } from '../numeric/special-functions.js';
import { gaussLegendreRule } from '../numeric/gauss-legendre.js';
import { deriveSeed } from '../random/seed-tree.js';
import { PARAMETER_STREAM } from './chunk-plan.js';
import type { DrawnChunk } from './draw-chunk.js';
import type { LocalLogWeight } from '../estimators/linear-response.js';

export const IMAGE_STREAM = 'ensemble/amplitude-images';

/**
 * The amplitude-scale average (Gaussian amplitudes only): t = rho u with rho^2 ~ chi^2_N independent
 * of the direction u, so given (p, c, u) the field is rho phi_u and E[w O_k | p, c, u] = O_k(phi_u)
 * E_rho[rho^k w(rho)], h(rho) = sum_m H_m rho^m a polynomial whose coefficients are grid integrals of
 * powers of phi_u. The columns then hold phi_u; degreeWeights[k][m] = E_rho[rho^k w] / exp(logShift)
 * by a quadrature over rho^2 with the chi^2_N density, plainFactors[k] = E[rho^k] exactly.
 */
export interface ScaleAveraged {
  readonly degreeWeights: Float64Array[];
  readonly logShift: number;
  readonly plainFactors: number[];
}

/** Null when the amplitude-scale average applies (Gaussian amplitudes, local terms only), else why not. */
export function scaleAverageRefusal(architecture: Architecture, deformation: CompiledDeformation | null): string | null {
  const refusal = amplitudeImagesRefusal(architecture, deformation);
  if (refusal) return refusal;
  if ((architecture as CosNet).options.amplitude.kind !== 'gaussian') return 'the amplitude-scale average needs Gaussian amplitudes';
  const local = deformation!.localLogWeight();
  if (!local || local.nonlocalQuartic) return 'the amplitude-scale average needs local terms only';
  return null;
}

/** Quadrature over y = rho^2 ~ chi^2_N: nodes y_q and log weights (normalised to sum 1). */
const chiSquareRules = new Map<number, { y: Float64Array; logWeight: Float64Array }>();
function chiSquareRule(dof: number): { y: Float64Array; logWeight: Float64Array } {
  let rule = chiSquareRules.get(dof);
  if (rule) return rule;
  const sigma = Math.sqrt(2 * dof);
  // 4 panels of 12 Gauss-Legendre nodes over [N - 10 sigma, N + 12 sigma + 10]: on the founding
  // estimand (400,000 networks) G_c4 moves by 3e-10 (1e-6 of its stderr) against 12 panels of 12 nodes
  // over [N - 12 sigma, N + 14 sigma + 10] (measured).
  const lower = Math.max(0, dof - 10 * sigma);
  const upper = dof + 12 * sigma + 10;
  const panels = 4;
  const base = gaussLegendreRule(12);
  const y: number[] = [];
  const logWeight: number[] = [];
  const width = (upper - lower) / panels;
  for (let panel = 0; panel < panels; panel++) {
    for (let i = 0; i < base.nodes.length; i++) {
      const node = lower + width * (panel + (base.nodes[i]! + 1) / 2);
      y.push(node);
      logWeight.push(Math.log((width / 2) * base.weights[i]!) + (dof / 2 - 1) * Math.log(node) - node / 2 - (dof / 2) * Math.LN2 - logGamma(dof / 2));
    }
  }
  const top = Math.max(...logWeight);
  const total = logWeight.reduce((sum, value) => sum + Math.exp(value - top), 0);
  rule = { y: Float64Array.from(y), logWeight: Float64Array.from(logWeight, (value) => value - top - Math.log(total)) };
  chiSquareRules.set(dof, rule);
  return rule;
}

const TWO_PI = 2 * Math.PI;
const reduceAngle = (angle: number): number => angle - TWO_PI * Math.round(angle / TWO_PI);

/**
 * Whether amplitude-phase images keep the law and are implemented: a cos-net whose neurons draw
 * momentum, phase and amplitude independently (independent or stratified momenta, no shared scale,
 * no jointly drawn or fixed nodes), and a deformation made of local and non-local quartic terms on
 * a box grid, without a mode cutoff. Null when eligible, else the reason.
 */
export function amplitudeImagesRefusal(architecture: Architecture, deformation: CompiledDeformation | null): string | null {
  if (architecture.kind !== 'cos-net') return 'amplitude images need a cos-net';
  const net = architecture as CosNet;
  if (net.options.sharedScale) return 'a shared scale couples the neurons';
  if (net.momenta.sampling !== 'independent' && net.momenta.sampling !== 'stratified') return `momentum sampling ${net.momenta.sampling} is not drawn neuron by neuron`;
  if (net.momenta.joint || net.momenta.tilted || net.momenta.fixedMomenta) return 'jointly drawn or fixed nodes';
  if (!deformation) return 'no deformation';
  if (!deformation.local) return 'a hook term needs the parameter chunk';
  if (deformation.modeCutoff !== null) return 'a mode cutoff';
  return null;
}

/**
 * Draw `draws` momentum draws with `images` phase-amplitude images each (networks draw-major,
 * image-minor: network m * images + k), evaluate phi at the points (float64, host) and the
 * deformation's log-weights (the deformation's own terms on the separable grid pass).
 */
export async function drawImageChunk(
  net: CosNet,
  deformation: CompiledDeformation,
  points: Points,
  rootSeed: number,
  chunkIndex: number,
  draws: number,
  images: number,
  scaleAverage = false,
  maxOrder = 4,
): Promise<DrawnChunk & Partial<ScaleAveraged>> {
  const { width, dimension } = net;
  const base = net.sample(deriveSeed(rootSeed, PARAMETER_STREAM, chunkIndex), draws);
  const { momenta, phases, coefficients } = base.arrays as Record<string, Float64Array>;
  const rng = new Rng(deriveSeed(rootSeed, IMAGE_STREAM, chunkIndex));
  const amplitudeNorm = net.options.amplitudeScale / Math.sqrt(width);
  const count = draws * images;
  // (alpha, beta) of every image and neuron, float64.
  const alpha = new Float64Array(count * width);
  const beta = new Float64Array(count * width);
  // rho^2 = |t|^2 of every network (the amplitude-scale average only).
  const squaredNorms = new Float64Array(scaleAverage ? count : 0);
  for (let m = 0; m < draws; m++) {
    for (let neuron = 0; neuron < width; neuron++) {
      const slot = m * width + neuron;
      let squared = 0;
      for (let axis = 0; axis < dimension; axis++) squared += momenta![slot * dimension + axis]! ** 2;
      const factor = amplitudeNorm * net.momentumDensity.amplitudeFactor(Math.sqrt(squared));
      for (let k = 0; k < images; k++) {
        const out = (m * images + k) * width + neuron;
        if (k === 0) {
          const b = coefficients![slot]!;
          const c = phases![slot]!;
          alpha[out] = b * Math.cos(c);
          beta[out] = -b * Math.sin(c);
          if (scaleAverage) squaredNorms[m * images + k]! += (b / factor) ** 2;
          continue;
        }
        // (cos c, -sin c) for a uniform phase c is a uniform unit vector: drawn by rejection from the
        // unit disc (exact, no trig calls), then scaled by the neuron's amplitude b = factor t.
        let x: number;
        let y: number;
        let squaredRadius: number;
        do {
          x = 2 * rng.uniform() - 1;
          y = 2 * rng.uniform() - 1;
          squaredRadius = x * x + y * y;
        } while (squaredRadius >= 1 || squaredRadius === 0);
        const t = sampleStandardAmplitude(net.options.amplitude, rng);
        if (scaleAverage) squaredNorms[m * images + k]! += t * t;
        const b = (factor * t) / Math.sqrt(squaredRadius);
        alpha[out] = b * x;
        beta[out] = b * y;
      }
    }
  }
  // Per momentum draw the basis cos(p_i.x), sin(p_i.x) at the grid points (angle addition over the
  // product grid x = u_a + v_b: trig on offsets + nodes only) and at the evaluation points, [2N, G + P];
  // per image only its coefficients [alpha, beta], [2N]. One 2-d product per draw, [K, 2N] x [2N, G + P]
  // (the wasm backend's 2-d products are about 9x faster than its batched ones at these shapes, measured).
  const P = points.length;
  const grid = deformation.grid;
  const { offsetCount, nodeCount, offsets, nodes } = grid;
  const G = offsetCount * nodeCount;
  const columnsPerDraw = G + P;
  const basis = new Float32Array(draws * 2 * width * columnsPerDraw);
  const offsetCos = new Float64Array(offsetCount);
  const offsetSin = new Float64Array(offsetCount);
  const nodeCos = new Float64Array(nodeCount);
  const nodeSin = new Float64Array(nodeCount);
  for (let m = 0; m < draws; m++) {
    for (let neuron = 0; neuron < width; neuron++) {
      const slot = m * width + neuron;
      const dot = (flat: ArrayLike<number>, index: number): number => {
        let total = 0;
        for (let axis = 0; axis < dimension; axis++) total += momenta![slot * dimension + axis]! * flat[index * dimension + axis]!;
        return total;
      };
      for (let a = 0; a < offsetCount; a++) {
        const angle = reduceAngle(dot(offsets, a));
        offsetCos[a] = Math.cos(angle);
        offsetSin[a] = Math.sin(angle);
      }
      for (let node = 0; node < nodeCount; node++) {
        const angle = reduceAngle(dot(nodes, node));
        nodeCos[node] = Math.cos(angle);
        nodeSin[node] = Math.sin(angle);
      }
      const cosRow = (m * 2 * width + neuron) * columnsPerDraw;
      const sinRow = (m * 2 * width + width + neuron) * columnsPerDraw;
      for (let a = 0; a < offsetCount; a++) {
        for (let node = 0; node < nodeCount; node++) {
          const g = a * nodeCount + node;
          basis[cosRow + g] = offsetCos[a]! * nodeCos[node]! - offsetSin[a]! * nodeSin[node]!;
          basis[sinRow + g] = offsetSin[a]! * nodeCos[node]! + offsetCos[a]! * nodeSin[node]!;
        }
      }
      for (let p = 0; p < P; p++) {
        let angle = 0;
        for (let axis = 0; axis < dimension; axis++) angle += momenta![slot * dimension + axis]! * points[p]![axis]!;
        angle = reduceAngle(angle);
        basis[cosRow + G + p] = Math.cos(angle);
        basis[sinRow + G + p] = Math.sin(angle);
      }
    }
  }
  const coefficientRows = new Float32Array(count * 2 * width);
  for (let network = 0; network < count; network++) {
    // With the scale average the rows are the direction's, phi_u = phi / rho.
    const scale = scaleAverage ? 1 / Math.sqrt(squaredNorms[network]!) : 1;
    for (let neuron = 0; neuron < width; neuron++) {
      coefficientRows[network * 2 * width + neuron] = alpha[network * width + neuron]! * scale;
      coefficientRows[network * 2 * width + width + neuron] = beta[network * width + neuron]! * scale;
    }
  }
  const local = deformation.localLogWeight();
  const [pointTensor, logWeightTensor] = tf.tidy(() => {
    const parts: tf.Tensor2D[] = [];
    for (let m = 0; m < draws; m++) {
      const rows = tf.tensor2d(coefficientRows.subarray(m * images * 2 * width, (m + 1) * images * 2 * width), [images, 2 * width]);
      const drawBasis = tf.tensor2d(basis.subarray(m * 2 * width * columnsPerDraw, (m + 1) * 2 * width * columnsPerDraw), [2 * width, columnsPerDraw]);
      parts.push(tf.matMul(rows, drawBasis));
    }
    const everything = parts.length === 1 ? parts[0]! : (tf.concat(parts, 0) as tf.Tensor2D);
    const field = tf.slice(everything, [0, 0], [count, G]) as tf.Tensor2D;
    // Column-major point values, so the host reads each point contiguously.
    const atPoints = tf.transpose(tf.slice(everything, [0, G], [count, P]));
    if (scaleAverage) {
      // Grid integrals I_m = sum_g w_g phi_u^m, m = 0..max power: [count, max power + 1].
      const weights = tf.tensor2d(Float32Array.from(local!.weights), [local!.weights.length, 1]);
      const maxPower = Math.max(...local!.terms.map((term) => term.power));
      const integrals: tf.Tensor2D[] = [tf.fill([count, 1], local!.weights.reduce((sum, value) => sum + value, 0)) as tf.Tensor2D];
      let power: tf.Tensor2D = field;
      for (let m = 1; m <= maxPower; m++) {
        integrals.push(tf.matMul(power, weights));
        if (m < maxPower) power = tf.mul(power, field);
      }
      return [atPoints, tf.concat(integrals, 1)];
    }
    if (!local || local.nonlocalQuartic) {
      // The deformation's own terms on this field: an architecture whose grid pass returns it.
      const onField: Architecture = { ...net, applyOnGrid: () => field };
      const chunk: ParameterChunk = { count, arrays: {} };
      return [atPoints, deformation.logWeights(onField, chunk)];
    }
    // Local terms -(g/n!) sum_g w_g :phi^n:_c (localLogWeight's data, the same as logWeights forms),
    // powers by products (tf.pow is several times slower on wasm).
    const weights = tf.tensor2d(Float32Array.from(local.weights), [local.weights.length, 1]);
    let total: tf.Tensor1D = tf.zeros([count]);
    for (const term of local.terms) {
      let previous: tf.Tensor2D = tf.onesLike(field);
      let current: tf.Tensor2D = field;
      for (let k = 1; k < term.power; k++) {
        const next: tf.Tensor2D = term.wickConstant === 0 ? tf.mul(field, current) : tf.sub(tf.mul(field, current), tf.mul(previous, k * term.wickConstant));
        previous = current;
        current = next;
      }
      total = tf.add(total, tf.matMul(current, weights).reshape([count]).mul(-term.coupling / factorial(term.power)));
    }
    return [atPoints, total];
  }) as [tf.Tensor, tf.Tensor];
  const [pointData, logWeightData] = await Promise.all([pointTensor.data(), logWeightTensor.data()]);
  pointTensor.dispose();
  logWeightTensor.dispose();
  const columns: Float64Array[] = [];
  for (let p = 0; p < P; p++) columns.push(Float64Array.from(pointData.subarray(p * count, (p + 1) * count)));
  if (!scaleAverage) return { chunkIndex, count, columns, logWeights: Float64Array.from(logWeightData) };
  return { chunkIndex, count, columns, logWeights: null, ...scaleAverageWeights(local!, Float64Array.from(logWeightData), count, width, P === 0 ? 0 : maxOrder) };
}

/**
 * E_rho[rho^k exp(h(rho))] per network for k = 0..maxOrder, h(rho) = sum_m C_m I_m rho^m with C_m the
 * Hermite coefficients of every term: -(g/n!) He_n(rho phi; c) = -(g/n!) sum_j n!/(j! (n-2j)! 2^j) (-c)^j rho^(n-2j) phi^(n-2j).
 */
function scaleAverageWeights(local: LocalLogWeight, integrals: Float64Array, count: number, width: number, maxOrder: number): ScaleAveraged {
  const maxPower = Math.max(...local.terms.map((term) => term.power));
  const stride = maxPower + 1;
  const coefficient = new Float64Array(stride);
  for (const term of local.terms) {
    for (let j = 0; 2 * j <= term.power; j++) {
      const m = term.power - 2 * j;
      coefficient[m]! += (-term.coupling / factorial(term.power)) * (factorial(term.power) / (factorial(j) * factorial(m) * 2 ** j)) * (-term.wickConstant) ** j;
    }
  }
  const { y, logWeight } = chiSquareRule(width);
  const Q = y.length;
  const rho = Float64Array.from(y, Math.sqrt);
  // rho_q^m for m up to max(max power, max order), [Q][stride'].
  const powers = Math.max(stride, maxOrder + 1);
  const rhoPowers = new Float64Array(Q * powers);
  for (let q = 0; q < Q; q++) {
    let power = 1;
    for (let m = 0; m < powers; m++) {
      rhoPowers[q * powers + m] = power;
      power *= rho[q]!;
    }
  }
  const used = [...coefficient.keys()].filter((m) => coefficient[m] !== 0);
  const exponents = new Float64Array(Q);
  const logScale = new Float64Array(count);
  const degreeWeights = Array.from({ length: maxOrder + 1 }, () => new Float64Array(count));
  for (let network = 0; network < count; network++) {
    let top = Number.NEGATIVE_INFINITY;
    for (let q = 0; q < Q; q++) {
      let h = 0;
      for (const m of used) h += coefficient[m]! * integrals[network * stride + m]! * rhoPowers[q * powers + m]!;
      exponents[q] = h + logWeight[q]!;
      if (exponents[q]! > top) top = exponents[q]!;
    }
    logScale[network] = top;
    for (let q = 0; q < Q; q++) {
      const value = Math.exp(exponents[q]! - top);
      for (let k = 0; k <= maxOrder; k++) degreeWeights[k]![network]! += value * rhoPowers[q * powers + k]!;
    }
  }
  let logShift = Number.NEGATIVE_INFINITY;
  for (let network = 0; network < count; network++) logShift = Math.max(logShift, logScale[network]!);
  for (let network = 0; network < count; network++) {
    const factor = Math.exp(logScale[network]! - logShift);
    for (let k = 0; k <= maxOrder; k++) degreeWeights[k]![network]! *= factor;
  }
  // E[rho^k] = 2^(k/2) Gamma((N + k)/2) / Gamma(N/2).
  const plainFactors = Array.from({ length: maxOrder + 1 }, (_, k) => Math.exp((k / 2) * Math.LN2 + logGamma((width + k) / 2) - logGamma(width / 2)));
  return { degreeWeights, logShift, plainFactors };
}
