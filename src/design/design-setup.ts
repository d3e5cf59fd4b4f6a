/**
 * From a Theory to the pieces of a design: the interaction region, the deformation terms and their
 * initial couplings (the analytic construction), the initial density parameters, and the spec that
 * a parameter vector describes. Pure functions of plain data.
 *
 * The analytic construction (physics.md section 3): an alpha = 0 cos-net whose momentum density is
 * the target propagator, deformed by the target's interaction terms. Two choices keep the
 * importance weights well behaved:
 * - every local term of power >= 3 is Wick-ordered in the weight; when the target's term is not,
 *   the phi^2 part this removes is moved into the base density's mass, m'^2 = m^2 + (lambda/2) G0
 *   for phi^4 (exact sampling instead of a weight), with a trainable mass counterterm on top;
 * - without a momentum cutoff (d = 1), the deformation acts on the neurons below a mode cutoff only,
 *   so the free part of the field stays exact while the interaction integral stays resolvable.
 */
import type { Dimension, Interaction, Theory } from '../theory/theory.js';
import { propagatorAtZero } from '../correlators/free-propagator.js';
import type { DesignTerm } from './cos-net-design-model.js';
import type { NnftSpec, DeformationTermSpec } from '../spec/spec.js';
import { factorial } from '../numeric/special-functions.js';
import type { MomentumSampling } from '../architectures/stratified-momenta.js';

/**
 * fixed |a| (kurtosis 1), gaussian (3), or tuned: the Gamma-variance family with the kurtosis a
 * trained parameter (the last entry of the parameter vector), starting at `initialKurtosis`.
 */
export type AmplitudeLawName = 'fixed' | 'gaussian' | 'tuned';

/**
 * The kurtosis a tuned design starts from: fixed |a| for interacting targets, 2 for free ones, and 2
 * (Gaussian amplitude pairs: the field is Gaussian given the momenta) with stratified momenta.
 */
export function initialKurtosis(interacting: boolean, momentumSampling: MomentumSampling = 'independent'): number {
  return interacting && momentumSampling === 'independent' ? 1 : 2;
}

/**
 * auto: quadrature momenta in d = 2 for tuned and fixed-|a| designs (the base is then exactly Gaussian
 * at kurtosis 2 and the interaction sees no network-to-network fluctuation of the propagator); the
 * founding paper's Gaussian construction, and d = 1, keep independent draws.
 */
export type MomentaChoice = 'auto' | MomentumSampling;

export function resolveMomentumSampling(dimension: Dimension, amplitudeLaw: AmplitudeLawName, choice: MomentaChoice = 'auto'): MomentumSampling {
  if (choice !== 'auto') return choice;
  return dimension === 2 && amplitudeLaw !== 'gaussian' ? 'quadrature' : 'independent';
}

export interface DesignSetup {
  readonly dimension: Dimension;
  readonly mass: number;
  readonly cutoff: number | null;
  readonly modeCutoff: number | null;
  readonly regionSide: number;
  /** True when the target has no region and nnft chose one. */
  readonly regionChosen: boolean;
  readonly terms: readonly DesignTerm[];
  /** Initial parameter vector: amplitudeScale, momentumScale, couplings (, amplitudeKurtosis when tuned). */
  readonly initial: readonly number[];
  readonly amplitudeLaw: AmplitudeLawName;
  readonly momentumSampling: MomentumSampling;
  /** Offsets of the point set averaged over in validation estimates (empty: none). */
  readonly translations: readonly (readonly number[])[];
  readonly notes: readonly string[];
}

