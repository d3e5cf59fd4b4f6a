/**
 * Which mass the d = 1 forward fits build their propagator G = e^{-m|x|}/(2m) from, for a correlators
 * file (the result contract). The predictors are steep in m (lambda_tree scales roughly as m^5), so the
 * mass must be the propagator of the data, and the report states where it came from. The rule, first
 * match wins:
 *
 * 1. `given` (nnft action --mass): a mass measured or known by the caller.
 * 2. The file's `massGap` (the spectral method reports E_1 - E_0 of the interacting Hamiltonian): the
 *    decay rate of the exact G_c2 at large separation, the dressed mass of exact data.
 * 3. First-order perturbation theory (method "perturbative"): its G_c4 is built from the bare
 *    propagator, so the target's bare mass (`bareMass`, read by the caller from the target file the
 *    result names). The decay rate of G_c2 is dressed at O(g) and would bias the couplings (the
 *    non-local quartic at g = 0.5: kernel width 0.67 instead of 0.50); without the bare mass the fits
 *    are skipped, never run on the wrong propagator.
 * 4. An undeformed ensemble result (cos-net with alpha = 0 and no cutoff): the architecture's mass,
 *    which is the propagator's mass exactly.
 * 5. Otherwise in d = 1 (Monte Carlo targets, deformed ensembles, data files): the decay rate of the
 *    file's own G_c2 (massFromTwoPoint), the dressed mass the data carry.
 */
import type { CorrelatorResult } from '../io/result.js';
import { applyRelativeErrorFloor } from './error-floor.js';
import { massFromTwoPoint } from './measured-mass.js';

export type ForwardFitMassSource = 'option' | 'file-mass-gap' | 'target-bare-mass' | 'file' | 'measured';

export interface ForwardFitMass {
  /** The mass, or null when none applies (the forward fits are then skipped). */
  readonly mass: number | null;
  readonly source: ForwardFitMassSource | null;
  /** Error of a measured mass (source 'measured'), else null. */
  readonly stderr: number | null;
  /** One sentence for the report: which mass, from where, and why that one. */
  readonly statement: string;
}

export interface ForwardFitMassOptions {
  /** A mass given by the caller (--mass). */
  readonly given?: number;
  /** The bare mass of the target a perturbative result names, with where it was read. */
  readonly bareMass?: { readonly mass: number; readonly from: string };
  /** Why the bare mass could not be read (perturbative results only), for the statement. */
  readonly bareMassUnavailable?: string;
  /** Relative error floor applied to G_c2 before its decay rate is fitted (exact data then get equal relative weights). */
  readonly errorFloor?: number;
}

function numberField(value: unknown, key: string): number | undefined {
  const field = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof field === 'number' && Number.isFinite(field) ? field : undefined;
}

const format = (value: number) => value.toPrecision(5);

export function forwardFitMassForResult(result: CorrelatorResult, options: ForwardFitMassOptions = {}): ForwardFitMass {
  if (options.given !== undefined) {
    return { mass: options.given, source: 'option', stderr: null, statement: `forward-fit mass m = ${format(options.given)}, given (--mass)` };
  }
  const dimension = result.points[0]?.length ?? 0;
  if (dimension !== 1) return { mass: null, source: null, stderr: null, statement: `no forward-fit mass: the forward fits are implemented for d = 1, and these points have d = ${dimension}` };
  const gap = numberField(result, 'massGap');
  if (gap !== undefined && gap > 0) {
    return {
      mass: gap,
      source: 'file-mass-gap',
      stderr: null,
      statement: `forward-fit mass m = ${format(gap)}, the file's massGap (E_1 - E_0 of the ${typeof result.method === 'string' ? result.method : 'exact'} solution: the decay rate of its G_c2, the dressed mass of exact data); --mass overrides it`,
    };
  }
  if (result.method === 'perturbative') {
    if (options.bareMass) {
      return {
        mass: options.bareMass.mass,
        source: 'target-bare-mass',
        stderr: null,
        statement: `forward-fit mass m = ${format(options.bareMass.mass)}, the bare mass of the target (${options.bareMass.from}): first-order perturbation theory builds G_c4 from the bare propagator; --mass overrides it`,
      };
    }
    return {
      mass: null,
      source: null,
      stderr: null,
      statement: `no forward-fit mass: first-order perturbation theory builds G_c4 from the bare propagator, whose mass the result file does not record${options.bareMassUnavailable ? ` (${options.bareMassUnavailable})` : ''}, and the decay rate of its G_c2 is dressed at first order; give the target's mass with --mass`,
    };
  }
  const architecture = result.architecture;
  const architectureMass = numberField(architecture, 'mass');
  const undeformed = result.deformation === undefined || result.deformation === null;
  if (result.kind === 'ensemble-correlators' && undeformed && architectureMass !== undefined && numberField(architecture, 'alpha') === 0 && numberField(architecture, 'cutoff') === undefined) {
    return { mass: architectureMass, source: 'file', stderr: null, statement: `forward-fit mass m = ${format(architectureMass)}, the mass of the file's undeformed architecture (its exact propagator); --mass overrides it` };
  }
  const twoPoint = result.correlators.find((block) => block.order === 2);
  if (!twoPoint) return { mass: null, source: null, stderr: null, statement: 'no forward-fit mass: the file has no G_c2 to read it from; give --mass' };
  try {
    const measured = massFromTwoPoint(result.points, options.errorFloor !== undefined ? applyRelativeErrorFloor(twoPoint, options.errorFloor).block : twoPoint);
    const why = result.kind === 'ensemble-correlators' ? (undeformed ? 'the architecture records no usable mass' : `the ensemble is deformed, which dresses the propagator${architectureMass !== undefined ? ` (base mass ${format(architectureMass)})` : ''}`) : 'the file states no mass';
    return {
      mass: measured.mass,
      source: 'measured',
      stderr: measured.stderr,
      statement: `forward-fit mass m = ${format(measured.mass)} ± ${measured.stderr.toPrecision(2)}, the decay rate of the file's G_c2 over ${measured.pairs} pairs (${why}); --mass overrides it`,
    };
  } catch (error) {
    return { mass: null, source: null, stderr: null, statement: `no forward-fit mass: ${error instanceof Error ? error.message : String(error)}; give --mass` };
  }
}
