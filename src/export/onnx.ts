/**
 * ONNX export of cos-, Gauss-, Erf- and ReLU-nets (docs/export.md, "ONNX"): standard ONNX operators
 * only (MatMul, Add, Mul, Cos, Erf, Exp, Relu, Reshape) from the default domain at opset 13, IR
 * version 7, written with the minimal protobuf writer in protobuf.ts (no onnx package needed).
 *
 * Two layouts, one graph shape:
 *
 *   batched (one model for K networks):   x [P, d] -> phi [K, P]
 *     linear  = MatMul(x, W)        W [K, d, N]   (x broadcasts over the network axis) -> [K, P, N]
 *     pre     = Add(linear, B)      B [K, 1, N]
 *     hidden  = act(pre)
 *     readout = MatMul(hidden, V)   V [K, N, 1] -> [K, P, 1]
 *     phi     = Reshape(readout, [K, -1])
 *   per-network (one model per network):  x [P, d] -> phi [P]
 *     the same with W [d, N], B [N] and V [N] (MatMul with a 1-D right operand gives [P]).
 *
 * act: cos-net Cos (W = momenta, B = phases, V = coefficients); erf-net Erf; relu-net Relu (W =
 * weights, B = biases, V = outputs); gauss-net Exp of pre + envelope, where envelope =
 * Add(MatMul(Mul(x, x), C), S) [P, 1] with C [d, 1] filled with -curvature and S [1] = -shift, so
 * pre = w.x + b - shift - curvature |x|^2 exactly as in the JSON formula. P is a symbolic dimension
 * ("P"). Input, weights and output are float32: the ONNX standard allows double for every op used,
 * but onnxruntime's CPU provider has no float64 Cos or Erf kernel, so a float64 model would not load
 * there; the float64 weights are in the .npz and safetensors exports.
 *
 * The metadata_props entry "nnft" holds the network metadata as JSON; "formula" the family's formula.
 */
import { ProtoWriter } from './protobuf.js';
import { isCosKind, weightArrayNames, type StackedNetworks } from './stacked-networks.js';
import { littleEndianBytes } from './stacked-networks.js';

export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;
export type OnnxLayout = 'batched' | 'per-network';
export const ONNX_LAYOUTS: readonly OnnxLayout[] = ['batched', 'per-network'];
type OnnxDtype = 'float32' | 'float64';

/** TensorProto.DataType values. */
const DATA_TYPE = { float32: 1, int64: 7, float64: 11 } as const;

interface OnnxTensor {
  readonly name: string;
  readonly dtype: keyof typeof DATA_TYPE;
  readonly dims: readonly number[];
  readonly data: Float32Array | Float64Array | BigInt64Array;
}

interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

interface OnnxValueInfo {
  readonly name: string;
  readonly dtype: keyof typeof DATA_TYPE;
  /** a number is a fixed dimension, a string a symbolic one */
  readonly shape: readonly (number | string)[];
  readonly doc: string;
}

export interface OnnxGraphSpec {
  readonly name: string;
  readonly doc: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModelSpec {
  readonly graph: OnnxGraphSpec;
  readonly producerVersion: string;
  readonly doc: string;
  readonly metadata: Readonly<Record<string, string>>;
}

function tensorProto(tensor: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  for (const dim of tensor.dims) w.varint(1, dim); // dims
  w.varint(2, DATA_TYPE[tensor.dtype]); // data_type
  w.string(8, tensor.name); // name
  w.bytes(9, littleEndianBytes(tensor.data)); // raw_data
  return w;
}

function valueInfoProto(info: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of info.shape) {
    const d = new ProtoWriter();
    if (typeof dim === 'number') d.varint(1, dim); // dim_value
    else d.string(2, dim); // dim_param
    shape.message(1, d);
  }
  const tensorType = new ProtoWriter().varint(1, DATA_TYPE[info.dtype]).message(2, shape); // elem_type, shape
  const type = new ProtoWriter().message(1, tensorType); // TypeProto.tensor_type
  return new ProtoWriter().string(1, info.name).message(2, type).string(3, info.doc);
}

function nodeProto(node: OnnxNode, index: number): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, `${node.op.toLowerCase()}_${index}`); // name
  w.string(4, node.op); // op_type
  return w;
}

/** The serialized ModelProto. */
export function encodeOnnxModel(model: OnnxModelSpec): Uint8Array {
  const graph = new ProtoWriter();
  model.graph.nodes.forEach((node, index) => graph.message(1, nodeProto(node, index)));
  graph.string(2, model.graph.name);
  for (const tensor of model.graph.initializers) graph.message(5, tensorProto(tensor));
  graph.string(10, model.graph.doc);
  for (const input of model.graph.inputs) graph.message(11, valueInfoProto(input));
  for (const output of model.graph.outputs) graph.message(12, valueInfoProto(output));
  const w = new ProtoWriter();
  w.varint(1, ONNX_IR_VERSION); // ir_version
  w.string(2, 'nnft'); // producer_name
  w.string(3, model.producerVersion); // producer_version
  w.string(4, 'nnft'); // domain
  w.varint(5, 1); // model_version
  w.string(6, model.doc); // doc_string
  w.message(7, graph); // graph
  w.message(8, new ProtoWriter().string(1, '').varint(2, ONNX_OPSET)); // opset_import: default domain
  for (const [key, value] of Object.entries(model.metadata)) w.message(14, new ProtoWriter().string(1, key).string(2, value)); // metadata_props
  return w.finish();
}

function typed(dtype: OnnxDtype, values: Float64Array): Float32Array | Float64Array {
  return dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
}

