export { exportSpec, specSha256, EXPORT_FORMATS, type ExportFormat, type ExportManifest, type ExportOptions } from './export-spec.js';
export { drawNetworks, systematicResample, effectiveSampleSize, defaultPoolSize, type DrawnNetworks, type DrawNetworksOptions, type PoolReport, type McmcReport } from './draw-networks.js';
export { NETWORK_FORMULA, networkName, cosNetWeights, type CosNetWeights, type NetworkMetadata } from './write-networks.js';
export { registerNnftCos, NNFT_COS_CLASS_NAME, type TfjsNamespace } from './nnft-cos-layer.js';
