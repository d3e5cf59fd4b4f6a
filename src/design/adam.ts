/**
 * Adam on a small float64 parameter vector (nnft designs have a handful of parameters). The state
 * is plain data so it can be checkpointed and a resumed run continues bit-for-bit.
 */

export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface AdamState {
  step: number;
  firstMoment: number[];
  secondMoment: number[];
}

export const DEFAULT_ADAM: AdamSettings = { learningRate: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

export function initialAdamState(parameterCount: number): AdamState {
  return { step: 0, firstMoment: new Array(parameterCount).fill(0), secondMoment: new Array(parameterCount).fill(0) };
}

/** One Adam update: returns the new parameters and state (inputs are not mutated). */
export function adamStep(
  parameters: readonly number[],
  gradient: readonly number[],
  state: AdamState,
  settings: AdamSettings = DEFAULT_ADAM,
): { parameters: number[]; state: AdamState } {
  if (gradient.length !== parameters.length) throw new RangeError('gradient and parameters differ in length');
  const step = state.step + 1;
  const firstMoment = state.firstMoment.map((m, i) => settings.beta1 * m + (1 - settings.beta1) * gradient[i]!);
  const secondMoment = state.secondMoment.map((v, i) => settings.beta2 * v + (1 - settings.beta2) * gradient[i]! ** 2);
  const correction1 = 1 - settings.beta1 ** step;
  const correction2 = 1 - settings.beta2 ** step;
  const next = parameters.map((p, i) => {
    const mHat = firstMoment[i]! / correction1;
    const vHat = secondMoment[i]! / correction2;
    return p - (settings.learningRate * mHat) / (Math.sqrt(vHat) + settings.epsilon);
  });
  return { parameters: next, state: { step, firstMoment, secondMoment } };
}