/** Correlation lengths of margin between the outermost point and the edge of a chosen region. */
export const REGION_MARGIN_LENGTHS = 5;
/**
 * Estimates of a region nnft chose also average over translations of the point set by up to
 * +-VALIDATION_TRANSLATION_LENGTHS correlation lengths along each axis, in steps of
 * VALIDATION_TRANSLATION_STEP (the target is translation invariant; inside the region the ensemble is
 * too, up to the boundary bias of exp(-2 (margin - 2)) relative). The images share each network's
 * weight, so the far-field fluctuations of the weight, which dominate the noise of the interaction's
 * contribution, average against nearly independent monomials: the worst G_c4 error halves against
 * +-1 alone (measured on phi4-local-1d at width 96).
 */
export const VALIDATION_TRANSLATION_LENGTHS = 2;
export const VALIDATION_TRANSLATION_STEP = 0.5;
/** Translations of the points per axis in validations of free designs, and their spacing (correlation lengths). */
export const FREE_TRANSLATION_COUNT = 8;
export const FREE_TRANSLATION_LENGTHS = 4;
/** Mode cutoff in units of the mass when the target has no momentum cutoff. */
export const DEFAULT_MODE_CUTOFF_MASSES = 20;

/** Wick-ordering a power-n term shifts its phi^(n-2) coefficient by -C(n,2) G0 (times g/n!). */
function massShiftFromWickOrdering(interaction: Interaction, propagator: number): number {
  if (interaction.kind !== 'local' || interaction.wickOrdered || interaction.power !== 4) return 0;
  // (g/4!) phi^4 = (g/4!) :phi^4: + (g/4) G0 phi^2 + const: a mass^2 shift of (g/2) G0.
  return (interaction.coupling / 2) * propagator;
}

