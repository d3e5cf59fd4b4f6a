/**
 * One chunk of an ensemble on the device: sample the networks (host, float64), evaluate phi at the
 * evaluation points and the deformation's log-weights inside tf.tidy, then copy both to the host
 * (await data(), so GPU backends work) and dispose everything at once.
 */
import { tf } from '../backend/index.js';
import type { Architecture, Points } from '../architectures/architecture.js';
import type { CompiledDeformation } from '../densities/deformations.js';
import { deriveSeed } from '../random/seed-tree.js';
import { PARAMETER_STREAM } from './chunk-plan.js';

export interface DrawnChunk {
  readonly chunkIndex: number;
  readonly count: number;
  /** phi at evaluation point p for every network: columns[p][m], float64. */
  readonly columns: Float64Array[];
  readonly logWeights: Float64Array | null;
}

export async function drawChunk(
  architecture: Architecture,
  deformation: CompiledDeformation | null,
  points: Points,
  rootSeed: number,
  chunkIndex: number,
  count: number,
): Promise<DrawnChunk> {
  const parameters = architecture.sample(deriveSeed(rootSeed, PARAMETER_STREAM, chunkIndex), count);
  const [phiTensor, logWeightTensor] = tf.tidy(() => {
    const phi = architecture.applyAtPoints(parameters, points);
    // Column-major on the device, so the host reads each point's values contiguously.
    const columnsMajor = tf.transpose(phi);
    const logWeights = deformation ? deformation.logWeights(architecture, parameters) : null;
    return logWeights ? [columnsMajor, logWeights] : [columnsMajor];
  }) as [tf.Tensor, tf.Tensor | undefined];
  const [phiData, logWeightData] = await Promise.all([phiTensor.data(), logWeightTensor ? logWeightTensor.data() : Promise.resolve(null)]);
  phiTensor.dispose();
  logWeightTensor?.dispose();
  const columns: Float64Array[] = [];
  for (let p = 0; p < points.length; p++) columns.push(Float64Array.from(phiData.subarray(p * count, (p + 1) * count)));
  return { chunkIndex, count, columns, logWeights: logWeightData ? Float64Array.from(logWeightData) : null };
}
