/**
 * Host-side pseudo-random generator (sfc32: small, fast, passes PractRand to 2^40+ bytes) for
 * float64 work that does not run on the tensor backend: HMC, MCMC proposals, quadrature checks.
 * Seeded only through the seed tree; Math.random is never used anywhere in nnft.
 */
import { deriveSeed } from './seed-tree.js';

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private counter: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162 ^ (seed >>> 0);
    this.counter = (Math.floor(seed / 2 ** 32) >>> 0) | 1;
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  static fromTree(rootSeed: number, stream: string, counter = 0): Rng {
    return new Rng(deriveSeed(rootSeed, stream, counter));
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.counter) | 0;
    this.counter = (this.counter + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Uniform on the open interval (0, 1): safe for logs and inverse CDFs. */
  uniformOpen(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return u;
  }

  /** Standard normal by the Marsaglia polar method. */
  normal(): number {
    if (this.spareNormal !== null) {
      const value = this.spareNormal;
      this.spareNormal = null;
      return value;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const factor = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * factor;
        return u * factor;
      }
    }
  }

  fillUniform(target: Float64Array | Float32Array): void {
    for (let i = 0; i < target.length; i++) target[i] = this.uniform();
  }

  fillNormal(target: Float64Array | Float32Array): void {
    for (let i = 0; i < target.length; i++) target[i] = this.normal();
  }
}
