/**
 * Exact moments and connected functions of the undeformed finite-width cos-net, whatever its
 * momentum sampling (docs/ensemble.md, "Architectures"). Neurons are independent, so every joint
 * cumulant of phi is the sum over neurons of each neuron's joint cumulant (N times one neuron's when
 * the neurons are identical). A neuron's moment is the phase average of a product of cosines,
 *   E[f(x_1) ... f(x_k)] = E[t^k] sigma_a^k / N^{k/2} 2^{-k} sum_s 2 E_cell[F^k cos(p.s)],
 * over the zero-sum signed sums s of the points, with F = A(p) sqrt(N W) the neuron's amplitude
 * factor; the cell moments E_cell[...] are the momentum strategy's (momentum-strategy.ts). Moments
 * follow from the cumulants over even set partitions (numeric/cumulants.ts), and a shared scale s
 * multiplies the k-th moment by E[s^k].
 */
import { cumulantCoefficient, evenPartitions, momentFromCumulants } from '../numeric/cumulants.js';
import type { Points } from './architecture.js';
import type { CosNet } from './cos-net-types.js';
import { connectedFromExactMoments } from './exact-connected.js';
import { independentConnectedFour, standardAmplitudeMoment, zeroSumSignedSums } from './cos-net-moments.js';

/** Highest order whose density moments E_rho[A^k cos(p.s)] are known (cos-net-moments.ts). */
const MAX_EXACT_ORDER = 6;

/** Every neuron's moment E[f_i(x_1) ... f_i(x_k)] (one value when the neurons are identical). */
function neuronMoments(net: CosNet, points: Points): Float64Array {
  const order = points.length;
  const cells = net.momenta.identicalNeurons ? 1 : net.width;
  const totals = new Float64Array(cells);
  if (order % 2 === 1) return totals;
  const prefactor = (standardAmplitudeMoment(net, order) * net.options.amplitudeScale ** order) / net.width ** (order / 2);
  for (const s of zeroSumSignedSums(points)) {
    const moments = net.momenta.cellMoments(order, s);
    for (let cell = 0; cell < cells; cell++) totals[cell]! += 2 * moments[cell]!;
  }
  return totals.map((total) => (prefactor * total) / 2 ** order);
}

/** Every neuron's joint cumulant (zero mean: only even blocks contribute). */
function neuronCumulants(net: CosNet, points: Points): Float64Array {
  const cells = net.momenta.identicalNeurons ? 1 : net.width;
  const cumulants = new Float64Array(cells);
  for (const partition of evenPartitions(points.length)) {
    const product = new Float64Array(cells).fill(cumulantCoefficient(partition.length));
    for (const block of partition) {
      const moments = neuronMoments(net, block.map((i) => points[i]!));
      for (let cell = 0; cell < cells; cell++) product[cell]! *= moments[cell]!;
    }
    for (let cell = 0; cell < cells; cell++) cumulants[cell]! += product[cell]!;
  }
  return cumulants;
}

/** Connected k-point function of the undeformed cos-net without a shared scale. */
export function cosNetConnected(net: CosNet, points: Points): number {
  if (points.length % 2 === 1) return 0;
  const cumulants = neuronCumulants(net, points);
  const multiplicity = net.momenta.identicalNeurons ? net.width : 1;
  // Jointly drawn neurons (tilted split nodes, box-mass.ts) are one correlated Gaussian block: no
  // higher cumulants, and the second is the block's covariance, not a sum over its neurons.
  const joint = net.momenta.joint;
  let total = 0;
  for (let cell = joint ? joint.size : 0; cell < cumulants.length; cell++) total += multiplicity * cumulants[cell]!;
  if (joint && points.length === 2) total += net.options.amplitudeScale ** 2 * joint.covariance(points[0]!, points[1]!);
  return total;
}

/** Connected 4-point function of the undeformed cos-net (without the shared scale); identical neurons in closed form. */
export function cosNetConnectedFour(net: CosNet, points: Points): number {
  return net.momenta.identicalNeurons ? independentConnectedFour(net, points) : cosNetConnected(net, points);
}

/**
 * E_0[phi(x_1) ... phi(x_k)] for k <= 6 from the joint cumulants (zero mean: sums of products over
 * even set partitions). A shared scale s multiplies the k-th moment by E[s^k] = exp(k^2 sigma_s^2 / 2 - k sigma_s^2).
 */
export function cosNetExactMoment(net: CosNet, points: Points): number | null {
  const order = points.length;
  if (order % 2 === 1) return 0;
  if (order > MAX_EXACT_ORDER) return null;
  const moment = momentFromCumulants(order, (block) => cosNetConnected(net, block.map((i) => points[i]!)), true);
  if (!Number.isFinite(moment)) return null;
  const logStd = net.options.sharedScale?.logStd ?? 0;
  return Math.exp(((order * order) / 2 - order) * logStd * logStd) * moment;
}

/**
 * The exact connected functions for index tuples over `points`: directly from the neurons' cumulants
 * without a shared scale; with one (which couples the neurons) from the exact moments.
 */
export function cosNetExactConnected(net: CosNet, points: Points, tuples: readonly (readonly number[])[]): number[] | null {
  if (net.options.sharedScale) return connectedFromExactMoments(net, points, tuples);
  const values: number[] = [];
  for (const tuple of tuples) {
    if (tuple.length > MAX_EXACT_ORDER) return null;
    const value = cosNetConnected(net, tuple.map((index) => points[index]!));
    if (!Number.isFinite(value)) return null;
    values.push(value);
  }
  return values;
}
