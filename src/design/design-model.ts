/**
 * The typed design model: the named parameters of a cos-net design, each with its role, initial
 * value (the analytic construction), bounds and whether it is held, and the layout that places them
 * in the flat vector the optimisers work on. Every file that needs "which entry is the kurtosis"
 * asks the model; nothing indexes the vector by hand.
 *
 * Parameters (docs/design.md, "The design model"):
 *   amplitudeScale  sigma: the field is sigma times the base network (wave-function normalisation);
 *   coupling<n>     one per deformation term: the coupling of (c/n!) int_V :phi^n: (Wick-ordered
 *                   with the G0 of the modes the weight sees), or couplingNonlocal for
 *                   (c/4!) int int phi^2 K phi^2;
 *   amplitudeKurtosis  k = E[t^4] of the output weights (tuned amplitude law only).
 */
import type { DesignTerm } from './cos-net-design-model.js';
import type { ParameterLayout } from './sample-objective.js';

export type ParameterRole = 'amplitudeScale' | 'coupling' | 'amplitudeKurtosis';

export interface DesignParameter {
  readonly name: string;
  readonly role: ParameterRole;
  /** The deformation term a coupling belongs to (index into the model's terms), else null. */
  readonly term: number | null;
  /** The analytic construction's value. */
  readonly initial: number;
  readonly bounds: readonly [number, number];
  /** Held at its initial value by the optimiser. */
  readonly held: boolean;
  /** Why it is bounded or held, for reports. */
  readonly note?: string;
}

export interface DesignModel {
  readonly terms: readonly DesignTerm[];
  readonly parameters: readonly DesignParameter[];
  readonly layout: ParameterLayout;
}

/** Amplitude scale and kurtosis ranges the optimiser may explore. */
export const AMPLITUDE_SCALE_BOUNDS = [0.2, 5] as const;
export const KURTOSIS_BOUNDS = [1, 6] as const;

function termName(term: DesignTerm): string {
  return term.kind === 'local' ? `coupling${term.power}` : 'couplingNonlocal';
}

export interface DesignModelInput {
  readonly terms: readonly DesignTerm[];
  /** Initial coupling of each term (the analytic construction). */
  readonly couplings: readonly number[];
  /** Initial kurtosis when the amplitude law is tuned, else null. */
  readonly kurtosis: number | null;
  /** Hold the kurtosis (quadrature momenta: the base is exactly Gaussian at 2). */
  readonly holdKurtosis: boolean;
}

export function designModel(input: DesignModelInput): DesignModel {
  const { terms } = input;
  const largestEven = Math.max(0, ...terms.map((term) => (term.kind === 'local' ? (term.power % 2 === 0 ? term.power : 0) : 4)));
  const largestPower = Math.max(0, ...terms.map((term) => (term.kind === 'local' ? term.power : 4)));
  const parameters: DesignParameter[] = [{ name: 'amplitudeScale', role: 'amplitudeScale', term: null, initial: 1, bounds: AMPLITUDE_SCALE_BOUNDS, held: false }];
  const seen = new Map<string, number>();
  terms.forEach((term, index) => {
    const base = termName(term);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    // The highest power must be even with a positive coupling, or the weights are unbounded.
    const confining = term.kind === 'nonlocal-quartic' || (term.power === largestEven && largestEven === largestPower && term.power > 2);
    parameters.push({
      name: count === 0 ? base : `${base}_${index}`,
      role: 'coupling',
      term: index,
      initial: input.couplings[index]!,
      bounds: confining ? [0, Infinity] : [-Infinity, Infinity],
      held: false,
      ...(confining ? { note: 'the highest even power keeps a non-negative coupling (bounded weights)' } : {}),
    });
  });
  if (input.kurtosis !== null) {
    parameters.push({
      name: 'amplitudeKurtosis',
      role: 'amplitudeKurtosis',
      term: null,
      initial: input.kurtosis,
      bounds: KURTOSIS_BOUNDS,
      held: input.holdKurtosis,
      ...(input.holdKurtosis ? { note: 'held at 2 on quadrature momenta: the base network is then exactly Gaussian' } : {}),
    });
  }
  const couplings = parameters.flatMap((parameter, k) => (parameter.role === 'coupling' ? [k] : []));
  const kurtosis = parameters.findIndex((parameter) => parameter.role === 'amplitudeKurtosis');
  return { terms, parameters, layout: { sigma: 0, couplings, kurtosis: kurtosis >= 0 ? kurtosis : null, count: parameters.length } };
}

export const parameterNames = (model: DesignModel): string[] => model.parameters.map((parameter) => parameter.name);
export const initialValues = (model: DesignModel): number[] => model.parameters.map((parameter) => parameter.initial);
export const parameterBounds = (model: DesignModel): (readonly [number, number])[] => model.parameters.map((parameter) => parameter.bounds);
export const heldFlags = (model: DesignModel): boolean[] => model.parameters.map((parameter) => parameter.held);

/** Named values (checkpoints, results) from a vector. */
export function recordFromValues(model: DesignModel, values: readonly number[]): Record<string, number> {
  return Object.fromEntries(model.parameters.map((parameter, k) => [parameter.name, values[k]!]));
}

/** A vector from named values; missing names take the initial value. */
export function valuesFromRecord(model: DesignModel, record: Readonly<Record<string, number>>): number[] {
  return model.parameters.map((parameter) => (typeof record[parameter.name] === 'number' ? record[parameter.name]! : parameter.initial));
}

/** The pieces of a vector a spec needs. */
export function readValues(model: DesignModel, values: readonly number[]): { amplitudeScale: number; couplings: number[]; kurtosis: number | null } {
  return {
    amplitudeScale: values[model.layout.sigma]!,
    couplings: model.layout.couplings.map((k) => values[k]!),
    kurtosis: model.layout.kurtosis !== null ? values[model.layout.kurtosis]! : null,
  };
}
