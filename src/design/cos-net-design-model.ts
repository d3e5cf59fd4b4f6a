/**
 * The deformation terms of a cos-net design. The field of a parameter vector (design-model.ts:
 * amplitudeScale sigma, one coupling g_k per deformation term, and the amplitude kurtosis k when
 * tuned) is
 *
 *   phi(x) = sigma sum_i t_i b_i cos(p_i.x + c_i),  E t^2 = 1, E t^4 = k,
 *   weighted by exp(-sum_k g_k F_k[phi]),
 *   F_local(n) = (1/n!) int_V :phi^n:_{G0},  F_nonlocal = (1/4!) int int phi^2 K phi^2.
 *
 * With a mode cutoff, the deformation sees only the neurons with |p| below it (the field keeps every
 * neuron): the interaction is regulated while the free two-point function stays exact without a
 * momentum cutoff on the field. design-sample.ts and sample-objective.ts measure this ensemble.
 */
export type DesignTerm =
  | { readonly kind: 'local'; readonly power: number; readonly wickOrdered: boolean; readonly wickPropagatorAtZero: number }
  | { readonly kind: 'nonlocal-quartic'; readonly kernelWidth: number };

