/**
 * Radix-2 complex FFT on d-dimensional periodic arrays of N^d entries (N a power of two), applied
 * axis by axis in place on separate real and imaginary Float64Arrays (row-major, last axis fastest).
 * Forward: c_k = sum_x f_x e^{-2 pi i k.x / N}; inverse includes the 1/N^d factor.
 */

const twiddleCache = new Map<number, { cos: Float64Array; sin: Float64Array; reversal: Uint32Array }>();

function tables(size: number) {
  let cached = twiddleCache.get(size);
  if (cached) return cached;
  const cos = new Float64Array(size / 2);
  const sin = new Float64Array(size / 2);
  for (let k = 0; k < size / 2; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / size);
    sin[k] = Math.sin((2 * Math.PI * k) / size);
  }
  const bits = Math.round(Math.log2(size));
  const reversal = new Uint32Array(size);
  for (let i = 0; i < size; i++) {
    let reversed = 0;
    for (let b = 0; b < bits; b++) reversed |= ((i >> b) & 1) << (bits - 1 - b);
    reversal[i] = reversed;
  }
  cached = { cos, sin, reversal };
  twiddleCache.set(size, cached);
  return cached;
}

export function isPowerOfTwo(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && (value & (value - 1)) === 0;
}

/** One 1-d transform of `size` entries starting at `offset` with `stride`, using scratch buffers. */
function transformLine(re: Float64Array, im: Float64Array, offset: number, stride: number, size: number, inverse: boolean, scratchRe: Float64Array, scratchIm: Float64Array): void {
  const { cos, sin, reversal } = tables(size);
  for (let i = 0; i < size; i++) {
    const j = reversal[i]!;
    scratchRe[j] = re[offset + i * stride]!;
    scratchIm[j] = im[offset + i * stride]!;
  }
  const sign = inverse ? 1 : -1;
  for (let length = 2; length <= size; length *= 2) {
    const half = length / 2;
    const step = size / length;
    for (let start = 0; start < size; start += length) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step]!;
        const wi = sign * sin[k * step]!;
        const a = start + k;
        const b = a + half;
        const br = scratchRe[b]! * wr - scratchIm[b]! * wi;
        const bi = scratchRe[b]! * wi + scratchIm[b]! * wr;
        scratchRe[b] = scratchRe[a]! - br;
        scratchIm[b] = scratchIm[a]! - bi;
        scratchRe[a] = scratchRe[a]! + br;
        scratchIm[a] = scratchIm[a]! + bi;
      }
    }
  }
  for (let i = 0; i < size; i++) {
    re[offset + i * stride] = scratchRe[i]!;
    im[offset + i * stride] = scratchIm[i]!;
  }
}

/** In-place d-dimensional FFT of an N^d array. */
export function fftNd(re: Float64Array, im: Float64Array, size: number, dimension: number, inverse = false): void {
  if (!isPowerOfTwo(size)) throw new RangeError(`FFT size must be a power of two, got ${size}`);
  const total = size ** dimension;
  if (re.length !== total || im.length !== total) throw new RangeError(`FFT arrays must have ${total} entries`);
  const scratchRe = new Float64Array(size);
  const scratchIm = new Float64Array(size);
  for (let axis = 0; axis < dimension; axis++) {
    const stride = size ** (dimension - 1 - axis);
    for (let base = 0; base < total; base++) {
      // Visit each line once: its first element has index 0 along this axis.
      if (Math.floor(base / stride) % size !== 0) continue;
      transformLine(re, im, base, stride, size, inverse, scratchRe, scratchIm);
    }
  }
  if (inverse) {
    const scale = 1 / total;
    for (let i = 0; i < total; i++) {
      re[i] = re[i]! * scale;
      im[i] = im[i]! * scale;
    }
  }
}
