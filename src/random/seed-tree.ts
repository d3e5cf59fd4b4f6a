/**
 * The seed tree: every random draw in nnft derives its seed from (root seed, stream name, counter).
 * Streams name what the randomness is for ("ensemble/momenta", "hmc/momenta", ...), counters number
 * the draws within a stream (chunk index, step index). The result is never 0, because tfjs treats a
 * seed of 0 as "unseeded", and fits in 31 bits so every consumer (tfjs, our own generators) accepts it.
 */

const MASK32 = 0xffffffff;

/** 32-bit avalanche mix (murmur3 finaliser). */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units of a string, then mixed. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** Combine two 32-bit words order-sensitively. */
function combine(a: number, b: number): number {
  return mix32((a ^ (b + 0x9e3779b9 + ((a << 6) & MASK32) + (a >>> 2))) >>> 0);
}

/**
 * Derive the seed of one draw. Deterministic, platform-independent, and different for different
 * (root, stream, counter) triples with overwhelming probability. Returns an integer in [1, 2^31 - 1].
 */
export function deriveSeed(rootSeed: number, stream: string, counter = 0): number {
  if (!Number.isSafeInteger(rootSeed) || rootSeed < 0) {
    throw new RangeError(`root seed must be a non-negative safe integer, got ${rootSeed}`);
  }
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new RangeError(`seed counter must be a non-negative safe integer, got ${counter}`);
  }
  const rootLow = rootSeed >>> 0;
  const rootHigh = Math.floor(rootSeed / 2 ** 32) >>> 0;
  const counterLow = counter >>> 0;
  const counterHigh = Math.floor(counter / 2 ** 32) >>> 0;
  let h = combine(mix32(rootLow), rootHigh);
  h = combine(h, hashString(stream));
  h = combine(h, counterLow);
  h = combine(h, counterHigh);
  const seed = h & 0x7fffffff;
  return seed === 0 ? 1 : seed;
}

/** A named position in the seed tree, so callers can hand out sub-streams without string plumbing. */
export interface SeedStream {
  readonly rootSeed: number;
  readonly stream: string;
  seed(counter: number): number;
  child(name: string): SeedStream;
}

export function seedStream(rootSeed: number, stream: string): SeedStream {
  return {
    rootSeed,
    stream,
    seed: (counter: number) => deriveSeed(rootSeed, stream, counter),
    child: (name: string) => seedStream(rootSeed, `${stream}/${name}`),
  };
}
