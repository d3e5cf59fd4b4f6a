/**
 * A minimal protocol-buffers writer: just what the ONNX export (onnx.ts, docs/export.md) needs.
 *
 * Wire format: every field is a key varint (field number << 3 | wire type) followed by its value;
 * wire type 0 = varint (non-negative integers here), 2 = length-delimited (strings, bytes, embedded
 * messages, packed repeated scalars). Varints are little-endian base-128 with the high bit of each
 * byte set while more bytes follow. Only non-negative integers are ever written as varints (ONNX
 * dims, enum values, versions); signed int64 data goes into TensorProto.raw_data as little-endian
 * bytes instead.
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const utf8 = new TextEncoder();

export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  get byteLength(): number {
    return this.size;
  }

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private rawVarint(value: number): void {
    if (!(Number.isSafeInteger(value) && value >= 0)) throw new RangeError(`protobuf varint must be a non-negative safe integer, got ${value}`);
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
    this.push(Uint8Array.from(bytes));
  }

  private key(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** An integer field (int32/int64/enum), non-negative. */
  varint(field: number, value: number): this {
    this.key(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** An embedded message (its bytes are copied in by reference, not re-encoded). */
  message(field: number, message: ProtoWriter): this {
    this.key(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(message.byteLength);
    for (const part of message.parts) this.push(part);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}
