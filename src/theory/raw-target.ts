/**
 * The shape of a target file that passed schema/target.schema.json, before defaults are filled in.
 * Only the normaliser and the semantic checks see this; everything else works from a Theory.
 */

export interface RawLocalInteraction {
  kind: 'local';
  power: number;
  coupling: number;
  wickOrdered?: boolean;
}

export interface RawNonlocalQuarticInteraction {
  kind: 'nonlocal-quartic';
  coupling: number;
  kernel: { kind: 'gaussian'; width: number };
}

export interface RawCorrelatorBlock {
  order: 2 | 3 | 4 | 6;
  indices: number[][];
  values: number[];
  stderr: number[];
}

export type RawTargetCorrelators =
  | { method: 'auto' }
  | { method: 'perturbative' }
  | { method: 'spectral'; basisSize?: number; tolerance?: number }
  | { method: 'lattice'; spacing?: number; sites?: number; trajectories?: number; thermalization?: number; seed?: number }
  | { method: 'data'; file?: string; correlators?: RawCorrelatorBlock[] };

export interface RawTarget {
  $schema?: string;
  nnftTarget: 1;
  name: string;
  description?: string;
  dimension: 1 | 2 | 3 | 4;
  action: {
    free: { kind: 'klein-gordon'; mass: number };
    interactions?: (RawLocalInteraction | RawNonlocalQuarticInteraction)[];
  };
  regulator: {
    momentumCutoff: number | null;
    interactionRegion?: { kind: 'box'; side: number };
    lattice?: { spacing: number; sites: number; boundary: 'periodic' };
  };
  observables: {
    points: number[][];
    connected: (2 | 3 | 4 | 6)[];
  };
  targetCorrelators?: RawTargetCorrelators;
}
