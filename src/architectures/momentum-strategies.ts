/**
 * The momentum strategies by the spec's `momentumSampling` (momentum-strategy.ts): the one place a
 * mode name turns into behaviour.
 */
import { independentMomenta } from './momenta-independent.js';
import { quadratureMomenta } from './momenta-quadrature.js';
import { splitMomenta } from './momenta-split.js';
import { stratifiedMomenta } from './momenta-stratified.js';
import type { MomentumSampling, MomentumSetting, MomentumStrategy } from './momentum-strategy.js';

const STRATEGIES: Readonly<Record<MomentumSampling, (setting: MomentumSetting) => MomentumStrategy>> = {
  independent: independentMomenta,
  stratified: stratifiedMomenta,
  quadrature: quadratureMomenta,
  split: splitMomenta,
};

export function momentumStrategy(sampling: MomentumSampling, setting: MomentumSetting): MomentumStrategy {
  return STRATEGIES[sampling](setting);
}
