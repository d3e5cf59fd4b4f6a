/**
 * NumPy .npz writer (docs/export.md, ".npz"): a ZIP archive of .npy files, stored without
 * compression, one entry NAME.npy per array, so `numpy.load(path)` returns them by NAME.
 *
 * .npy (format version 1.0): the magic "\x93NUMPY", bytes 1 and 0, a little-endian uint16 header
 * length, then an ASCII Python dict literal {'descr': '<f8', 'fortran_order': False, 'shape': (K, N), }
 * padded with spaces and ended by '\n' so that the data starts at a multiple of 64 bytes, then the
 * data in C order. Scalars (shape ()) are written for the metadata string, dtype '<U<n>' (UTF-32LE).
 *
 * ZIP: per entry a local file header (signature 0x04034b50, method 0 = stored, CRC-32, sizes, name),
 * the bytes, then the central directory (0x02014b50 per entry) and the end-of-central-directory
 * record (0x06054b50). Times are fixed at 1980-01-01 00:00 so the same networks give the same bytes.
 * No ZIP64: each entry and the whole archive must stay below 4 GiB.
 */
import { NnftError } from '../errors.js';
import { littleEndianBytes, namedArrays, type NamedArray, type StackedNetworks } from './stacked-networks.js';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as ZIP stores it. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let j = 0; j < bytes.length; j++) crc = CRC_TABLE[(crc ^ bytes[j]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const NPY_DESCR: Readonly<Record<NamedArray['dtype'], string>> = { float64: '<f8', int64: '<i8' };

function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  const tuple = shape.length === 0 ? '()' : shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const preamble = 10; // magic (6) + version (2) + header length (2)
  const total = Math.ceil((preamble + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - preamble - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY v1.0
  new DataView(out.buffer).setUint16(8, dict.length, true);
  for (let j = 0; j < dict.length; j++) out[preamble + j] = dict.charCodeAt(j);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** One .npy file: a float64/int64 array of the given C-order shape. */
export function npyArray(array: NamedArray): Uint8Array {
  const size = array.shape.reduce((product, n) => product * n, 1);
  if (size !== array.data.length) throw new Error(`npy array ${array.name}: shape [${array.shape.join(', ')}] does not match ${array.data.length} entries`);
  return concat([npyHeader(NPY_DESCR[array.dtype], array.shape), littleEndianBytes(array.data)]);
}

/** One .npy file holding a 0-d unicode string (dtype '<U<n>', UTF-32LE); numpy.load needs no pickle for it. */
export function npyString(text: string): Uint8Array {
  const codePoints = Array.from(text, (char) => char.codePointAt(0)!);
  const data = new Uint8Array(Math.max(1, codePoints.length) * 4);
  const view = new DataView(data.buffer);
  codePoints.forEach((point, j) => view.setUint32(j * 4, point, true));
  return concat([npyHeader(`<U${Math.max(1, codePoints.length)}`, []), data]);
}

export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

/** A stored (uncompressed) ZIP archive of the entries, in order. */
export function storedZip(entries: readonly ZipEntry[]): Uint8Array {
  const DOS_TIME = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = new TextEncoder().encode(entry.name);
    if (entry.data.length > 0xfffffffe || offset > 0xfffffffe) throw new NnftError('E_USAGE', `the .npz entry ${entry.name} would pass 4 GiB; export fewer networks per file`);
    const crc = crc32(entry.data);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true); // version needed: 2.0
    lv.setUint16(6, 0, true); // flags
    lv.setUint16(8, 0, true); // method: stored
    lv.setUint16(10, DOS_TIME, true);
    lv.setUint16(12, DOS_DATE, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, entry.data.length, true); // compressed size
    lv.setUint32(22, entry.data.length, true); // uncompressed size
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, 0, true); // extra length
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true); // version made by
    cv.setUint16(6, 20, true); // version needed
    cv.setUint16(8, 0, true);
    cv.setUint16(10, 0, true);
    cv.setUint16(12, DOS_TIME, true);
    cv.setUint16(14, DOS_DATE, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, entry.data.length, true);
    cv.setUint32(24, entry.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint16(30, 0, true); // extra
    cv.setUint16(32, 0, true); // comment
    cv.setUint16(34, 0, true); // disk
    cv.setUint16(36, 0, true); // internal attributes
    cv.setUint32(38, 0, true); // external attributes
    cv.setUint32(42, offset, true); // local header offset
    central.set(name, 46);
    locals.push(local, entry.data);
    centrals.push(central);
    offset += local.length + entry.data.length;
  }
  const centralSize = centrals.reduce((sum, part) => sum + part.length, 0);
  if (entries.length > 0xffff || offset + centralSize > 0xfffffffe) throw new NnftError('E_USAGE', 'the .npz archive would pass the ZIP (non-ZIP64) limits; export fewer networks per file');
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(4, 0, true);
  ev.setUint16(6, 0, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  ev.setUint16(20, 0, true);
  return concat([...locals, ...centrals, end]);
}

/**
 * The .npz archive of stacked networks: NAME.npy for every stacked array (stacked-networks.ts), and
 * metadata.npy, a 0-d unicode string holding the JSON metadata.
 */
export function npzArchive(stacked: StackedNetworks, metadata: Readonly<Record<string, unknown>>): Uint8Array {
  const entries: ZipEntry[] = namedArrays(stacked).map((array) => ({ name: `${array.name}.npy`, data: npyArray(array) }));
  entries.push({ name: 'metadata.npy', data: npyString(JSON.stringify(metadata)) });
  return storedZip(entries);
}
