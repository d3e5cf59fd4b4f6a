/**
 * Rules a JSON Schema cannot express, checked on the normalised (not yet frozen) Theory. Every
 * problem is collected, never the first only; each carries the path of the key to change.
 * Errors make the file invalid; warnings are returned beside a valid Theory.
 */
import type { InputIssue } from '../errors.js';
import { indexTuples } from '../io/result.js';
import { analysePotential, formatNumber, methodProblems } from './method-support.js';
import type { DataCorrelatorBlock, LatticeOptions, Theory } from './theory.js';

/** Above this many index tuples at one order, computing and matching gets slow: say so. */
const MANY_TUPLES = 100_000;
/** Most index tuples at one order: their values, errors and tuples are held in memory. */
export const MAX_TUPLES = 10_000_000;
/**
 * Most lattice sites in all: HMC holds several float64 fields of this size (field, momentum, force,
 * Fourier work arrays), about 50 bytes a site, so 2^24 sites is about 1 GB. The lattice setup
 * (src/correlators/lattice-setup.ts) refuses a larger lattice before allocating it.
 */
export const MAX_LATTICE_SITES = 2 ** 24;

const error = (path: string, message: string, hint?: string): InputIssue => ({ path, message, ...(hint ? { hint } : {}), severity: 'error' });
const warning = (path: string, message: string, hint?: string): InputIssue => ({ path, message, ...(hint ? { hint } : {}), severity: 'warning' });

function describePoint(point: readonly number[]): string {
  return `[${point.map(formatNumber).join(', ')}]`;
}

function checkFiniteNumbers(value: unknown, path: string, issues: InputIssue[]): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) issues.push(error(path, 'is not a finite number', 'numbers beyond about ±1.8e308 overflow a double; write a finite value'));
    else if (value !== 0 && Math.abs(value) < 1e-100) issues.push(error(path, `is ${value}, a non-zero number below 1e-100 in magnitude (it underflows in the sums)`, 'write 0, or a number within the range docs/target-format.md gives'));
  } else if (Array.isArray(value)) {
    value.forEach((element, index) => checkFiniteNumbers(element, `${path}[${index}]`, issues));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) checkFiniteNumbers(child, path === '' ? key : `${path}.${key}`, issues);
  }
}

function checkPoints(theory: Theory, issues: InputIssue[]): void {
  const firstSeen = new Map<string, number>();
  theory.points.forEach((point, index) => {
    const path = `observables.points[${index}]`;
    if (point.length !== theory.dimension) {
      issues.push(
        error(
          path,
          `has ${point.length} coordinate${point.length === 1 ? '' : 's'}, but the dimension is ${theory.dimension}`,
          `every point needs exactly ${theory.dimension} coordinate${theory.dimension === 1 ? '' : 's'}, e.g. ${describePoint(new Array(theory.dimension).fill(0))}`,
        ),
      );
      return;
    }
    const key = point.join(',');
    const previous = firstSeen.get(key);
    if (previous !== undefined) {
      issues.push(
        error(
          path,
          `repeats observables.points[${previous}] ${describePoint(point)}`,
          'list each point once; correlators at coincident points come from repeated indices such as [0, 0]',
        ),
      );
    } else {
      firstSeen.set(key, index);
    }
  });
}

function checkCutoff(theory: Theory, issues: InputIssue[]): void {
  if (theory.dimension === 1 || theory.momentumCutoff !== null || theory.lattice) return;
  const interacting = theory.interactions.some((term) => term.coupling !== 0);
  const hint = `set "momentumCutoff" to a number well above the mass, e.g. ${formatNumber(10 * theory.mass)}`;
  issues.push(
    interacting
      ? error('regulator.momentumCutoff', `must be a number in d = ${theory.dimension}: interactions in d >= 2 need a momentum cutoff (their loop integrals diverge without one)`, hint)
      : error(
          'regulator.momentumCutoff',
          `must be a number in d = ${theory.dimension}: without a cutoff the propagator diverges at coincident points, and every correlator includes them (index tuples such as [0, 0])`,
          hint,
        ),
  );
}

