/**
 * From a Theory to the pieces of a design: the interaction region, the deformation terms and their
 * initial couplings (the analytic construction), the initial density parameters, and the spec that
 * a parameter vector describes. Pure functions of plain data.
 *
 * The analytic construction (docs/design.md, "The analytic construction"): an alpha = 0 cos-net
 * whose momentum density is the target propagator (the target's own mass and cutoff), deformed by
 * the target's interaction on the target's region. It is the target at infinite width:
 * - the weight is written in Wick-ordered monomials (small Var log w), and the self-contractions this
 *   removes are box-local lower-power terms of the weight (constructionTerms), so the free field
 *   outside the region is never changed;
 * - without a momentum cutoff (d = 1), the deformation acts on the neurons below a mode cutoff only,
 *   so the free part of the field stays exact while the interaction integral stays resolvable (the
 *   only approximation; its size is stated in docs/design.md).
 */
import { NnftError } from '../errors.js';
import type { Dimension, Theory } from '../theory/theory.js';
import { propagatorAtZero } from '../correlators/free-propagator.js';
import type { DesignTerm } from './cos-net-design-model.js';
import type { NnftSpec, DeformationTermSpec } from '../spec/spec.js';
import { factorial } from '../numeric/special-functions.js';
import type { MomentumSampling } from '../architectures/momentum-strategy.js';
import { designModel, readValues, type DesignModel } from './design-model.js';

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
 * auto: quadrature momenta in d = 2 and 3 for tuned and fixed-|a| designs (the base is then exactly Gaussian
 * at kurtosis 2 and the interaction sees no network-to-network fluctuation of the propagator), and
 * stratified momenta for interacting d = 1 designs (one quantile cell per neuron with Gaussian
 * amplitude pairs: the base's 1/N four-point function falls to the spread inside a cell; on
 * phi4-local-1d at width 96 the construction's G_c4 bias fell from 21% with independent momenta to
 * 5%, within its 5.5% error). The founding paper's Gaussian construction, and free d = 1 designs
 * (judged on closed forms, where the tuned kurtosis of independent momenta is the measured
 * optimum), keep independent draws.
 */
export type MomentaChoice = 'auto' | MomentumSampling;

