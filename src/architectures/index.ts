export type { Architecture, ParameterChunk, Points } from './architecture.js';
export { gridPoints, type ProductGrid } from './product-grid.js';
export { alphaMomentumDensity, normalisableWithoutCutoff, RADIAL_MEASURE, type AlphaMomentumDensity } from './alpha-momentum-density.js';
export { amplitudeKurtosis, checkAmplitudeLaw, sampleStandardAmplitude, type AmplitudeLaw } from './amplitude-law.js';
export { cosNet, type CosNet, type CosNetOptions, type SharedScale } from './cos-net.js';
export { cosNetPropagator, cosNetQuarticAmplitudeMoment, radialPowerIntegral } from './cos-net-moments.js';
export { cosNetConnected, cosNetConnectedFour, cosNetExactMoment } from './cos-net-exact-moments.js';
export { hiddenLayerNet, type HiddenLayerKind, type HiddenLayerOptions } from './hidden-layer-net.js';
export { concatenateChunks } from './parameter-chunks.js';