function checkInteractions(theory: Theory, issues: InputIssue[]): void {
  const hasMassCounterterm = theory.interactions.some((term) => term.kind === 'local' && term.power === 2 && term.coupling !== 0);
  const growth: Record<number, string> = { 2: 'ln Lambda', 3: 'Lambda', 4: 'Lambda^2' };
  theory.interactions.forEach((term, index) => {
    const path = `action.interactions[${index}]`;
    if (term.coupling === 0) {
      issues.push(warning(`${path}.coupling`, 'is 0, so this term has no effect', 'remove the term, or give it a coupling'));
      return;
    }
    if (term.kind === 'local' && term.power === 2 && term.wickOrdered) {
      issues.push(warning(`${path}.wickOrdered`, 'Wick ordering a power-2 term only adds a constant to the action; it changes no correlator'));
    }
    const quarticOrMore = term.kind === 'nonlocal-quartic' || (term.power >= 4 && term.power % 2 === 0);
    const wickOrdered = term.kind === 'local' && term.wickOrdered;
    // On a lattice the tadpoles are finite at the given spacing: the bare lattice action is a theory.
    if (theory.dimension >= 2 && quarticOrMore && !wickOrdered && !hasMassCounterterm && !theory.lattice) {
      const label = term.kind === 'local' ? `phi^${term.power}` : 'the non-local quartic term';
      issues.push(
        warning(
          path,
          `${label} in d = ${theory.dimension} has neither Wick ordering nor a mass counterterm: its tadpoles (self-contractions, powers of G_Lambda(0)) grow with the cutoff, since G_Lambda(0) grows like ${growth[theory.dimension] ?? 'a power of Lambda'} in d = ${theory.dimension}`,
          term.kind === 'local'
            ? 'set "wickOrdered": true, or add a counterterm { "kind": "local", "power": 2, "coupling": ... }'
            : 'add a counterterm { "kind": "local", "power": 2, "coupling": ... }',
        ),
      );
    }
  });
  const shape = analysePotential(theory);
  const method = theory.targetCorrelators.method;
  if (shape.gaussian && shape.massSquared <= 0 && method !== 'data') {
    issues.push(
      error(
        'action.interactions',
        `the total mass squared m^2 + sum of power-2 couplings = ${formatNumber(shape.massSquared)} is not positive: a Gaussian theory with it does not exist`,
        'make the power-2 couplings sum to more than -m^2',
      ),
    );
  } else if (!shape.boundedBelow && (method === 'auto' || method === 'perturbative')) {
    issues.push(
      warning(
        'action.interactions',
        'the potential is unbounded below, so only perturbation theory (first order, about phi = 0) can give target correlators',
        'make the highest power even with a positive coupling for a non-perturbative theory',
      ),
    );
  }
}

function checkRegion(theory: Theory, issues: InputIssue[]): void {
  const region = theory.interactionRegion;
  if (region === null) return;
  const half = region.side / 2;
  const outside = theory.points
    .map((point, index) => ({ point, index }))
    .filter(({ point }) => point.length === theory.dimension && point.some((coordinate) => Math.abs(coordinate) > half));
  if (outside.length === 0) return;
  const listed = outside
    .slice(0, 3)
    .map(({ point, index }) => `observables.points[${index}] ${describePoint(point)}`)
    .join(', ');
  const reach = Math.max(...theory.points.flatMap((point) => point.map((coordinate) => Math.abs(coordinate))));
  issues.push(
    warning(
      'regulator.interactionRegion.side',
      `the box [${formatNumber(-half)}, ${formatNumber(half)}]^${theory.dimension} does not contain ${listed}${outside.length > 3 ? ` and ${outside.length - 3} more` : ''}; the interaction does not act there`,
      `for the interaction to surround every point, use a side of at least ${formatNumber(2 * reach)} plus a few 1/m`,
    ),
  );
}

function checkTupleCounts(theory: Theory, issues: InputIssue[]): void {
  const count = theory.points.length;
  for (const order of theory.connectedOrders) {
    // Combinations with repetition: C(P + n - 1, n).
    let tuples = 1;
    for (let step = 1; step <= order; step++) tuples = (tuples * (count + step - 1)) / step;
    if (tuples > MAX_TUPLES) {
      issues.push(
        error(
          'observables.points',
          `${count} points give ${tuples.toExponential(2)} index tuples at order ${order}, more than the ${MAX_TUPLES.toExponential(0)} nnft holds in memory`,
          'use fewer points, or drop the highest order from observables.connected',
        ),
      );
    } else if (tuples > MANY_TUPLES) {
      issues.push(
        warning(
          'observables.points',
          `${count} points give ${Math.round(tuples)} index tuples at order ${order}; computing and matching that many correlators is slow`,
          'use fewer points, or drop the highest order',
        ),
      );
    }
  }
}

