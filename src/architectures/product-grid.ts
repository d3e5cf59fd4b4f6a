/**
 * A product quadrature grid x = u_a + v_b (offsets u, nodes v) with weights W[a, b]. Writing the
 * grid as a sum lets a cos-net evaluate phi on all A*B points with trigonometric functions on only
 * A + B points per neuron and one batched matrix product:
 *   cos(p.(u+v) + c) = cos(p.u + c) cos(p.v) - sin(p.u + c) sin(p.v).
 * In d = 1, offsets are panel starts and nodes the Gauss-Legendre nodes within a panel; in d >= 2,
 * offsets run along the first axis and nodes over the remaining axes.
 */
export interface ProductGrid {
  readonly dimension: number;
  /** [offsetCount * dimension] row-major. */
  readonly offsets: Float64Array;
  /** [nodeCount * dimension] row-major. */
  readonly nodes: Float64Array;
  readonly offsetCount: number;
  readonly nodeCount: number;
  /** [offsetCount * nodeCount] quadrature weights, offset-major. */
  readonly weights: Float64Array;
}

/** The grid's points, offset-major, [offsetCount * nodeCount][dimension]. */
export function gridPoints(grid: ProductGrid): number[][] {
  const points: number[][] = [];
  for (let a = 0; a < grid.offsetCount; a++) {
    for (let b = 0; b < grid.nodeCount; b++) {
      const point: number[] = [];
      for (let axis = 0; axis < grid.dimension; axis++) {
        point.push(grid.offsets[a * grid.dimension + axis]! + grid.nodes[b * grid.dimension + axis]!);
      }
      points.push(point);
    }
  }
  return points;
}
