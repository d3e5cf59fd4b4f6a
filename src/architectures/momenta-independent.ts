/**
 * Independent momenta (the default): every neuron draws its momentum from the whole density, radius
 * by inverse CDF and a uniform direction (a sign in d = 1, a normalised Gaussian vector above). The
 * neurons are identical, so a neuron's cell moment is the full density's E_rho[A^k cos(p.s)].
 */
import type { Rng } from '../random/rng.js';
import { refuseBoxMass, type MomentumSetting, type MomentumStrategy } from './momentum-strategy.js';

export function independentMomenta(setting: MomentumSetting): MomentumStrategy {
  refuseBoxMass(setting);
  const { dimension, density } = setting;
  const direction = new Float64Array(dimension);
  return {
    sampling: 'independent',
    identicalNeurons: true,
    strata: null,
    fixedMomenta: null,
    gaussianNodes: null,
    split: null,
    tilted: null,
    joint: null,
    description: {},
    drawMomentum(rng: Rng, _neuron: number, momenta: Float64Array, offset: number): number {
      const radius = density.radius(rng.uniformOpen());
      if (dimension === 1) {
        direction[0] = rng.uniform() < 0.5 ? -1 : 1;
      } else {
        let norm = 0;
        do {
          norm = 0;
          for (let axis = 0; axis < dimension; axis++) {
            direction[axis] = rng.normal();
            norm += direction[axis]! * direction[axis]!;
          }
        } while (norm === 0);
        norm = Math.sqrt(norm);
        for (let axis = 0; axis < dimension; axis++) direction[axis] = direction[axis]! / norm;
      }
      for (let axis = 0; axis < dimension; axis++) momenta[offset + axis] = radius * direction[axis]!;
      return density.amplitudeFactor(radius);
    },
    cellMoments: (order, s) => Float64Array.of(setting.densityMoment(order, Math.hypot(...s))),
  };
}