/**
 * A lattice regulator (regulator.lattice): the lattice is the whole regulator, so a momentum cutoff or
 * an interaction region beside it contradicts it; sites a power of two within the site budget; points
 * on sites of the fundamental cell [-L a/2, L a/2)^d; local terms only (docs/target-format.md).
 */
function checkLatticeRegulator(theory: Theory, issues: InputIssue[]): void {
  const lattice = theory.lattice;
  if (!lattice) return;
  const { spacing, sites } = lattice;
  if (theory.momentumCutoff !== null) {
    issues.push(
      error(
        'regulator.momentumCutoff',
        `is ${formatNumber(theory.momentumCutoff)}, but regulator.lattice already regulates the theory: a lattice of spacing ${formatNumber(spacing)} has the momenta of its Brillouin zone |p_mu| <= pi/a = ${formatNumber(Math.PI / spacing)}, and a second, isotropic cutoff contradicts it`,
        'set "momentumCutoff": null, or remove regulator.lattice for a continuum theory with a cutoff',
      ),
    );
  }
  if (theory.interactionRegion !== null) {
    issues.push(
      error(
        'regulator.interactionRegion',
        'cannot be combined with regulator.lattice: on a lattice the interaction acts on every site of the periodic lattice',
        'remove interactionRegion (choose the number of sites to set the volume)',
      ),
    );
  }
  if ((sites & (sites - 1)) !== 0) {
    issues.push(error('regulator.lattice.sites', `${sites} is not a power of two (lattice Monte Carlo uses fast Fourier transforms)`, `use ${2 ** Math.round(Math.log2(sites))}`));
  } else if (sites ** theory.dimension > MAX_LATTICE_SITES) {
    issues.push(
      error(
        'regulator.lattice.sites',
        `${sites}^${theory.dimension} = ${sites ** theory.dimension} lattice sites is more than the limit of 2^24 = ${MAX_LATTICE_SITES} (about 1 GB of fields)`,
        `use at most ${2 ** Math.floor(24 / theory.dimension)} sites per direction in d = ${theory.dimension}`,
      ),
    );
  }
  const half = (sites * spacing) / 2;
  theory.points.forEach((point, index) => {
    if (point.length !== theory.dimension) return;
    const offSite = point.some((coordinate) => Math.abs(coordinate / spacing - Math.round(coordinate / spacing)) > 1e-9);
    const outside = point.some((coordinate) => Math.round(coordinate / spacing) < -sites / 2 || Math.round(coordinate / spacing) >= sites / 2);
    if (offSite) {
      issues.push(
        error(
          `observables.points[${index}]`,
          `${describePoint(point)} is not a lattice site: a lattice field exists only at integer multiples of the spacing ${formatNumber(spacing)}`,
          `round each coordinate to a multiple of ${formatNumber(spacing)}`,
        ),
      );
    } else if (outside) {
      issues.push(
        error(
          `observables.points[${index}]`,
          `${describePoint(point)} lies outside the lattice's cell [${formatNumber(-half)}, ${formatNumber(half)})^${theory.dimension} (sites × spacing = ${formatNumber(2 * half)})`,
          'write the periodic image inside the cell, or use more sites',
        ),
      );
    }
  });
  theory.interactions.forEach((term, index) => {
    if (term.kind === 'nonlocal-quartic' && term.coupling !== 0) {
      issues.push(error(`action.interactions[${index}]`, 'a non-local quartic term is not available with a lattice regulator (only local terms)', 'remove regulator.lattice, or the term'));
    }
  });
  // The design's networks and deformation are still continuum ones (src/design/design-setup.ts): say so.
  issues.push(
    warning(
      'regulator.lattice',
      'nnft design does not build networks for a lattice target yet: it would design continuum cos-nets; the target correlators (nnft target, methods auto, perturbative, lattice) are those of the lattice theory exactly',
      'use nnft target for this theory\'s correlators; the lattice cos-net (src/architectures/lattice-cos-net.ts) is the network whose G2 is the lattice propagator',
    ),
  );
  if (theory.targetCorrelators.method === 'lattice') {
    const options = theory.targetCorrelators.options as LatticeOptions;
    for (const key of ['spacing', 'sites'] as const) {
      const given = options[key];
      if (given !== undefined && given !== lattice[key]) {
        issues.push(
          error(
            `targetCorrelators.${key}`,
            `is ${formatNumber(given)}, but regulator.lattice.${key} is ${formatNumber(lattice[key])}: Monte Carlo runs on the target's own lattice`,
            `remove targetCorrelators.${key} (the regulator fixes it)`,
          ),
        );
      }
    }
  }
}

