/**
 * A schema-valid target document -> Theory, with every default decided here and nowhere else:
 * description '', interactions [], wickOrdered false, interactionRegion null (all of R^d), no
 * lattice key for a continuum theory (a lattice regulator becomes theory.lattice),
 * targetCorrelators { method: 'auto', options: {} }. Method options keep only the keys the file
 * gave (the method chooses the rest); data blocks are always in options.correlators.
 * The result is not frozen yet: the loader may still fill in data read from a file, then freezes it.
 */
import type {
  ConnectedOrder,
  DataCorrelatorBlock,
  Dimension,
  Interaction,
  TargetCorrelatorSettings,
  Theory,
} from './theory.js';
import type { RawCorrelatorBlock, RawTarget, RawTargetCorrelators } from './raw-target.js';

export interface TargetSource {
  file: string | null;
  sha256: string | null;
}

export function normaliseCorrelatorBlocks(blocks: readonly RawCorrelatorBlock[]): DataCorrelatorBlock[] {
  return blocks.map((block) => ({
    order: block.order,
    indices: block.indices.map((tuple) => [...tuple]),
    values: [...block.values],
    stderr: [...block.stderr],
  }));
}

function pickDefined(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
  return picked;
}

function normaliseTargetCorrelators(raw: RawTargetCorrelators | undefined): TargetCorrelatorSettings {
  if (raw === undefined) return { method: 'auto', options: {} };
  switch (raw.method) {
    case 'auto':
    case 'perturbative':
      return { method: raw.method, options: {} };
    case 'spectral':
      return { method: 'spectral', options: pickDefined(raw, ['basisSize', 'tolerance']) };
    case 'lattice':
      return { method: 'lattice', options: pickDefined(raw, ['spacing', 'sites', 'trajectories', 'thermalization', 'seed']) };
    case 'data':
      return {
        method: 'data',
        options: {
          ...(raw.file !== undefined ? { file: raw.file } : {}),
          correlators: normaliseCorrelatorBlocks(raw.correlators ?? []),
        },
      };
  }
}

export function normaliseTarget(raw: RawTarget, source: TargetSource): Theory {
  const interactions: Interaction[] = (raw.action.interactions ?? []).map((term) =>
    term.kind === 'local'
      ? { kind: 'local', power: term.power, coupling: term.coupling, wickOrdered: term.wickOrdered ?? false }
      : { kind: 'nonlocal-quartic', coupling: term.coupling, kernel: { kind: 'gaussian', width: term.kernel.width } },
  );
  const region = raw.regulator.interactionRegion;
  const lattice = raw.regulator.lattice;
  return {
    name: raw.name,
    description: raw.description ?? '',
    dimension: raw.dimension as Dimension,
    mass: raw.action.free.mass,
    interactions,
    momentumCutoff: raw.regulator.momentumCutoff,
    interactionRegion: region ? { kind: 'box', side: region.side } : null,
    ...(lattice ? { lattice: { kind: 'lattice' as const, spacing: lattice.spacing, sites: lattice.sites, boundary: lattice.boundary } } : {}),
    points: raw.observables.points.map((point) => [...point]),
    connectedOrders: [...raw.observables.connected].sort((left, right) => left - right) as ConnectedOrder[],
    targetCorrelators: normaliseTargetCorrelators(raw.targetCorrelators),
    source: { file: source.file, sha256: source.sha256 },
  };
}
