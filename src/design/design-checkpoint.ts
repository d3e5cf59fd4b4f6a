/**
 * The shape of a design run's checkpoint state (checkpoint.json's "state"), checked on resume
 * (docs/conventions.md, "Run directories": files are checked on resume, never trusted). The state's
 * hash guards against damage; this guards against a state rewritten with a fresh hash, or written by
 * hand: string parameters, a width of -5, a trial list that is not a list. Each problem is a path in
 * the file ("state.trials[0].width") and what is wrong there; [] when the state is sound.
 */
import { MAX_DESIGN_WIDTH } from './design-settings.js';

const TRIAL_STATUSES = ['met', 'not-met', 'unresolved'];
const STOP_REASONS = ['converged', 'no-progress', 'max-steps', 'time-limit', 'interrupted'];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

function checkWidth(value: unknown, where: string, problems: string[]): void {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_DESIGN_WIDTH) problems.push(`${where} must be an integer from 1 to ${MAX_DESIGN_WIDTH}, got ${show(value)}`);
}

function checkNumbers(value: unknown, where: string, count: number | undefined, problems: string[]): void {
  if (!Array.isArray(value)) {
    problems.push(`${where} must be a list of numbers, got ${show(value)}`);
    return;
  }
  if (count !== undefined && value.length !== count) problems.push(`${where} must hold ${count} numbers (one per parameter), got ${value.length}`);
  value.forEach((entry, index) => {
    if (!finite(entry)) problems.push(`${where}[${index}] must be a finite number, got ${show(entry)}`);
  });
}

function checkTrial(trial: unknown, where: string, parameterCount: number | undefined, problems: string[]): void {
  if (!isRecord(trial)) {
    problems.push(`${where} must be an object, got ${show(trial)}`);
    return;
  }
  checkWidth(trial.width, `${where}.width`, problems);
  for (const key of ['relativeError', 'relativeErrorStderr']) {
    const value = trial[key];
    if (value !== null && !(finite(value) && value >= 0)) problems.push(`${where}.${key} must be a number >= 0, got ${show(value)}`);
  }
  if (typeof trial.met !== 'boolean') problems.push(`${where}.met must be true or false, got ${show(trial.met)}`);
  if (!TRIAL_STATUSES.includes(trial.status as string)) problems.push(`${where}.status must be one of ${TRIAL_STATUSES.join(', ')}, got ${show(trial.status)}`);
  if (!STOP_REASONS.includes(trial.stopReason as string)) problems.push(`${where}.stopReason must be one of ${STOP_REASONS.join(', ')}, got ${show(trial.stopReason)}`);
  if (!Number.isInteger(trial.steps) || (trial.steps as number) < 0) problems.push(`${where}.steps must be an integer >= 0, got ${show(trial.steps)}`);
  if (!Array.isArray(trial.reasons) || !trial.reasons.every((reason) => typeof reason === 'string')) problems.push(`${where}.reasons must be a list of strings`);
  if (!isRecord(trial.parameters)) problems.push(`${where}.parameters must be an object of numbers, got ${show(trial.parameters)}`);
  else {
    const entries = Object.entries(trial.parameters);
    if (parameterCount !== undefined && entries.length !== parameterCount) problems.push(`${where}.parameters must hold ${parameterCount} parameters, got ${entries.length}`);
    for (const [name, value] of entries) if (!finite(value)) problems.push(`${where}.parameters.${name} must be a finite number, got ${show(value)}`);
  }
  for (const key of ['consistency', 'comparison', 'validation', 'achieved', 'spec']) {
    if (!isRecord(trial[key])) problems.push(`${where}.${key} must be an object, got ${show(trial[key])}`);
  }
  if (!Array.isArray(trial.resolution)) problems.push(`${where}.resolution must be a list, got ${show(trial.resolution)}`);
}

function checkFit(fit: unknown, where: string, parameterCount: number | undefined, problems: string[]): void {
  if (!isRecord(fit)) {
    problems.push(`${where} must be an object, got ${show(fit)}`);
    return;
  }
  if (!Number.isInteger(fit.round) || (fit.round as number) < 0) problems.push(`${where}.round must be an integer >= 0, got ${show(fit.round)}`);
  if (!finite(fit.sampleKurtosis)) problems.push(`${where}.sampleKurtosis must be a finite number, got ${show(fit.sampleKurtosis)}`);
  checkNumbers(fit.start, `${where}.start`, parameterCount, problems);
  if (fit.saa === null) return;
  if (!isRecord(fit.saa)) {
    problems.push(`${where}.saa must be an object or null, got ${show(fit.saa)}`);
    return;
  }
  const saa = fit.saa;
  if (!Number.isInteger(saa.iteration) || (saa.iteration as number) < 0) problems.push(`${where}.saa.iteration must be an integer >= 0, got ${show(saa.iteration)}`);
  checkNumbers(saa.parameters, `${where}.saa.parameters`, parameterCount, problems);
  if (!(finite(saa.damping) && saa.damping > 0)) problems.push(`${where}.saa.damping must be a number > 0, got ${show(saa.damping)}`);
  if (saa.chiSquared !== null && !(finite(saa.chiSquared) && saa.chiSquared >= 0)) problems.push(`${where}.saa.chiSquared must be a number >= 0 or null, got ${show(saa.chiSquared)}`);
}

/**
 * Problems in a design checkpoint state ({ trials, current }); `parameterCount`, when known (the
 * design's model), is the length every parameter list must have.
 */
export function checkDesignCheckpoint(state: unknown, parameterCount?: number): string[] {
  const problems: string[] = [];
  if (!isRecord(state)) return [`state must be an object, got ${show(state)}`];
  if (!Array.isArray(state.trials)) problems.push(`state.trials must be a list, got ${show(state.trials)}`);
  else state.trials.forEach((trial, index) => checkTrial(trial, `state.trials[${index}]`, parameterCount, problems));
  if (state.current !== null) {
    if (!isRecord(state.current)) problems.push(`state.current must be an object or null, got ${show(state.current)}`);
    else {
      checkWidth(state.current.width, 'state.current.width', problems);
      checkFit(state.current.fit, 'state.current.fit', parameterCount, problems);
    }
  }
  return problems;
}