function checkLattice(theory: Theory, issues: InputIssue[]): void {
  if (theory.lattice) return; // the regulator's lattice is checked by checkLatticeRegulator
  const options = theory.targetCorrelators.options as LatticeOptions;
  const { spacing, sites } = options;
  if (spacing !== undefined && sites !== undefined) {
    const half = (spacing * sites) / 2;
    theory.points.forEach((point, index) => {
      if (point.length === theory.dimension && point.some((coordinate) => coordinate < -half || coordinate >= half)) {
        issues.push(
          error(
            `observables.points[${index}]`,
            `${describePoint(point)} lies outside the periodic lattice [${formatNumber(-half)}, ${formatNumber(half)})^${theory.dimension} (sites × spacing = ${formatNumber(2 * half)})`,
            'increase targetCorrelators.sites or targetCorrelators.spacing',
          ),
        );
      }
    });
  }
  if (spacing !== undefined) {
    const offGrid = theory.points
      .map((point, index) => ({ point, index }))
      .filter(({ point }) => point.some((coordinate) => Math.abs(coordinate / spacing - Math.round(coordinate / spacing)) > 1e-9));
    if (offGrid.length > 0) {
      issues.push(
        warning(
          'targetCorrelators.spacing',
          `${offGrid.length} point${offGrid.length === 1 ? ' is' : 's are'} not on lattice sites (first: observables.points[${offGrid[0]!.index}] ${describePoint(offGrid[0]!.point)}); lattice correlators are measured at sites`,
          'choose a spacing that divides every coordinate',
        ),
      );
    }
  }
  if (sites !== undefined && (sites & (sites - 1)) !== 0) {
    issues.push(error('targetCorrelators.sites', `${sites} is not a power of two (the lattice uses fast Fourier transforms)`, `use ${2 ** Math.round(Math.log2(sites))}`));
  } else if (sites !== undefined && sites ** theory.dimension > MAX_LATTICE_SITES) {
    issues.push(
      error(
        'targetCorrelators.sites',
        `${sites}^${theory.dimension} = ${sites ** theory.dimension} lattice sites is more than the limit of 2^24 = ${MAX_LATTICE_SITES} (about 1 GB of fields)`,
        `use at most ${2 ** Math.floor(24 / theory.dimension)} sites per direction in d = ${theory.dimension}, or omit the key to let nnft choose`,
      ),
    );
  }
}

/**
 * Data blocks against the target: tuple lengths, index range, matching lengths, non-decreasing and
 * complete tuples for every requested order. `where` prefixes paths (inline: the target's key; a
 * data file: its name, since the problem is in that file).
 */
