export { MomentSums } from './moment-sums.js';
export { monomialTable, tupleKey, type MonomialTable } from './monomials.js';
export { cumulantRecipe, evaluateCumulant, type CumulantRecipe } from '../numeric/cumulants.js';
export { estimateCorrelators, type EstimateOptions, type EstimateSummary, type ImageSums, type OrderEstimate } from './correlator-estimate.js';
