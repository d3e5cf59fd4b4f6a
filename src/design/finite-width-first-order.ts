/**
 * First order in the couplings of the network ensemble at width N (docs/correlators.md, "First order
 * at finite width"): the analytic cos-net construction that nnft design starts from, at width N, with
 * the target's interaction as the weight exp(-S_int). This differs from the first-order perturbation
 * theory of the target (perturbative.ts), which is the same expansion at infinite width.
 *
 * The ensemble. It uses design/design-setup.ts with the tuned amplitude law at its initial kurtosis 2,
 * so the amplitude pairs are Gaussian. The momenta are on quadrature nodes (any d with a momentum
 * cutoff) or split (d = 1 without one: fixed nodes below the deformation's mode cutoff, stratified
 * cells above it). In both cases the field the weight sees is exactly Gaussian, with one covariance
 * K_N for every network. The box-local phi^2 term that nnft design draws into the nodes' law (box
 * mass) stays in the weight here. The two ensembles are exactly equal, and this one has a base that
 * does not depend on the couplings, so "first order" means what it says.
 *
 * The expansion. With h = log w = -S_int (linear in the couplings), the tilted moments to first order
 * are m_j = E_0[O_j] + Cov_0(h, O_j). The covariance is exact: Stein's lemma for the Gaussian field the
 * weight sees, and exact finite-width moments of the whole base field (estimators/linear-response.ts,
 * design/exact-correlators.ts). A joint cumulant is a polynomial in the moments,
 * kappa = sum_terms c prod_B m_B (numeric/cumulants.ts). Its first order is therefore the exact
 * directional derivative
 *   kappa_1 = sum_terms c sum_B Cov_0(h, O_B) prod_{B' != B} E_0[O_B'],
 * and kappa_0 is the undeformed network's own connected function (its 1/N part included). Both are
 * exact for the ensemble as nnft samples it. That includes its interaction grid, which defines the
 * weight. There is no statistical or truncation error, only float64 rounding.
 */
import { NnftError } from '../errors.js';
import { RESULT_VERSION, indexTuples, type CorrelatorBlock, type CorrelatorResult } from '../io/result.js';
import type { Theory } from '../theory/theory.js';
import { designSetup, specFromParameters } from './design-setup.js';
import { initialValues } from './design-model.js';
import { constructionFirstOrder } from './construction-first-order.js';
import { exactMonomialMoments } from './exact-correlators.js';
import { architectureFromSpec, deformationFromSpec } from '../spec/build-ensemble.js';
import { monomialTable } from '../estimators/monomials.js';
import { cumulantDerivativeAlong, cumulantRecipe, evaluateCumulant } from '../numeric/cumulants.js';
import { linearResponse } from '../estimators/linear-response.js';
import type { NnftSpec } from '../spec/spec.js';

/** How the construction's neurons draw momenta: the two layouts whose weighted field is exactly Gaussian. */
export type FiniteWidthMomenta = 'auto' | 'quadrature' | 'split';

export interface FiniteWidthFirstOrderOptions {
  /** Width N of the network. */
  readonly width: number;
  /** auto: split in d = 1 without a momentum cutoff, quadrature otherwise. */
  readonly momenta?: FiniteWidthMomenta;
}

export interface FiniteWidthFirstOrder {
  /** kappa_0 + kappa_1 per order (errors 0: exact for the ensemble). */
  readonly correlators: CorrelatorBlock[];
  /** kappa_0: the undeformed width-N network (its 1/N connected functions included). */
  readonly zerothOrder: CorrelatorBlock[];
  /** kappa_1: the exact O(g) term at width N. */
  readonly firstOrder: CorrelatorBlock[];
  /** The same construction's zeroth + first order at infinite width (design/construction-first-order.ts). */
  readonly infiniteWidth: CorrelatorBlock[];
  readonly width: number;
  readonly momentumSampling: 'quadrature' | 'split';
  /** The construction as a network spec (the architecture and the weight whose first order this is). */
  readonly spec: NnftSpec;
  readonly notes: string[];
}

/** Resolve auto and refuse the layouts whose weighted field is not exactly Gaussian. */
function resolveMomenta(theory: Theory, choice: FiniteWidthMomenta): 'quadrature' | 'split' {
  const cutoff = theory.momentumCutoff;
  if (choice === 'auto') return cutoff === null ? 'split' : 'quadrature';
  if (choice === 'quadrature' && cutoff === null) {
    throw new NnftError('E_USAGE', 'quadrature momenta need a momentum cutoff, and this target has none', { hint: 'use --momenta split (d = 1) or auto' });
  }
  if (choice === 'split' && (cutoff !== null || theory.dimension !== 1)) {
    throw new NnftError('E_USAGE', `split momenta exist for d = 1 targets without a momentum cutoff (this one: d = ${theory.dimension}, cutoff ${cutoff})`, { hint: 'use --momenta quadrature or auto' });
  }
  return choice;
}

