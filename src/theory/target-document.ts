/**
 * A Theory written back as the target document it normalises from (the inverse of
 * normalise-target.ts): every default spelled out, data correlators inline. Loading the document
 * (loadTargetObject) gives the same Theory again, apart from `source` and a data method's `file`
 * (the correlators it named are inline). A run directory stores it for a design that was given a
 * target as data, so that the run can be resumed from the directory alone.
 */
import type { RawTarget, RawTargetCorrelators } from './raw-target.js';
import type { DataOptions, Theory } from './theory.js';

function targetCorrelatorsDocument(theory: Theory): RawTargetCorrelators {
  const { method, options } = theory.targetCorrelators;
  switch (method) {
    case 'auto':
    case 'perturbative':
      return { method };
    case 'spectral':
      return { method, ...(options as Record<string, number>) };
    case 'lattice':
      return { method, ...(options as Record<string, number>) };
    case 'data':
      return {
        method,
        correlators: (options as unknown as DataOptions).correlators.map((block) => ({
          order: block.order,
          indices: block.indices.map((tuple) => [...tuple]),
          values: [...block.values],
          stderr: [...block.stderr],
        })),
      };
  }
}

export function targetDocument(theory: Theory): RawTarget {
  return {
    nnftTarget: 1,
    name: theory.name,
    description: theory.description,
    dimension: theory.dimension,
    action: {
      free: { kind: 'klein-gordon', mass: theory.mass },
      interactions: theory.interactions.map((term) =>
        term.kind === 'local'
          ? { kind: 'local', power: term.power, coupling: term.coupling, wickOrdered: term.wickOrdered }
          : { kind: 'nonlocal-quartic', coupling: term.coupling, kernel: { kind: 'gaussian', width: term.kernel.width } },
      ),
    },
    regulator: {
      momentumCutoff: theory.momentumCutoff,
      ...(theory.interactionRegion ? { interactionRegion: { kind: 'box', side: theory.interactionRegion.side } } : {}),
      ...(theory.lattice ? { lattice: { spacing: theory.lattice.spacing, sites: theory.lattice.sites, boundary: theory.lattice.boundary } } : {}),
    },
    observables: { points: theory.points.map((point) => [...point]), connected: [...theory.connectedOrders] },
    targetCorrelators: targetCorrelatorsDocument(theory),
  };
}
