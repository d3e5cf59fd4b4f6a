/**
 * nnft action on a correlators file: reconstructed as given, its jackknife replicates (when it has
 * them) standing in for per-batch estimates, and the forward-fit mass chosen from what the file
 * states (forward-fit-mass.ts; docs/reconstruct.md, "The `nnft action` command").
 */
import type { CorrelatorResult } from '../io/result.js';
import { applyRelativeErrorFloor, BATCHES_PER_CORRELATED_VALUE, forwardFitMassForResult } from './index.js';
import { namedTarget, numberField } from './action-input.js';
import { batchesFromReplicates, block } from './action-replicas.js';
import type { ActionInputState, RunActionOptions } from './action-options.js';

export async function correlatorsFromFile(result: CorrelatorResult, file: string, options: RunActionOptions, errorFloor: number, state: ActionInputState): Promise<void> {
  // The state as local names (the reconstruction reads them back from state below).
  let { correlators, networkWidth, mass, massSource, massStatement, background, backgroundScope, baseLine, name, noisyWithoutBatches, batches } = state;
  const { notes } = state;
  correlators = result;
  if (options.grid || options.points) notes.push('--grid/--points ignored: a correlators file fixes its points');
  if (options.ensemble !== undefined || options.seed !== undefined) notes.push('--ensemble/--seed ignored: a correlators file is reconstructed as given');
  const architecture = correlators.architecture;
  if (networkWidth === undefined) networkWidth = numberField(architecture, 'width');
  const target = correlators.method === 'perturbative' && options.mass === undefined ? await namedTarget(correlators, file, options.cwd) : undefined;
  if (target?.theory) {
    const theory = target.theory;
    if (theory.momentumCutoff !== null || theory.interactionRegion !== null) {
      notes.push(`the target (${target.from}) has ${[theory.momentumCutoff !== null ? `momentum cutoff Lambda = ${theory.momentumCutoff}` : '', theory.interactionRegion ? `an interaction box of side ${theory.interactionRegion.side}` : ''].filter(Boolean).join(' and ')}; the forward-fit predictors assume neither`);
    }
  }
  const chosen = forwardFitMassForResult(correlators, {
    ...(options.mass !== undefined ? { given: options.mass } : {}),
    ...(target?.theory ? { bareMass: { mass: target.theory.mass, from: target.from } } : {}),
    ...(target?.unavailable ? { bareMassUnavailable: target.unavailable } : {}),
    errorFloor,
  });
  if (chosen.mass !== null) {
    mass = chosen.mass;
    massSource = chosen.source;
  }
  massStatement = chosen.statement;
  name = typeof correlators.spec === 'string' ? correlators.spec : typeof (correlators.theory as { name?: unknown } | undefined)?.name === 'string' ? (correlators.theory as { name: string }).name : undefined;
  const anyError = correlators.correlators.some((entry) => entry.stderr.some((error) => error > 0));
  const fromReplicates = batchesFromReplicates(correlators);
  if ('batches' in fromReplicates) {
    batches = fromReplicates.batches;
    notes.push(
      `per-batch data: the file's delete-one-batch jackknife replicates over ${fromReplicates.count} batches${block(correlators, 6) && !fromReplicates.batches[0]!.sixPoint ? ' (G_c6 has none: its fits keep their own errors)' : ''}; vertex, cluster-plateau and coupling errors are jackknifes over them${options.correlated === false ? '' : `, and with at least ${BATCHES_PER_CORRELATED_VALUE} batches per fitted value the fits minimise the correlated chi^2 (the weights are stated per fit)`}`,
    );
  }
  noisyWithoutBatches = anyError && batches === undefined;
  const belowFloor = correlators.correlators.every((entry) => applyRelativeErrorFloor(entry, errorFloor).raised.raised === entry.values.length);
  if (batches !== undefined) {
    // replicates: nothing below to say about missing per-batch estimates
  } else if (anyError && belowFloor) notes.push(`every stated error of the file lies below the relative floor ${errorFloor} (numerical errors of exact data), and there are no per-batch estimates: the amputated vertex carries no errors, so its spread and stencil residual are shown but cast no vote`);
  else if (anyError) notes.push('the correlators file has errors but no per-batch estimates: the amputated vertex carries no errors, so its spread and stencil residual are shown but cast no vote, and the cluster-plateau error ignores the correlation between values (it is understated: a spec run with --replicas jackknifes it)');
  Object.assign(state, { correlators, networkWidth, mass, massSource, massStatement, background, backgroundScope, baseLine, name, noisyWithoutBatches, batches });
}
