/**
 * What one lattice configuration measures: the products of phi at the target's points for every
 * multiset of points up to the highest order (the moment catalogue), averaged over symmetry images
 * (lattice translations when the interaction fills space, signed axis permutations of the centred
 * box when it is confined to it). Off-site points read a Fourier-shifted field (exact for
 * band-limited fields).
 */
import { fftNd } from '../numeric/fft.js';
import { indexTuples } from '../io/result.js';
import type { Theory } from '../theory/theory.js';
import { modeMomentum, type LatticeSetup } from './lattice-setup.js';

/** Where each point of each image reads the field: one of the shifted fields (by offset) at a site. */
export interface LatticeReads {
  offsets: number[][];
  images: { field: number; site: number[] }[][];
  translations: number[][];
}

/** Every multiset of point indices up to the highest order, each with the index of its prefix. */
export interface MomentCatalogue {
  tuples: number[][];
  prefix: Int32Array;
  last: Int32Array;
  index: Map<string, number>;
}

/** The field translated by a continuum offset (exact for band-limited fields): f(x + offset) at the sites. */
function shiftedField(setup: LatticeSetup, field: Float64Array, offset: readonly number[]): Float64Array {
  const { sites, spacing, dimension } = setup;
  const re = field.slice();
  const im = new Float64Array(field.length);
  fftNd(re, im, sites, dimension);
  for (let flat = 0; flat < re.length; flat++) {
    let remainder = flat;
    let phase = 0;
    for (let axis = dimension - 1; axis >= 0; axis--) {
      const index = remainder % sites;
      remainder = Math.floor(remainder / sites);
      phase += modeMomentum(index, sites, spacing) * offset[axis]!;
    }
    const c = Math.cos(phase);
    const s = Math.sin(phase);
    const r = re[flat]!;
    const i = im[flat]!;
    re[flat] = r * c - i * s;
    im[flat] = r * s + i * c;
  }
  fftNd(re, im, sites, dimension, true);
  return re;
}

export function buildReads(setup: LatticeSetup, theory: Theory, maxImages: number): LatticeReads {
  const { dimension, sites, spacing } = setup;
  // Symmetries of the centred box (and of the lattice): signed permutations of the axes. With the
  // interaction on all of space, translations (below) are the images instead.
  const transforms: { sign: number[]; permutation: number[] }[] = [];
  const permutations: number[][] = [];
  const permute = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) permutations.push(prefix);
    rest.forEach((axis, i) => permute([...prefix, axis], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  permute([], Array.from({ length: dimension }, (_, axis) => axis));
  for (const permutation of theory.interactionRegion ? permutations : [permutations[0]!]) {
    for (let mask = 0; mask < (theory.interactionRegion ? 2 ** dimension : 1); mask++) {
      transforms.push({ permutation, sign: Array.from({ length: dimension }, (_, axis) => ((mask >> axis) & 1 ? -1 : 1)) });
    }
  }
  const offsets: number[][] = [];
  const offsetKey = new Map<string, number>();
  const images: { field: number; site: number[] }[][] = [];
  // Off-site points need one Fourier shift per distinct offset: stop adding images past 16 of them.
  const maxOffsets = 16;
  for (const { sign, permutation } of transforms) {
    if (images.length >= maxImages) break;
    const pending = new Map(offsetKey);
    const pendingOffsets = offsets.slice();
    const reads = theory.points.map((point) => {
      const site: number[] = [];
      const offset: number[] = [];
      for (let axis = 0; axis < dimension; axis++) {
        const coordinate = sign[axis]! * point[permutation[axis]!]!;
        const nearest = Math.round(coordinate / spacing);
        site.push(((nearest % sites) + sites) % sites);
        offset.push(setup.regulator === 'sharp-cutoff' ? coordinate - nearest * spacing : 0);
      }
      const key = offset.map((value) => (Math.abs(value) < 1e-12 ? 0 : value).toFixed(12)).join(',');
      let field = pending.get(key);
      if (field === undefined) {
        field = pendingOffsets.length;
        pending.set(key, field);
        pendingOffsets.push(offset);
      }
      return { field, site };
    });
    if (pendingOffsets.length > maxOffsets && images.length > 0) continue;
    images.push(reads);
    for (const [key, field] of pending) offsetKey.set(key, field);
    offsets.length = 0;
    offsets.push(...pendingOffsets);
  }
  const translations: number[][] = [];
  if (theory.interactionRegion) translations.push(new Array(dimension).fill(0));
  else {
    // A regular sub-lattice of translations, at most maxImages of them.
    let stride = 1;
    while ((sites / stride) ** dimension > maxImages) stride *= 2;
    const perAxis = sites / stride;
    for (let flat = 0; flat < perAxis ** dimension; flat++) {
      let remainder = flat;
      const shift: number[] = new Array(dimension).fill(0);
      for (let axis = dimension - 1; axis >= 0; axis--) {
        shift[axis] = (remainder % perAxis) * stride;
        remainder = Math.floor(remainder / perAxis);
      }
      translations.push(shift);
    }
  }
  return { offsets, images, translations };
}

/** All multisets of point indices of sizes 1..maxOrder, with the index of each one's prefix. */
export function momentCatalogue(pointCount: number, maxOrder: number): MomentCatalogue {
  const tuples: number[][] = [];
  const index = new Map<string, number>();
  for (let order = 1; order <= maxOrder; order++) {
    for (const tuple of indexTuples(pointCount, order)) {
      index.set(tuple.join(','), tuples.length);
      tuples.push(tuple);
    }
  }
  const prefix = new Int32Array(tuples.length);
  const last = new Int32Array(tuples.length);
  tuples.forEach((tuple, t) => {
    prefix[t] = tuple.length === 1 ? -1 : index.get(tuple.slice(0, -1).join(','))!;
    last[t] = tuple[tuple.length - 1]!;
  });
  return { tuples, prefix, last, index };
}

/** Image-averaged products of phi at the points for every multiset up to the highest order. */
export function measure(
  setup: LatticeSetup,
  field: Float64Array,
  reads: LatticeReads,
  catalogue: MomentCatalogue,
): Float64Array {
  const { sites, dimension } = setup;
  const fields = reads.offsets.map((offset) => (offset.every((value) => value === 0) ? field : shiftedField(setup, field, offset)));
  const moments = new Float64Array(catalogue.tuples.length);
  const products = new Float64Array(catalogue.tuples.length);
  const values = new Float64Array(reads.images[0]!.length);
  for (const image of reads.images) {
    for (const shift of reads.translations) {
      image.forEach((read, point) => {
        let flat = 0;
        for (let axis = 0; axis < dimension; axis++) flat = flat * sites + ((read.site[axis]! + shift[axis]!) % sites);
        values[point] = fields[read.field]![flat]!;
      });
      for (let t = 0; t < products.length; t++) {
        const prefix = catalogue.prefix[t]!;
        products[t] = (prefix < 0 ? 1 : products[prefix]!) * values[catalogue.last[t]!]!;
        moments[t] = moments[t]! + products[t]!;
      }
    }
  }
  const count = reads.images.length * reads.translations.length;
  for (let t = 0; t < moments.length; t++) moments[t] = moments[t]! / count;
  return moments;
}
