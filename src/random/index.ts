export { deriveSeed, seedStream, type SeedStream } from './seed-tree.js';
export { Rng } from './rng.js';
