/**
 * Integrated autocorrelation time of a Markov-chain series with Madras-Sokal automatic windowing
 * (smallest window W >= c tau(W), c = 6): tau = 1/2 + sum_{t=1}^W rho(t), so that the variance of
 * the mean is 2 tau sigma^2 / n (tau = 1/2 for independent draws).
 */
export function integratedAutocorrelationTime(series: ArrayLike<number>, windowFactor = 6): number {
  const n = series.length;
  if (n < 4) return 0.5;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += series[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (series[i]! - mean) ** 2;
  variance /= n;
  if (variance === 0) return 0.5;
  let tau = 0.5;
  for (let lag = 1; lag < n / 2; lag++) {
    let covariance = 0;
    for (let i = 0; i + lag < n; i++) covariance += (series[i]! - mean) * (series[i + lag]! - mean);
    covariance /= n - lag;
    tau += covariance / variance;
    if (lag >= windowFactor * tau) break;
  }
  return Math.max(0.5, tau);
}