export function checkCorrelatorBlocks(
  blocks: readonly DataCorrelatorBlock[],
  theory: Theory,
  where: { pathPrefix: string; inFile?: string },
): InputIssue[] {
  const issues: InputIssue[] = [];
  const report = (subPath: string, message: string, hint?: string): void => {
    issues.push(
      where.inFile === undefined
        ? error(`${where.pathPrefix}${subPath}`, message, hint)
        : error(where.pathPrefix, `${where.inFile}: correlators${subPath} ${message}`, hint),
    );
  };
  const pointCount = theory.points.length;
  const seenOrders = new Map<number, number>();
  blocks.forEach((block, blockIndex) => {
    const base = `[${blockIndex}]`;
    const previous = seenOrders.get(block.order);
    if (previous !== undefined) {
      report(`${base}.order`, `repeats order ${block.order} of block [${previous}]`, 'give each order one block');
      return;
    }
    seenOrders.set(block.order, blockIndex);
    const tupleCount = block.indices.length;
    if (block.values.length !== tupleCount) {
      report(`${base}.values`, `has ${block.values.length} values for ${tupleCount} index tuples`, 'give one value per tuple in indices');
    }
    if (block.stderr.length !== tupleCount) {
      report(`${base}.stderr`, `has ${block.stderr.length} errors for ${tupleCount} index tuples`, 'give one standard error per tuple (0 for exact values)');
    }
    if (block.order === 2) {
      // G2(x, x) = <phi(x)^2> is a variance: zero or below is a slip, and the design divides by it.
      block.indices.forEach((tuple, tupleIndex) => {
        const value = block.values[tupleIndex];
        if (tuple.length === 2 && tuple[0] === tuple[1] && typeof value === 'number' && !(value > 0)) {
          report(`${base}.values[${tupleIndex}]`, `is ${value}, but G2 at coincident points [${tuple.join(', ')}] (<phi(x)^2>) must be > 0`, 'check the sign and the column: a two-point function at coincident points is a variance');
        }
      });
    }
    const seenTuples = new Set<string>();
    let tupleProblems = 0;
    block.indices.forEach((tuple, tupleIndex) => {
      if (tupleProblems >= 3) return;
      const path = `${base}.indices[${tupleIndex}]`;
      if (tuple.length !== block.order) {
        tupleProblems++;
        report(path, `has ${tuple.length} indices, but the block's order is ${block.order}`);
      } else if (tuple.some((index) => index >= pointCount)) {
        tupleProblems++;
        report(path, `refers to a point index ≥ ${pointCount}; the target has ${pointCount} points (indices 0..${pointCount - 1})`);
      } else if (tuple.some((index, position) => position > 0 && index < tuple[position - 1]!)) {
        tupleProblems++;
        report(path, `[${tuple.join(', ')}] is not non-decreasing`, `write it sorted: [${[...tuple].sort((left, right) => left - right).join(', ')}]`);
      } else if (seenTuples.has(tuple.join(','))) {
        tupleProblems++;
        report(path, `[${tuple.join(', ')}] appears twice`);
      }
      seenTuples.add(tuple.join(','));
    });
    if (tupleProblems === 0 && theory.connectedOrders.includes(block.order)) {
      const missing = indexTuples(pointCount, block.order).filter((tuple) => !seenTuples.has(tuple.join(',')));
      if (missing.length > 0) {
        report(
          `${base}.indices`,
          `misses ${missing.length} of the ${missing.length + seenTuples.size} index tuples of order ${block.order} (first missing: [${missing[0]!.join(', ')}])`,
          'list every non-decreasing tuple of point indices',
        );
      }
    }
  });
  for (const order of theory.connectedOrders) {
    if (!seenOrders.has(order)) {
      report('', `has no block of order ${order}, which observables.connected asks for`, `add a block with "order": ${order}, or drop ${order} from observables.connected`);
    }
  }
  return issues;
}

function checkData(theory: Theory, issues: InputIssue[]): void {
  const options = theory.targetCorrelators.options as { file?: string; correlators: readonly DataCorrelatorBlock[] };
  const inline = options.correlators.length > 0;
  if (options.file !== undefined && inline) {
    issues.push(error('targetCorrelators', 'has both "file" and "correlators"', 'keep one: the correlators either live in the target file or in a separate file'));
  } else if (options.file === undefined && !inline) {
    issues.push(
      error(
        'targetCorrelators',
        'method "data" needs the correlators: give "file" (a path relative to the target file) or "correlators" (inline blocks)',
        'e.g. "targetCorrelators": { "method": "data", "file": "my-correlators.json" }',
      ),
    );
  } else if (inline) {
    issues.push(...checkCorrelatorBlocks(options.correlators, theory, { pathPrefix: 'targetCorrelators.correlators' }));
  }
}

/** Point a problem with one connected order at that entry of observables.connected as written. */
function pathOfOrder(path: string, order: number | undefined, document: unknown): string {
  if (order === undefined || path !== 'observables.connected') return path;
  const written = (document as { observables?: { connected?: unknown[] } }).observables?.connected ?? [];
  const index = written.indexOf(order);
  return index < 0 ? path : `${path}[${index}]`;
}

export function checkSemantics(theory: Theory, document: unknown): InputIssue[] {
  const issues: InputIssue[] = [];
  checkFiniteNumbers(document, '', issues);
  checkPoints(theory, issues);
  checkCutoff(theory, issues);
  checkInteractions(theory, issues);
  if (!theory.lattice) checkRegion(theory, issues);
  checkLatticeRegulator(theory, issues);
  checkTupleCounts(theory, issues);
  const method = theory.targetCorrelators.method;
  if (method === 'lattice') checkLattice(theory, issues);
  if (method === 'data') checkData(theory, issues);
  // A Gaussian theory with a non-positive mass squared was reported above; the methods' own
  // stability complaints about it would say the same thing again.
  const reportedInstability = issues.some((issue) => issue.path === 'action.interactions' && issue.severity === 'error');
  for (const problem of methodProblems(theory, method)) {
    if (reportedInstability && (problem.path === 'action.interactions' || method === 'auto')) continue;
    issues.push(error(pathOfOrder(problem.path, problem.order, document), problem.message, problem.hint));
  }
  return issues;
}