export function resolveMomentumSampling(dimension: Dimension, amplitudeLaw: AmplitudeLawName, choice: MomentaChoice = 'auto', interacting = true, cutoff: number | null = null): MomentumSampling {
  if (choice !== 'auto') return choice;
  if (amplitudeLaw === 'gaussian') return 'independent';
  // d = 3: quadrature on a radial x polar x azimuth product rule (docs/ensemble.md).
  if (dimension === 2 || dimension === 3) return 'quadrature';
  if (dimension !== 1 || !interacting) return 'independent';
  // d = 1 without a cutoff: fixed nodes below the mode cutoff (all the deformation sees), stratified
  // cells above it, so the weight sees an exactly Gaussian field and the first-order control
  // variate applies (architectures/split-momenta.ts).
  return cutoff === null ? 'split' : 'stratified';
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
  /** The named parameters, their initial values (the analytic construction), bounds and layout. */
  readonly model: DesignModel;
  readonly amplitudeLaw: AmplitudeLawName;
  readonly momentumSampling: MomentumSampling;
  /** Offsets of the point set averaged over in validation estimates (empty: none). */
  readonly translations: readonly (readonly number[])[];
  readonly notes: readonly string[];
  /**
   * Split momenta with Gaussian amplitude pairs: the construction's initial power-2 coupling, drawn
   * exactly into the fixed nodes' law over the region (architectures/box-mass.ts); the spec's power-2
   * deformation term then carries only the trained change. Null otherwise.
   */
  readonly boxMass: { readonly side: number; readonly coupling: number } | null;
  /**
   * Where a box mass can be drawn (split momenta, Gaussian amplitude pairs, an interaction with local
   * terms): the scale of box masses worth trying, the phi^2 coupling of the target's self-contractions
   * as if no term were Wick-ordered (box-mass-choice.ts picks the box mass from multiples of it).
   * Null where no box mass can be drawn.
   */
  readonly boxMassScale: number | null;
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

/**
 * The deformation terms of the analytic construction and their initial couplings.
 *
 * Every local term of the target is written exactly in Wick-ordered monomials of the field the
 * weight sees (docs/design.md, "The analytic construction"):
 *   (g/n!) phi^n = sum_k g G0^k / (k! 2^k) (1/(n-2k)!) :phi^(n-2k):      (Hermite expansion),
 * with G0 the full free propagator at zero (every mode interacts in the target, so the target's
 * tadpoles close on the whole field), while each :phi^j: of the weight is Wick-ordered with the G0
 * of the modes the weight sees (its mean then vanishes). A Wick-ordered target term keeps only
 * k = 0. The induced lower powers act where the interaction acts, on the region V: in particular
 * the phi^2 part of a non-Wick-ordered phi^4 is a box-local mass term of coupling (g/2) G0, never a
 * change of the free field outside V. The power-2 term is always present when there is an
 * interaction (the trainable mass counterterm). Non-local quartic terms are kept as written.
 */
export function constructionTerms(theory: Theory, tadpolePropagator: number, wickPropagator: number): { terms: DesignTerm[]; couplings: number[] } {
  const byPower = new Map<number, number>();
  const add = (power: number, coupling: number) => byPower.set(power, (byPower.get(power) ?? 0) + coupling);
  const nonlocal: { term: DesignTerm; coupling: number }[] = [];
  for (const interaction of theory.interactions) {
    if (interaction.kind !== 'local') {
      nonlocal.push({ term: { kind: 'nonlocal-quartic', kernelWidth: interaction.kernel.width }, coupling: interaction.coupling });
      continue;
    }
    const n = interaction.power;
    for (let k = 0; 2 * k < n; k++) {
      if (k > 0 && interaction.wickOrdered) break;
      add(n - 2 * k, (interaction.coupling * tadpolePropagator ** k) / (factorial(k) * 2 ** k));
    }
  }
  if (theory.interactions.length > 0 && !byPower.has(2)) add(2, 0);
  const powers = [...byPower.keys()].sort((a, b) => b - a);
  const terms: DesignTerm[] = powers.map((power) => ({ kind: 'local', power, wickOrdered: true, wickPropagatorAtZero: wickPropagator }));
  const couplings = powers.map((power) => byPower.get(power)!);
  for (const entry of nonlocal) {
    terms.push(entry.term);
    couplings.push(entry.coupling);
  }
  return { terms, couplings };
}

/**
 * The construction is a continuum cos-net over a continuum region: on a lattice target it would be a
 * different theory. Refused before any work, never a silent continuum design.
 */
export function refuseLatticeTarget(theory: Theory): void {
  if (!theory.lattice) return;
  throw new NnftError('E_UNSUPPORTED', 'the design construction is a continuum network; a lattice target (regulator.lattice) cannot be designed yet', {
    issues: [{ path: 'regulator.lattice', message: 'lattice targets are solved by nnft target (exact free propagator, lattice perturbation theory, HMC) but not designed' }],
    ...(theory.source.file ? { file: theory.source.file } : {}),
    hint: 'compute its correlators with nnft target, or remove regulator.lattice (and give momentumCutoff / interactionRegion) for a continuum design',
  });
}

/**
 * The refusals a design makes before any work: a lattice target, connected orders above 4. A sweep
 * applies them to every point before it creates anything (src/sweep/check-point.ts).
 */
export function refuseUndesignableTarget(theory: Theory): void {
  refuseLatticeTarget(theory);
  if (theory.connectedOrders.some((order) => order > 4)) {
    throw new NnftError('E_UNSUPPORTED', 'nnft design matches connected orders up to 4', {
      issues: [{ path: 'observables.connected', message: 'nnft design matches connected orders up to 4' }],
      ...(theory.source.file ? { file: theory.source.file } : {}),
      hint: 'remove 6 from observables.connected (nnft estimate still measures it)',
    });
  }
}

export function designSetup(
  theory: Theory,
  options: { amplitudeLaw?: AmplitudeLawName; modeCutoff?: number | null; momenta?: MomentaChoice } = {},
): DesignSetup {
  const { dimension, mass } = theory;
  refuseLatticeTarget(theory);
  const amplitudeLaw = options.amplitudeLaw ?? 'fixed';
  const interacting = theory.interactions.length > 0;
  const cutoff = theory.momentumCutoff;
  const momentumSampling = resolveMomentumSampling(dimension, amplitudeLaw, options.momenta, interacting, cutoff);
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
  const translations = symmetryTranslations(dimension, mass, interacting, regionChosen, notes);
  // G0 seen by the deformation: the modes it acts on.
  const wickPropagator = interacting ? propagatorAtZero(dimension, mass, cutoff ?? modeCutoff) : 0;
  // The target's tadpoles close on the whole field (every mode interacts in the target). Without a
  // cutoff in d >= 2 the full G0 diverges; such targets are refused at load, and the mode cutoff's
  // G0 stands in.
  const tadpolePropagator = interacting && (cutoff !== null || dimension === 1) ? propagatorAtZero(dimension, mass, cutoff) : wickPropagator;
  const { terms, couplings } = constructionTerms(theory, tadpolePropagator, wickPropagator);
  const induced = terms
    .map((term, index) => ({ term, coupling: couplings[index]! }))
    .filter((entry) => entry.term.kind === 'local' && entry.coupling !== 0 && !theory.interactions.some((interaction) => interaction.kind === 'local' && interaction.power === (entry.term as { power: number }).power));
  if (induced.length > 0) {
    notes.push(
      `the weight is Wick-ordered; the target's self-contractions are box-local terms of the weight: ${induced.map((entry) => `power ${(entry.term as { power: number }).power} coupling ${entry.coupling.toPrecision(4)}`).join(', ')} (the free field outside the region is untouched)`,
    );
  }
  if (momentumSampling === 'split') {
    if (dimension !== 1 || cutoff !== null || modeCutoff === null) {
      throw new NnftError('E_SEMANTIC', `--momenta split exists for interacting d = 1 targets without a momentum cutoff (this target: d = ${dimension}, cutoff ${cutoff}${interacting ? '' : ', free'})`, {
        hint: cutoff !== null ? 'use --momenta quadrature or stratified' : 'use --momenta auto',
      });
    }
    notes.push(
      `split momenta: neurons below the mode cutoff ${modeCutoff} sit on fixed nodes of the momentum density (with Gaussian amplitude pairs the field the deformation sees is exactly Gaussian, one covariance for every network), the rest are stratified above it`,
    );
  } else if (momentumSampling === 'stratified') {
    notes.push('stratified momenta (one cell of the momentum density per neuron): with Gaussian amplitude pairs the base network is Gaussian up to the spread of momenta inside each cell');
  } else if (momentumSampling === 'quadrature') {
    notes.push('quadrature momenta (neurons on the nodes of a product rule of the momentum density): with Gaussian amplitude pairs the base network is exactly Gaussian, its covariance the quadrature of the propagator');
  }
  const model = designModel({
    terms,
    couplings,
    kurtosis: amplitudeLaw === 'tuned' ? initialKurtosis(interacting, momentumSampling) : null,
    // The fixed-node samplings need Gaussian amplitude pairs (kurtosis 2) for their exactly Gaussian base.
    holdKurtosis: momentumSampling === 'quadrature' || momentumSampling === 'split',
  });
  // A box-local phi^2 weight is Gaussian: on split nodes with Gaussian amplitude pairs it is drawn into
  // their law instead (an exactly equivalent move; its second-order response dominated the noise).
  const quadraticIndex = terms.findIndex((term) => term.kind === 'local' && term.power === 2);
  const gaussianPairs = amplitudeLaw === 'tuned';
  const drawsBoxMass = momentumSampling === 'split' && gaussianPairs && quadraticIndex >= 0;
  const boxMass = drawsBoxMass && couplings[quadraticIndex] !== 0 ? { side: regionSide, coupling: couplings[quadraticIndex]! } : null;
  let boxMassScale: number | null = null;
  if (drawsBoxMass) {
    const unordered = { ...theory, interactions: theory.interactions.map((term) => (term.kind === 'local' ? { ...term, wickOrdered: false } : term)) };
    const plain = constructionTerms(unordered, tadpolePropagator, wickPropagator);
    const index = plain.terms.findIndex((term) => term.kind === 'local' && term.power === 2);
    boxMassScale = index >= 0 ? plain.couplings[index]! : 0;
  }
  if (boxMass) {
    notes.push(`the box-local phi^2 term (coupling ${boxMass.coupling.toPrecision(4)}) is drawn exactly into the Gaussian law of the fixed nodes; the weight carries only its trained change`);
  }
  return { dimension, mass, cutoff, modeCutoff, regionSide, regionChosen, terms, model, amplitudeLaw, momentumSampling, translations, notes, boxMass, boxMassScale };
}

/** Translations of the point set the estimates average over (exact symmetries of the ensemble). */
function symmetryTranslations(dimension: Dimension, mass: number, interacting: boolean, regionChosen: boolean, notes: string[]): number[][] {
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
  return translations;
}

export function termSpec(term: DesignTerm, coupling: number): DeformationTermSpec {
  return term.kind === 'local'
    ? { kind: 'local', power: term.power, coupling, ...(term.wickOrdered ? { wickOrdered: true, wickPropagatorAtZero: term.wickPropagatorAtZero } : {}) }
    : { kind: 'nonlocal-quartic', coupling, kernel: { kind: 'gaussian', width: term.kernelWidth } };
}

/** The spec a parameter vector of the design model describes at a width (estimate reproduces the design's ensemble). */
export function specFromParameters(
  theory: Theory,
  setup: DesignSetup,
  width: number,
  parameters: readonly number[],
  grid: { panels: number; nodesPerPanel: number } | null,
): NnftSpec {
  const { amplitudeScale, couplings, kurtosis } = readValues(setup.model, parameters);
  const d = setup.dimension;
  const spec: NnftSpec = {
    nnftSpec: 1,
    name: `${theory.name}-design-n${width}`,
    description: `Designed by nnft for target ${theory.name}: ${theory.description}`.trim(),
    dimension: d,
    architecture: {
      kind: 'cos-net',
      width,
      mass: setup.mass,
      momentumCutoff: setup.cutoff,
      alpha: 0,
      amplitude: kurtosis !== null ? { law: 'kurtosis', kurtosis, scale: amplitudeScale } : { law: setup.amplitudeLaw as 'fixed' | 'gaussian', scale: amplitudeScale },
      ...(setup.momentumSampling !== 'independent' ? { momentumSampling: setup.momentumSampling } : {}),
      ...(setup.momentumSampling === 'split' ? { splitMomentum: setup.modeCutoff! } : {}),
      ...(setup.boxMass ? { boxMass: { ...setup.boxMass } } : {}),
    },
    ...(setup.terms.length > 0
      ? {
          deformation: {
            region: { kind: 'box' as const, side: setup.regionSide },
            terms: setup.terms.map((term, index) => termSpec(term, couplings[index]! - (setup.boxMass && term.kind === 'local' && term.power === 2 ? setup.boxMass.coupling : 0))),
            ...(grid ? { grid } : {}),
            ...(setup.modeCutoff !== null ? { modeCutoff: setup.modeCutoff } : {}),
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


