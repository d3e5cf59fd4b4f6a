export { exportSpec, specSha256, EXPORT_FORMATS, type ExportFormat, type ExportManifest, type ExportOptions, type OnnxManifest } from './export-spec.js';
export { stackNetworks, stackedFromChunk, namedArrays, type StackedNetworks, type NamedArray } from './stacked-networks.js';
export { onnxModels, onnxGraph, encodeOnnxModel, ONNX_OPSET, ONNX_IR_VERSION, ONNX_LAYOUTS, type OnnxLayout, type OnnxExportOptions } from './onnx.js';
export { npzArchive, npyArray, npyString, storedZip, crc32, type ZipEntry } from './npz.js';
export { safetensorsFile, safetensorsBytes, type SafetensorsTensor } from './safetensors.js';
export { drawNetworks, systematicResample, effectiveSampleSize, defaultPoolSize, type DrawnNetworks, type DrawNetworksOptions, type PoolReport, type McmcReport } from './draw-networks.js';
export {
  NETWORK_FORMULA,
  NETWORK_FORMULAS,
  CUSTOM_LAYERS,
  EXPORTABLE_KINDS,
  networkName,
  cosNetWeights,
  hiddenLayerWeights,
  type CosNetWeights,
  type HiddenLayerWeights,
  type NetworkWeights,
  type ExportableKind,
  type NetworkMetadata,
} from './write-networks.js';
export {
  registerNnftLayers,
  registerNnftCos,
  NNFT_COS_CLASS_NAME,
  NNFT_ERF_CLASS_NAME,
  NNFT_EXP_CLASS_NAME,
  type NnftLayers,
  type TfjsNamespace,
} from './nnft-layers.js';
