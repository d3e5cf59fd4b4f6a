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
import { factorial } from '../numeric/special-functions.js';
import { deriveSeed } from '../random/seed-tree.js';
import { PARAMETER_STREAM } from './chunk-plan.js';
import type { DrawnChunk } from './draw-chunk.js';

export const IMAGE_STREAM = 'ensemble/amplitude-images';

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
): Promise<DrawnChunk> {
  const { width, dimension } = net;
  const base = net.sample(deriveSeed(rootSeed, PARAMETER_STREAM, chunkIndex), draws);
  const { momenta, phases, coefficients } = base.arrays as Record<string, Float64Array>;
  const rng = new Rng(deriveSeed(rootSeed, IMAGE_STREAM, chunkIndex));
  const amplitudeNorm = net.options.amplitudeScale / Math.sqrt(width);
  const count = draws * images;
  // (alpha, beta) of every image and neuron, float64.
  const alpha = new Float64Array(count * width);
  const beta = new Float64Array(count * width);
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
        const b = (factor * sampleStandardAmplitude(net.options.amplitude, rng)) / Math.sqrt(squaredRadius);
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
    for (let neuron = 0; neuron < width; neuron++) {
      coefficientRows[network * 2 * width + neuron] = alpha[network * width + neuron]!;
      coefficientRows[network * 2 * width + width + neuron] = beta[network * width + neuron]!;
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
  return { chunkIndex, count, columns, logWeights: Float64Array.from(logWeightData) };
}