/** Zeroth and first order in the couplings of the width-N construction of `theory`, at its points. */
export function finiteWidthFirstOrder(theory: Theory, options: FiniteWidthFirstOrderOptions): FiniteWidthFirstOrder {
  const width = options.width;
  if (!Number.isInteger(width) || width < 1) throw new NnftError('E_USAGE', `the width must be a whole number >= 1, got ${width}`);
  if (theory.interactions.length === 0) {
    throw new NnftError('E_USAGE', 'a free target has no first order in the couplings', { hint: 'use --method free, or nnft estimate on a free spec for the finite-width free network' });
  }
  if (theory.dimension > 3) throw new NnftError('E_UNSUPPORTED', `the finite-width construction has quadrature momenta in d = 1..3, not d = ${theory.dimension}`);
  const momentumSampling = resolveMomenta(theory, options.momenta ?? 'auto');
  const setup = designSetup(theory, { amplitudeLaw: 'tuned', momenta: momentumSampling });
  // The box mass goes back into the weight, so that the base does not depend on the couplings.
  const linearSetup = { ...setup, boxMass: null };
  const base = specFromParameters(theory, linearSetup, width, initialValues(setup.model), null);
  const spec: NnftSpec = { ...base, name: `${theory.name}-first-order-n${width}`, description: `First order in the couplings of nnft's analytic construction for ${theory.name} at width ${width}` };
  const architecture = architectureFromSpec(spec);
  const deformation = deformationFromSpec(spec, architecture);
  const modes = architecture.gaussianModes ?? null;
  const logWeight = deformation?.localLogWeight() ?? null;
  if (!modes || !deformation || !logWeight) {
    throw new NnftError('E_INTERNAL', `the ${momentumSampling} construction at width ${width} has no exactly Gaussian weighted field`);
  }
  const points = theory.points;
  const orders = [...theory.connectedOrders].sort((a, b) => a - b);
  const table = monomialTable(points.length, Math.max(...orders));
  const moments = exactMonomialMoments(architecture, points, table);
  const response = linearResponse(modes, logWeight, table, points, moments);
  if (!response) {
    throw new NnftError('E_UNSUPPORTED', `the exact linear response at width ${width} is beyond its work budget (interaction grid x modes) or the weight sees neurons outside the Gaussian modes`, {
      hint: 'use a smaller width or region',
    });
  }
  const evenOnly = architecture.z2Symmetric && deformation.evenInPhi;
  const zerothOrder: CorrelatorBlock[] = [];
  const firstOrder: CorrelatorBlock[] = [];
  const correlators: CorrelatorBlock[] = [];
  for (const order of orders) {
    const indices = indexTuples(points.length, order);
    const recipes = indices.map((tuple) => cumulantRecipe(tuple, (sub) => table.indexOf(sub), evenOnly));
    const zeroth = recipes.map((recipe) => evaluateCumulant(recipe, moments));
    const first = recipes.map((recipe) => cumulantDerivativeAlong(recipe, moments, response.covariance));
    const zeros = indices.map(() => 0);
    zerothOrder.push({ order, indices, values: zeroth, stderr: [...zeros] });
    firstOrder.push({ order, indices, values: first, stderr: [...zeros] });
    correlators.push({ order, indices, values: zeroth.map((value, i) => value + first[i]!), stderr: [...zeros] });
  }
  const infiniteWidth = constructionFirstOrder(spec);
  return { correlators, zerothOrder, firstOrder, infiniteWidth, width, momentumSampling, spec, notes: [...setup.notes.filter((note) => !note.startsWith('validation') && !note.startsWith('estimates average'))] };
}

/** The result contract (docs/correlators.md, "Result") for `nnft target --method perturbative --width N`. */
export function finiteWidthFirstOrderResult(theory: Theory, options: FiniteWidthFirstOrderOptions): CorrelatorResult {
  const started = performance.now();
  const computed = finiteWidthFirstOrder(theory, options);
  const architecture = computed.spec.architecture;
  const layout = computed.momentumSampling === 'quadrature' ? 'quadrature momenta (fixed nodes of the propagator density)' : `split momenta (fixed nodes below ${architecture.kind === 'cos-net' ? architecture.splitMomentum : '?'}, stratified cells above)`;
  return {
    nnftResult: RESULT_VERSION,
    kind: 'target-correlators',
    points: theory.points.map((point) => [...point]),
    correlators: computed.correlators,
    method: 'perturbative',
    requestedMethod: 'perturbative',
    methodReason:
      `first order at width ${computed.width}: zeroth + first order in the couplings of nnft's analytic construction at width ${computed.width} ` +
      `(alpha = 0 cos-net, ${layout}, Gaussian amplitude pairs; the target's interaction as the weight exp(-S_int)), exact for that ensemble`,
    theory: { name: theory.name, file: theory.source.file, sha256: theory.source.sha256 },
    backend: 'host float64 (deterministic)',
    firstOrderAtWidth: {
      width: computed.width,
      momentumSampling: computed.momentumSampling,
      architecture,
      deformation: computed.spec.deformation ?? null,
      zerothOrder: computed.zerothOrder,
      firstOrder: computed.firstOrder,
      infiniteWidth: computed.infiniteWidth,
    },
    caveats: [
      'terms of second and higher order in the couplings are not computed',
      `this is the width-${computed.width} network ensemble, not the target's infinite-width perturbation theory (firstOrderAtWidth.infiniteWidth holds the same construction at infinite width; --method perturbative without --width gives the target's)`,
      ...computed.notes,
    ],
    errorMeaning: 'exact for the width-N ensemble (its interaction grid included): the errors are 0, up to float64 rounding',
    timing: { seconds: (performance.now() - started) / 1000 },
  };
}
