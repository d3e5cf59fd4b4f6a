/**
 * Exact moments and connected functions of the undeformed finite-width cos-net, whatever its momentum
 * sampling: independent momenta (cos-net-moments.ts) or one neuron per cell of the density, stratified
 * or on quadrature nodes (cos-net-stratified-moments.ts). The one place that dispatches on the layout.
 */
import type { Points } from './architecture.js';
import type { CosNet } from './cos-net-types.js';
import { independentConnected, independentConnectedFour, independentExactMoment } from './cos-net-moments.js';
import { stratifiedConnected, stratifiedExactMoment } from './cos-net-stratified-moments.js';

/** Connected 4-point function of the undeformed cos-net (without the shared scale). */
export function cosNetConnectedFour(net: CosNet, points: Points): number {
  return net.strata ? stratifiedConnected(net, points) : independentConnectedFour(net, points);
}

/** Connected k-point function of the undeformed cos-net without a shared scale. */
export function cosNetConnected(net: CosNet, points: Points): number {
  return net.strata ? stratifiedConnected(net, points) : independentConnected(net, points);
}

/** E_0[phi(x_1) ... phi(x_k)] of the undeformed cos-net (null where not known in closed form). */
export function cosNetExactMoment(net: CosNet, points: Points): number | null {
  return net.strata ? stratifiedExactMoment(net, points) : independentExactMoment(net, points);
}
