/** Operations on ParameterChunks that do not depend on the network family. */
import type { ParameterChunk } from './architecture.js';

/** Concatenate parameter chunks of one family along the network axis. */
export function concatenateChunks(chunks: readonly ParameterChunk[]): ParameterChunk {
  const arrays: Record<string, Float64Array> = {};
  for (const name of Object.keys(chunks[0]!.arrays)) {
    const out = new Float64Array(chunks.reduce((sum, chunk) => sum + chunk.arrays[name]!.length, 0));
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk.arrays[name]!, offset);
      offset += chunk.arrays[name]!.length;
    }
    arrays[name] = out;
  }
  return { count: chunks.reduce((sum, chunk) => sum + chunk.count, 0), arrays };
}
