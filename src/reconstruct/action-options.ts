/**
 * runAction's options and the state its two inputs fill in before the reconstruction: a spec's
 * estimate (action-from-spec.ts) or a correlators file as written (action-from-file.ts).
 */
import type { BackendRequest } from '../backend/index.js';
import type { CorrelatorResult } from '../io/result.js';
import type { estimateSpec } from '../spec/estimate-spec.js';
import type { CandidateName, CorrelatorBlocks, ForwardFitMassSource, reconstructAction } from './index.js';

/** Independent estimates a spec is split into, for per-batch (jackknife) errors. */
export const DEFAULT_REPLICAS = 10;

export interface RunActionOptions {
  readonly cwd: string;
  readonly grid?: string;
  readonly points?: string;
  readonly ensemble?: number;
  readonly seed?: number;
  readonly widthHint?: number;
  readonly mass?: number;
  readonly six?: boolean;
  readonly background?: boolean;
  readonly nominalError?: number;
  readonly replicas?: number;
  /** Correlated chi^2 in the cluster-curve and forward fits when there are per-batch data (default true). */
  readonly correlated?: boolean;
  readonly candidates?: readonly CandidateName[];
  readonly workers?: number;
  readonly backend?: BackendRequest;
  readonly onEvent?: Parameters<typeof reconstructAction>[0]['onEvent'];
  /** The ensemble estimator (default estimateSpec); tests and scripts pass a caching one. */
  readonly estimate?: typeof estimateSpec;
}

/** Where the forward-fit mass came from (see ActionReport.massSource). */
export type ActionMassSource = ForwardFitMassSource | 'spec' | null;

/** What an input gives the reconstruction; each input fills in what it knows. */
export interface ActionInputState {
  correlators?: CorrelatorResult;
  networkWidth: number | undefined;
  mass: number | undefined;
  massSource: ActionMassSource;
  massStatement: string | null;
  background: { fourPoint?: number[]; sixPoint?: number[] } | undefined;
  backgroundScope: 'forward-fits' | 'all';
  baseLine: { baseTwoPoint: number[]; baseWidth: number } | undefined;
  name: string | undefined;
  /** Errors without per-batch data: the vertex casts no vote and the verdict is taken again. */
  noisyWithoutBatches: boolean;
  batches: CorrelatorBlocks[] | undefined;
  notes: string[];
}

/** The state before either input: only what the options say (--width-hint, --mass). */
export function initialActionState(options: RunActionOptions): ActionInputState {
  return {
    networkWidth: options.widthHint,
    mass: options.mass,
    massSource: options.mass !== undefined ? 'option' : null,
    massStatement: options.mass !== undefined ? `forward-fit mass m = ${options.mass}, given (--mass)` : null,
    background: undefined,
    backgroundScope: 'forward-fits',
    baseLine: undefined,
    name: undefined,
    noisyWithoutBatches: false,
    batches: undefined,
    notes: [],
  };
}
