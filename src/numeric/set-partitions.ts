/**
 * Set partitions of {0, ..., size-1}, each a list of blocks, cached per size (Bell(6) = 203).
 * Every cumulant formula in nnft (target correlators, ensemble estimators, exact cos-net moments)
 * sums over these.
 */
const partitionCache = new Map<number, readonly (readonly number[])[][]>();

export function setPartitions(size: number): readonly (readonly number[])[][] {
  const cached = partitionCache.get(size);
  if (cached) return cached;
  const partitions: number[][][] = [];
  const blocks: number[][] = [];
  const place = (element: number): void => {
    if (element === size) {
      partitions.push(blocks.map((block) => block.slice()));
      return;
    }
    for (const block of blocks) {
      block.push(element);
      place(element + 1);
      block.pop();
    }
    blocks.push([element]);
    place(element + 1);
    blocks.pop();
  };
  place(0);
  partitionCache.set(size, partitions);
  return partitions;
}