/**
 * The ONNX graph of networks first..first+count-1 of a stack. layout 'batched' gives phi [count, P];
 * 'per-network' needs count = 1 and gives phi [P].
 */
export function onnxGraph(stacked: StackedNetworks, options: { first: number; count: number; layout: OnnxLayout; dtype: OnnxDtype; formula: string }): OnnxGraphSpec {
  const { first, count, layout, dtype } = options;
  const { width: N, dimension: d, kind } = stacked;
  if (layout === 'per-network' && count !== 1) throw new Error('a per-network ONNX graph holds exactly one network');
  if (!(Number.isSafeInteger(first) && first >= 0 && Number.isSafeInteger(count) && count >= 1 && first + count <= stacked.count)) {
    throw new Error(`networks ${first}..${first + count - 1} are not in the stack of ${stacked.count}`);
  }
  const [inputName, biasName, readoutName] = weightArrayNames(kind);
  const input = stacked.arrays[inputName]!;
  const bias = stacked.arrays[biasName]!.subarray(first * N, (first + count) * N);
  const readout = stacked.arrays[readoutName]!.subarray(first * N, (first + count) * N);
  // W[k][a][i] = input[k][i][a]: the [K, N, d] stack transposed to the MatMul layout [K, d, N].
  const kernel = new Float64Array(count * d * N);
  for (let k = 0; k < count; k++) for (let i = 0; i < N; i++) for (let a = 0; a < d; a++) kernel[(k * d + a) * N + i] = input[((first + k) * N + i) * d + a]!;
  const batched = layout === 'batched';
  const initializers: OnnxTensor[] = [
    { name: inputName, dtype, dims: batched ? [count, d, N] : [d, N], data: typed(dtype, kernel) },
    { name: biasName, dtype, dims: batched ? [count, 1, N] : [N], data: typed(dtype, bias) },
    { name: readoutName, dtype, dims: batched ? [count, N, 1] : [N], data: typed(dtype, readout) },
  ];
  const nodes: OnnxNode[] = [
    { op: 'MatMul', inputs: ['x', inputName], outputs: ['linear'] },
    { op: 'Add', inputs: ['linear', biasName], outputs: [kind === 'gauss-net' ? 'affine' : 'pre'] },
  ];
  if (kind === 'gauss-net') {
    initializers.push({ name: 'minus_curvature', dtype, dims: [d, 1], data: typed(dtype, new Float64Array(d).fill(-stacked.curvature!)) });
    initializers.push({ name: 'minus_shift', dtype, dims: [1], data: typed(dtype, Float64Array.of(-stacked.shift!)) });
    nodes.push(
      { op: 'Mul', inputs: ['x', 'x'], outputs: ['x_squared'] },
      { op: 'MatMul', inputs: ['x_squared', 'minus_curvature'], outputs: ['curvature_term'] },
      { op: 'Add', inputs: ['curvature_term', 'minus_shift'], outputs: ['envelope'] },
      { op: 'Add', inputs: ['affine', 'envelope'], outputs: ['pre'] },
    );
  }
  const activation = isCosKind(kind) ? 'Cos' : kind === 'erf-net' ? 'Erf' : kind === 'relu-net' ? 'Relu' : 'Exp';
  nodes.push({ op: activation, inputs: ['pre'], outputs: ['hidden'] });
  if (batched) {
    initializers.push({ name: 'output_shape', dtype: 'int64', dims: [2], data: BigInt64Array.of(BigInt(count), -1n) });
    nodes.push({ op: 'MatMul', inputs: ['hidden', readoutName], outputs: ['readout'] }, { op: 'Reshape', inputs: ['readout', 'output_shape'], outputs: ['phi'] });
  } else {
    nodes.push({ op: 'MatMul', inputs: ['hidden', readoutName], outputs: ['phi'] });
  }
  return {
    name: `nnft_${kind.replace('-', '_')}`,
    doc: `${kind}, ${batched ? `${count} networks (phi[k, p] = phi_k(x[p]))` : 'one network'}: ${options.formula}`,
    nodes,
    initializers,
    inputs: [{ name: 'x', dtype, shape: ['P', d], doc: `P points of dimension ${d}, one per row` }],
    outputs: [{ name: 'phi', dtype, shape: batched ? [count, 'P'] : ['P'], doc: batched ? 'phi[k, p]: network k at point p' : 'phi[p]: the network at point p' }],
  };
}

export interface OnnxExportOptions {
  readonly layout: OnnxLayout;
  readonly formula: string;
  readonly producerVersion: string;
  /** Metadata shared by all models (JSON-serialisable); per-network models add index (and poolIndex). */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** The serialized ONNX models of a stack: one (batched) or one per network (per-network), in network order. */
export function onnxModels(stacked: StackedNetworks, options: OnnxExportOptions): Uint8Array[] {
  const dtype: OnnxDtype = 'float32';
  const model = (first: number, count: number, extra: Record<string, unknown>): Uint8Array =>
    encodeOnnxModel({
      graph: onnxGraph(stacked, { first, count, layout: options.layout, dtype, formula: options.formula }),
      producerVersion: options.producerVersion,
      doc: `nnft export: ${options.formula}`,
      metadata: { nnft: JSON.stringify({ ...options.metadata, ...extra, layout: options.layout, dtype, opset: ONNX_OPSET }), formula: options.formula },
    });
  if (options.layout === 'batched') return [model(0, stacked.count, { count: stacked.count })];
  return Array.from({ length: stacked.count }, (_, k) => model(k, 1, { index: k, ...(stacked.poolIndices ? { poolIndex: stacked.poolIndices[k] } : {}) }));
}
