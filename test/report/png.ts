/**
 * Just enough PNG decoding to inspect a browser screenshot: 8-bit greyscale, RGB or RGBA,
 * non-interlaced (what Chromium writes). Returns RGBA pixels.
 */
import { inflateSync } from 'node:zlib';

export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, rows top to bottom. */
  pixels: Uint8Array;
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

export function decodePng(file: Uint8Array): DecodedImage {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  if (!signature.every((byte, k) => file[k] === byte)) throw new Error('not a PNG file');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const data: Uint8Array[] = [];
  while (offset < file.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...file.subarray(offset + 4, offset + 8));
    const body = file.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      const bitDepth = body[8]!;
      colorType = body[9]!;
      if (bitDepth !== 8 || body[12] !== 0 || ![0, 2, 6].includes(colorType)) throw new Error(`unsupported PNG (bit depth ${bitDepth}, colour type ${colorType}, interlace ${body[12]})`);
    } else if (type === 'IDAT') {
      data.push(body);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 1;
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const rows = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const source = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? rows[y * stride + x - channels]! : 0;
      const up = y > 0 ? rows[(y - 1) * stride + x]! : 0;
      const upLeft = x >= channels && y > 0 ? rows[(y - 1) * stride + x - channels]! : 0;
      const value = source[x]!;
      let decoded: number;
      switch (filter) {
        case 0:
          decoded = value;
          break;
        case 1:
          decoded = value + left;
          break;
        case 2:
          decoded = value + up;
          break;
        case 3:
          decoded = value + ((left + up) >> 1);
          break;
        case 4:
          decoded = value + paeth(left, up, upLeft);
          break;
        default:
          throw new Error(`bad PNG filter ${filter}`);
      }
      rows[y * stride + x] = decoded & 0xff;
    }
  }
  const pixels = new Uint8Array(width * height * 4);
  for (let k = 0; k < width * height; k++) {
    if (channels === 1) {
      pixels.set([rows[k]!, rows[k]!, rows[k]!, 255], k * 4);
    } else {
      pixels[k * 4] = rows[k * channels]!;
      pixels[k * 4 + 1] = rows[k * channels + 1]!;
      pixels[k * 4 + 2] = rows[k * channels + 2]!;
      pixels[k * 4 + 3] = channels === 4 ? rows[k * channels + 3]! : 255;
    }
  }
  return { width, height, pixels };
}
