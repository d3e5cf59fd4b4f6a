/**
 * The lattice spec format (docs/ensemble.md, "Lattice momenta" and "Deformations on a lattice"):
 * momentumSampling "lattice" builds the lattice cos-net, deformation.region "lattice" sums over every
 * site of its periodic lattice with the weight a^d, and every misuse is refused naming its JSON path.
 * Oracles: the site set and weights written out by hand; the log-weight recomputed in float64 on the
 * host from the float64 forward pass at the sites, Wick-ordered with the FFT lattice G(0).
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/backend/index.js';
import { gridPoints } from '../../src/architectures/product-grid.js';
import { latticePropagatorTable } from '../../src/correlators/lattice-regulator.js';
import { latticeGrid } from '../../src/densities/interaction-grid.js';
import { NnftError } from '../../src/errors.js';
import { parseSpec } from '../../src/spec/load-spec.js';
import { architectureFromSpec, deformationFromSpec } from '../../src/spec/build-ensemble.js';

const lattice = { spacing: 0.5, sites: 16 };

function spec(overrides: { architecture?: Record<string, unknown>; deformation?: Record<string, unknown> | null; points?: number[][]; translations?: number[][]; dimension?: number } = {}): Record<string, unknown> {
  return {
    nnftSpec: 1,
    name: 'lattice',
    dimension: overrides.dimension ?? 1,
    architecture: { kind: 'cos-net', width: 6, mass: 1, momentumCutoff: null, momentumSampling: 'lattice', lattice, ...overrides.architecture },
    ...(overrides.deformation === null ? {} : { deformation: overrides.deformation ?? { region: { kind: 'lattice' }, terms: [{ kind: 'local', power: 4, coupling: 0.7, wickOrdered: true }] } }),
    observables: { points: overrides.points ?? [[0], [1.5]], connected: [2, 4] },
    ...(overrides.translations ? { estimation: { translations: overrides.translations } } : {}),
  };
}

function issuesOf(value: unknown): { code: string; issues: string[] } {
  try {
    parseSpec(value);
  } catch (error) {
    if (error instanceof NnftError) return { code: error.code, issues: error.issues.map((issue) => `${issue.path}: ${issue.message}`) };
    throw error;
  }
  throw new Error('expected the spec to be refused');
}

describe('lattice interaction grid', () => {
  it.each([
    { dimension: 1, spacing: 0.5, sites: 16 },
    { dimension: 1, spacing: 0.25, sites: 8 },
    { dimension: 2, spacing: 0.5, sites: 8 },
    { dimension: 3, spacing: 1, sites: 4 },
  ])('is every site of the cell [-L a/2, L a/2)^d once, each with weight a^d (d = $dimension, L = $sites)', ({ dimension, spacing, sites }) => {
    const grid = latticeGrid(dimension, { spacing, sites });
    const expected = new Set<string>();
    for (let flat = 0; flat < sites ** dimension; flat++) {
      const site: number[] = [];
      let rest = flat;
      for (let mu = 0; mu < dimension; mu++) {
        site.push((-sites / 2 + (rest % sites)) * spacing);
        rest = Math.floor(rest / sites);
      }
      expected.add(site.join(','));
    }
    const got = gridPoints(grid).map((point) => point.join(','));
    expect(got.length).toBe(sites ** dimension);
    expect(new Set(got)).toEqual(expected);
    for (const weight of grid.weights) expect(weight).toBe(spacing ** dimension);
  });
});

describe('lattice spec', () => {
  it('builds the lattice cos-net and a site-sum deformation whose log-weight is -(g/4!) a sum_x :phi^4: with the lattice G(0)', () => {
    const parsed = parseSpec(spec());
    const architecture = architectureFromSpec(parsed);
    expect(architecture.kind).toBe('lattice-cos-net');
    const deformation = deformationFromSpec(parsed, architecture)!;
    const g0 = latticePropagatorTable(1, 1, lattice)[0]!;
    const term = (deformation.description.terms as { wickPropagatorAtZero: number }[])[0]!;
    expect(Math.abs(term.wickPropagatorAtZero - g0)).toBeLessThan(1e-14);
    // the slip this guards against: the continuum G(0) = 1/(2m) is 3% away
    expect(Math.abs(0.5 - g0) / g0).toBeGreaterThan(0.02);
    const chunk = architecture.sample(17, 64);
    const sites = Array.from({ length: 16 }, (_, n) => [(n - 8) * 0.5]);
    const phi = architecture.referenceAtPoints(chunk, sites);
    const tensor = tf.tidy(() => deformation.logWeights(architecture, chunk));
    const device = tensor.dataSync();
    tensor.dispose();
    for (let network = 0; network < 64; network++) {
      let sum = 0;
      for (let site = 0; site < 16; site++) {
        const value = phi[network * 16 + site]!;
        sum += value ** 4 - 6 * g0 * value ** 2 + 3 * g0 * g0;
      }
      const host = -(0.7 / 24) * 0.5 * sum;
      expect(Math.abs(device[network]! - host)).toBeLessThan(2e-5 * (1 + Math.abs(host)));
    }
  });

  it('refuses misuse naming the JSON path', () => {
    expect(issuesOf(spec({ architecture: { lattice: undefined } })).issues.join('\n')).toMatch(/^architecture\.lattice: is required with momentumSampling "lattice"/m);
    expect(issuesOf(spec({ architecture: { momentumCutoff: 4 } })).issues.join('\n')).toMatch(/^architecture\.momentumCutoff: is 4, but lattice momenta lie on the Brillouin zone/m);
    expect(issuesOf(spec({ architecture: { alpha: 1 } })).issues.join('\n')).toMatch(/^architecture\.alpha: /m);
    expect(issuesOf(spec({ architecture: { lattice: { spacing: 0.5, sites: 12 } } })).issues.join('\n')).toMatch(/^architecture\.lattice\.sites: 12 is not a power of two/m);
    expect(issuesOf(spec({ points: [[0], [0.3]] })).issues.join('\n')).toMatch(/^observables\.points\[1\]: \[0\.3\] is not a lattice site/m);
    expect(issuesOf(spec({ translations: [[0.25]] })).issues.join('\n')).toMatch(/^estimation\.translations\[0\]: \[0\.25\] is not a lattice vector/m);
    expect(issuesOf(spec({ deformation: { region: { kind: 'box', side: 8 }, terms: [{ kind: 'local', power: 4, coupling: 1 }] } })).issues.join('\n')).toMatch(/^deformation\.region: is a box, but the lattice cos-net/m);
    expect(issuesOf(spec({ deformation: { region: { kind: 'lattice' }, modeCutoff: 5, terms: [{ kind: 'local', power: 4, coupling: 1 }] } })).issues.join('\n')).toMatch(/^deformation\.modeCutoff: is not used with a lattice region/m);
    const continuum = spec({ architecture: { momentumSampling: undefined, lattice: undefined, momentumCutoff: 5 } });
    expect(issuesOf(continuum).issues.join('\n')).toMatch(/^deformation\.region: is "lattice", which sums over the sites/m);
    expect(issuesOf(spec({ architecture: { momentumSampling: 'independent', momentumCutoff: 5 }, deformation: null })).issues.join('\n')).toMatch(/^architecture\.lattice: is only used with momentumSampling "lattice"/m);
    const schema = issuesOf(spec({ deformation: { region: { kind: 'lattice', side: 8 }, terms: [{ kind: 'local', power: 4, coupling: 1 }] } }));
    expect(schema.code).toBe('E_SCHEMA');
    expect(schema.issues.join('\n')).toMatch(/deformation\.region/);
    // a d = 2 lattice needs no momentum cutoff (the Brillouin zone is the regulator)
    expect(() => parseSpec(spec({ dimension: 2, points: [[0, 0], [0.5, 1]] }))).not.toThrow();
  });
});
