/** Float64 host maths shared by every module (see each file for accuracy statements). */
export { CompensatedSum, compensatedSum, compensatedDot } from './compensated-sum.js';
export { gaussLegendreRule, integrateGaussLegendre, type QuadratureRule } from './gauss-legendre.js';
export { integrateAdaptive, type AdaptiveOptions, type QuadratureResult } from './adaptive-quadrature.js';
export { integrateTanhSinh, type TanhSinhOptions } from './tanh-sinh.js';
export { integrateBox, type BoxQuadratureOptions, type BoxQuadratureResult } from './box-quadrature.js';
export { choleskyFactor, type CholeskyFactor, type MatrixRows } from './cholesky.js';
export { symmetricEigen, type SymmetricEigen } from './symmetric-eigen.js';
export { weightedLeastSquares, type LeastSquaresFit } from './least-squares.js';
export { besselK, besselK0, besselK1, besselJ0, besselJ1, logGamma, erf, erfc, factorial } from './special-functions.js';
export { fftNd, isPowerOfTwo } from './fft.js';
export { setPartitions } from './set-partitions.js';
export { chiSquaredSurvival, fSurvival, regularizedBeta, regularizedGammaP, regularizedGammaQ } from './distributions.js';
export { covarianceFromCorrelation, matrixRows, shrinkageIntensity, shrinkTowardsDiagonal, shrunkCorrelation, shrunkJackknifeCovariance, type ShrunkCorrelation, type ShrunkCovariance } from './shrunk-covariance.js';