export function designSetup(
  theory: Theory,
  options: { amplitudeLaw?: AmplitudeLawName; modeCutoff?: number | null; momenta?: MomentaChoice } = {},
): DesignSetup {
  const { dimension, mass } = theory;
  const momentumSampling = resolveMomentumSampling(dimension, options.amplitudeLaw ?? 'fixed', options.momenta);
  const cutoff = theory.momentumCutoff;
  const interacting = theory.interactions.length > 0;
  const notes: string[] = [];
  const modeCutoff = !interacting ? null : cutoff !== null ? null : options.modeCutoff ?? DEFAULT_MODE_CUTOFF_MASSES * mass;
  if (modeCutoff !== null) {
    notes.push(`the target has no momentum cutoff: the deformation acts on neurons with |p| < ${modeCutoff} (the free field keeps every momentum)`);
  }
  const outermost = Math.max(0, ...theory.points.flat().map((value) => Math.abs(value)));
  const regionChosen = interacting && theory.interactionRegion === null;
  const regionSide = theory.interactionRegion?.side ?? 2 * (outermost + REGION_MARGIN_LENGTHS / mass);
  if (regionChosen) {
    notes.push(
      `the target's interaction acts on all of R^${dimension}; the design confines it to the box of side ${regionSide.toFixed(3)} ` +
        `(${REGION_MARGIN_LENGTHS} correlation lengths beyond the outermost point; finite-region bias of order exp(-${2 * REGION_MARGIN_LENGTHS}) ≈ ${Math.exp(-2 * REGION_MARGIN_LENGTHS).toExponential(1)} relative)`,
    );
  }
  const translations: number[][] = [];
  if (!interacting) {
    // The undeformed network is exactly translation invariant: validation averages over translations
    // of the points by multiples of FREE_TRANSLATION_LENGTHS correlation lengths (nearly independent
    // copies), the cheapest variance reduction for the 1/N non-Gaussianity a free design is judged on.
    for (let axis = 0; axis < dimension; axis++) {
      for (let multiple = 1; multiple <= FREE_TRANSLATION_COUNT / 2; multiple++) {
        for (const sign of [-1, 1]) {
          const offset = new Array<number>(dimension).fill(0);
          offset[axis] = (sign * multiple * FREE_TRANSLATION_LENGTHS) / mass;
          translations.push(offset);
        }
      }
    }
    notes.push(`validation averages over ${translations.length} translations of the points by multiples of ${FREE_TRANSLATION_LENGTHS / mass} (an exact symmetry of the undeformed network)`);
  }
  if (regionChosen) {
    const steps = Math.round(VALIDATION_TRANSLATION_LENGTHS / VALIDATION_TRANSLATION_STEP);
    for (let axis = 0; axis < dimension; axis++) {
      for (let step = 1; step <= steps; step++) {
        for (const sign of [-1, 1]) {
          const offset = new Array<number>(dimension).fill(0);
          offset[axis] = (sign * step * VALIDATION_TRANSLATION_STEP) / mass;
          translations.push(offset);
        }
      }
    }
    notes.push(
      `estimates average over translations of the points by up to ±${VALIDATION_TRANSLATION_LENGTHS / mass} in steps of ${VALIDATION_TRANSLATION_STEP / mass} along each axis (boundary bias of order exp(-${2 * (REGION_MARGIN_LENGTHS - VALIDATION_TRANSLATION_LENGTHS)}) ≈ ${Math.exp(-2 * (REGION_MARGIN_LENGTHS - VALIDATION_TRANSLATION_LENGTHS)).toExponential(1)} relative)`,
    );
  }
  // G0 seen by the deformation: the modes it acts on.
  const wickPropagator = interacting ? propagatorAtZero(dimension, mass, cutoff ?? modeCutoff) : 0;
  // The tadpole of the target's phi^4 closes on the whole field (every mode interacts in the target),
  // so the mass shift uses the full G0, while the weight is Wick-ordered with the G0 of the modes it
  // sees (its mean then vanishes). With the mode cutoff's G0 in both, G2 came out 5e-4 high at
  // lambda = 0.5 (found by the width-scan sweep).
  const tadpolePropagator = interacting && (cutoff !== null || dimension === 1) ? propagatorAtZero(dimension, mass, cutoff) : wickPropagator;
  const terms: DesignTerm[] = [];
  const couplings: number[] = [];
  let massSquaredShift = 0;
  for (const interaction of theory.interactions) {
    if (interaction.kind === 'local' && (interaction.wickOrdered || interaction.power === 4)) {
      // phi^4 is Wick-ordered in the weight even when the target's is not (its phi^2 part moves
      // into the base mass below); other powers keep the target's ordering.
      terms.push({ kind: 'local', power: interaction.power, wickOrdered: true, wickPropagatorAtZero: wickPropagator });
      couplings.push(interaction.coupling);
      massSquaredShift += massShiftFromWickOrdering(interaction, tadpolePropagator);
    } else if (interaction.kind === 'local') {
      terms.push({ kind: 'local', power: interaction.power, wickOrdered: false, wickPropagatorAtZero: 0 });
      couplings.push(interaction.coupling);
    } else {
      terms.push({ kind: 'nonlocal-quartic', kernelWidth: interaction.kernel.width });
      couplings.push(interaction.coupling);
    }
  }
  // A trainable mass counterterm whenever there is an interaction (and the target has none of its own).
  if (interacting && !theory.interactions.some((term) => term.kind === 'local' && term.power === 2)) {
    terms.push({ kind: 'local', power: 2, wickOrdered: false, wickPropagatorAtZero: 0 });
    couplings.push(0);
  }
  // Move the Wick phi^2 part into the base mass: m' = s m with s^2 = 1 + shift/m^2; amplitude
  // sigma = s^((d-2)/2) keeps G2 = G_{m'} at the base cutoff scaled by s.
  const momentumScale = Math.sqrt(1 + massSquaredShift / (mass * mass));
  const amplitudeScale = momentumScale ** ((dimension - 2) / 2);
  if (momentumSampling === 'stratified') {
    notes.push('stratified momenta (one cell of the momentum density per neuron): with Gaussian amplitude pairs the base network is Gaussian up to the spread of momenta inside each cell');
  } else if (momentumSampling === 'quadrature') {
    notes.push('quadrature momenta (neurons on the nodes of a product rule of the momentum density): with Gaussian amplitude pairs the base network is exactly Gaussian, its covariance the quadrature of the propagator');
  }
  if (massSquaredShift !== 0) {
    notes.push(`Wick-ordered weight with the phi^2 part moved into the base mass: m'^2 = m^2 + ${massSquaredShift.toPrecision(4)}`);
  }
  return {
    dimension,
    mass,
    cutoff,
    modeCutoff,
    regionSide,
    regionChosen,
    terms,
    initial: [amplitudeScale, momentumScale, ...couplings, ...((options.amplitudeLaw ?? 'fixed') === 'tuned' ? [initialKurtosis(interacting, momentumSampling)] : [])],
    amplitudeLaw: options.amplitudeLaw ?? 'fixed',
    momentumSampling,
    translations,
    notes,
  };
}

