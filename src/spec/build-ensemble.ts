/** Turn a validated spec into engine objects: the architecture and the compiled deformation. */
import type { Architecture, Points } from '../architectures/architecture.js';
import { cosNet } from '../architectures/cos-net.js';
import { latticeCosNet } from '../architectures/lattice-cos-net.js';
import { hiddenLayerNet } from '../architectures/hidden-layer-net.js';
import type { AmplitudeLaw } from '../architectures/amplitude-law.js';
import { compileDeformation, type CompiledDeformation, type DeformationTerm } from '../densities/deformations.js';
import { NnftError } from '../errors.js';
import type { NnftSpec } from './spec.js';

export function architectureFromSpec(spec: NnftSpec): Architecture {
  const architecture = spec.architecture;
  if (architecture.kind === 'cos-net') {
    const amplitude: AmplitudeLaw =
      architecture.amplitude?.law === 'kurtosis'
        ? { kind: 'kurtosis', kurtosis: architecture.amplitude.kurtosis ?? 3 }
        : { kind: architecture.amplitude?.law ?? 'gaussian' } as AmplitudeLaw;
    if (architecture.momentumSampling === 'lattice') {
      // checkSpecSemantics guarantees the lattice, no cutoff, alpha 0, no shared scale or box mass.
      return latticeCosNet({
        dimension: spec.dimension,
        width: architecture.width,
        mass: architecture.mass,
        lattice: { spacing: architecture.lattice!.spacing, sites: architecture.lattice!.sites },
        amplitude,
        amplitudeScale: architecture.amplitude?.scale ?? 1,
      });
    }
    return cosNet({
      dimension: spec.dimension,
      width: architecture.width,
      mass: architecture.mass,
      cutoff: architecture.momentumCutoff,
      alpha: architecture.alpha ?? 0,
      amplitude,
      amplitudeScale: architecture.amplitude?.scale ?? 1,
      sharedScale: architecture.sharedScale ?? null,
      momentumSampling: architecture.momentumSampling ?? 'independent',
      ...(architecture.splitMomentum !== undefined ? { splitMomentum: architecture.splitMomentum } : {}),
      ...(architecture.boxMass !== undefined ? { boxMass: { side: architecture.boxMass.side, coupling: architecture.boxMass.coupling } } : {}),
    });
  }
  return hiddenLayerNet({
    kind: architecture.kind,
    dimension: spec.dimension,
    width: architecture.width,
    weightStd: architecture.weightStd,
    biasStd: architecture.biasStd,
    outputStd: architecture.outputStd,
  });
}

export function deformationFromSpec(spec: NnftSpec, architecture: Architecture): CompiledDeformation | null {
  const deformation = spec.deformation;
  if (!deformation) return null;
  const terms: DeformationTerm[] = deformation.terms.map((term) =>
    term.kind === 'local'
      ? { kind: 'local', power: term.power, coupling: term.coupling, wickOrdered: term.wickOrdered ?? false, ...(term.wickPropagatorAtZero !== undefined ? { wickPropagatorAtZero: term.wickPropagatorAtZero } : {}) }
      : { kind: 'nonlocal-quartic', coupling: term.coupling, kernelWidth: term.kernel.width },
  );
  if (deformation.region.kind === 'lattice') {
    const lattice = spec.architecture.kind === 'cos-net' ? spec.architecture.lattice : undefined;
    if (!lattice) throw new NnftError('E_SEMANTIC', 'deformation.region "lattice" needs architecture.momentumSampling "lattice" with its lattice');
    return compileDeformation(architecture, { lattice: { spacing: lattice.spacing, sites: lattice.sites }, terms });
  }
  return compileDeformation(architecture, {
    regionSide: deformation.region.side,
    terms,
    ...(deformation.grid ? { resolution: deformation.grid } : {}),
    ...(deformation.resolvedMomentum !== undefined ? { resolvedMomentum: deformation.resolvedMomentum } : {}),
    ...(deformation.modeCutoff !== undefined ? { modeCutoff: deformation.modeCutoff } : {}),
  });
}

/**
 * Symmetry images of the point set. The reflection x -> -x through the centre of the (centred) region
 * is exact for every base density here (momenta and weights are sign-symmetric) and every deformation
 * (on a lattice: the reflected sites are the same periodic lattice).
 */
export function symmetryImages(spec: NnftSpec, points: Points): Points[] {
  const mode = spec.estimation?.symmetryImages ?? 'auto';
  const translated = (spec.estimation?.translations ?? []).map((offset) => points.map((point) => point.map((value, axis) => value + offset[axis]!)));
  const base = translated.length > 0 ? [points, ...translated] : [points];
  if (mode === 'none' || (mode === 'auto' && !spec.deformation)) return translated;
  const reflect = (set: Points) => set.map((point) => point.map((value) => (value === 0 ? 0 : -value)));
  const reflected = base.map(reflect);
  const sameSet = reflected.length === 1 && JSON.stringify(reflected[0]) === JSON.stringify(points.map((point) => [...point]));
  return sameSet && mode === 'auto' ? translated : [...translated, ...reflected];
}
