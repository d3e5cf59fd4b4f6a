/**
 * safetensors writer (docs/export.md, "safetensors"): an 8-byte little-endian unsigned header
 * length n, n bytes of UTF-8 JSON header, then the tensors' raw little-endian bytes back to back.
 *
 * The header maps each tensor name to {"dtype": "F64" | "I64", "shape": [...], "data_offsets":
 * [begin, end]} (byte offsets into the data section, in file order, no gaps), and "__metadata__" to
 * a string -> string map. The header is padded with spaces to a multiple of 8 bytes so that every
 * tensor starts 8-byte aligned.
 */
import { littleEndianBytes, namedArrays, type StackedNetworks } from './stacked-networks.js';

const SAFETENSORS_DTYPE = { float64: 'F64', int64: 'I64' } as const;

export interface SafetensorsTensor {
  readonly name: string;
  readonly dtype: keyof typeof SAFETENSORS_DTYPE;
  readonly shape: readonly number[];
  readonly data: Float64Array | BigInt64Array;
}

/** A safetensors file of the given tensors (in order) and string metadata. */
export function safetensorsBytes(tensors: readonly SafetensorsTensor[], metadata: Readonly<Record<string, string>>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const tensor of tensors) {
    if (tensor.name === '__metadata__' || tensor.name in header) throw new Error(`duplicate or reserved safetensors name ${tensor.name}`);
    const size = tensor.shape.reduce((product, n) => product * n, 1);
    if (size !== tensor.data.length) throw new Error(`safetensors tensor ${tensor.name}: shape [${tensor.shape.join(', ')}] does not match ${tensor.data.length} entries`);
    const bytes = littleEndianBytes(tensor.data);
    header[tensor.name] = { dtype: SAFETENSORS_DTYPE[tensor.dtype], shape: [...tensor.shape], data_offsets: [offset, offset + bytes.length] };
    blobs.push(bytes);
    offset += bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const spaced = new Uint8Array(padded).fill(0x20);
    spaced.set(json);
    json = spaced;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let position = 8 + json.length;
  for (const blob of blobs) {
    out.set(blob, position);
    position += blob.length;
  }
  return out;
}

/**
 * The safetensors file of stacked networks: the stacked arrays (stacked-networks.ts) as F64/I64
 * tensors; __metadata__ holds {"nnft": <metadata JSON>, "kind": ..., "formula": ...}.
 */
export function safetensorsFile(stacked: StackedNetworks, metadata: Readonly<Record<string, unknown>>, formula: string): Uint8Array {
  return safetensorsBytes(namedArrays(stacked), { nnft: JSON.stringify(metadata), kind: stacked.kind, formula });
}