export function termSpec(term: DesignTerm, coupling: number): DeformationTermSpec {
  return term.kind === 'local'
    ? { kind: 'local', power: term.power, coupling, ...(term.wickOrdered ? { wickOrdered: true, wickPropagatorAtZero: term.wickPropagatorAtZero } : {}) }
    : { kind: 'nonlocal-quartic', coupling, kernel: { kind: 'gaussian', width: term.kernelWidth } };
}

/** The spec a parameter vector describes at a width (estimate reproduces the design's ensemble). */
export function specFromParameters(
  theory: Theory,
  setup: DesignSetup,
  width: number,
  parameters: readonly number[],
  grid: { panels: number; nodesPerPanel: number } | null,
): NnftSpec {
  const [amplitudeScale, momentumScale, ...rest] = parameters as [number, number, ...number[]];
  const couplings = rest.slice(0, setup.terms.length);
  const kurtosis = setup.amplitudeLaw === 'tuned' ? rest[setup.terms.length]! : null;
  const d = setup.dimension;
  // phi = sigma sum b cos(s p.x + c) with b for mass m equals a cos-net of mass s m, cutoff s Lambda
  // and amplitude scale sigma s^((2-d)/2) (G_{sm, s Lambda}(r) = s^(d-2) G_{m, Lambda}(s r)).
  const specAmplitude = amplitudeScale * momentumScale ** ((2 - d) / 2);
  const spec: NnftSpec = {
    nnftSpec: 1,
    name: `${theory.name}-design-n${width}`,
    description: `Designed by nnft for target ${theory.name}: ${theory.description}`.trim(),
    dimension: d,
    architecture: {
      kind: 'cos-net',
      width,
      mass: momentumScale * setup.mass,
      momentumCutoff: setup.cutoff === null ? null : momentumScale * setup.cutoff,
      alpha: 0,
      amplitude: kurtosis !== null ? { law: 'kurtosis', kurtosis, scale: specAmplitude } : { law: setup.amplitudeLaw as 'fixed' | 'gaussian', scale: specAmplitude },
      ...(setup.momentumSampling !== 'independent' ? { momentumSampling: setup.momentumSampling } : {}),
    },
    ...(setup.terms.length > 0
      ? {
          deformation: {
            region: { kind: 'box' as const, side: setup.regionSide },
            terms: setup.terms.map((term, index) => termSpec(term, couplings[index]!)),
            ...(grid ? { grid } : {}),
            ...(setup.modeCutoff !== null ? { modeCutoff: momentumScale * setup.modeCutoff } : {}),
          },
        }
      : {}),
    observables: { points: theory.points.map((point) => [...point]), connected: [...theory.connectedOrders] as (2 | 3 | 4 | 6)[] },
    ...(setup.translations.length > 0 ? { estimation: { translations: setup.translations.map((offset) => [...offset]) } } : {}),
  };
  return spec;
}

/** Largest power of phi in the weight (sets the grid's resolved frequency). */
export function largestWeightPower(terms: readonly DesignTerm[]): number {
  return Math.max(2, ...terms.map((term) => (term.kind === 'local' ? term.power : 4)));
}


