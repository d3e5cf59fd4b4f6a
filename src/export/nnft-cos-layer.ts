/**
 * NnftCos, the cosine layer of exported cos-nets: now defined with the other custom layers in
 * nnft-layers.ts (registerNnftLayers registers NnftCos, NnftErf and NnftExp at once). This module
 * keeps the original import path.
 */
export { registerNnftCos, NNFT_COS_CLASS_NAME, type TfjsNamespace } from './nnft-layers.js';
