/**
 * `nnft action <spec.json | correlators.json> [--grid a,b,step | --points ...] [--ensemble M] [--seed S]
 * [--width-hint N] [--mass m] [--six] [--json]`: from connected correlators back to the action
 * (docs/reconstruct.md). Parses the flags into runAction's options (src/reconstruct/run-action.ts,
 * which says what is estimated and how per-batch data arise) and renders its report.
 */
import { availableParallelism } from 'node:os';
import type { Argv } from 'yargs';
import { eventRenderer, type CliContext } from '../context.js';
import { BACKEND_REQUESTS, type BackendRequest } from '../../backend/index.js';
import { EXIT, NnftError } from '../../errors.js';
import { CANDIDATE_DESCRIPTIONS, EXACT_INPUT_RELATIVE_ERROR_FLOOR, type CandidateName } from '../../reconstruct/index.js';
import { DEFAULT_REPLICAS, runAction } from '../../reconstruct/run-action.js';
import { renderAction } from '../render-action.js';
import { checkFlags, declareFlags } from '../check-flags.js';
import type { OptionRules } from '../../io/option-rules.js';

export { renderAction };
export type { ActionReport } from '../../reconstruct/run-action.js';

interface ActionArgs {
  input: string;
  grid?: string;
  points?: string;
  ensemble?: number;
  seed?: number;
  widthHint?: number;
  mass?: number;
  six: boolean;
  background: boolean;
  nominalError: number;
  replicas: number;
  correlated: boolean;
  candidates?: string;
  workers?: number;
  backend: BackendRequest;
  json: boolean;
}

/** nnft action's flags (src/cli/check-flags.ts); --mass has the range of a target's mass (docs/target-format.md). */
const ACTION_FLAG_RULES: OptionRules = {
  grid: { kind: 'string', fix: 'write --grid a,b,step, e.g. --grid=-1.75,1.75,0.5' },
  points: { kind: 'string', fix: 'write --points x1,x2,... (d = 1) or --points file.json' },
  ensemble: { kind: 'integer', min: 2, max: 1_000_000_000, fix: "the default is the spec's estimation.ensembleSize, else 100000" },
  seed: { kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, fix: 'a seed is a whole number >= 0' },
  widthHint: { kind: 'integer', min: 1, max: 1_000_000, fix: 'give the width N of the networks behind the correlators' },
  mass: { kind: 'number', min: 1e-4, max: 1e4, fix: 'give the mass m > 0 of the d = 1 propagator, e.g. --mass 1' },
  six: { kind: 'boolean' },
  background: { kind: 'boolean' },
  nominalError: { kind: 'number', min: 0, exclusiveMin: true, max: 1, exclusiveMax: true, fix: `the default is ${EXACT_INPUT_RELATIVE_ERROR_FLOOR}` },
  replicas: { kind: 'integer', min: 1, max: 200, fix: `the default is ${DEFAULT_REPLICAS}` },
  correlated: { kind: 'boolean' },
  candidates: { kind: 'string', fix: `choose from ${Object.keys(CANDIDATE_DESCRIPTIONS).join(', ')}` },
  workers: { kind: 'integer', min: 1, max: 1024, fix: 'the default is every core' },
  backend: { kind: 'choice', choices: [...BACKEND_REQUESTS] },
};

function usage(message: string, hint?: string): NnftError {
  return new NnftError('E_USAGE', message, hint ? { hint } : {});
}

function parseCandidates(text: string): CandidateName[] {
  const known = Object.keys(CANDIDATE_DESCRIPTIONS) as CandidateName[];
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => !known.includes(name as CandidateName));
  if (names.length === 0 || unknown.length > 0) throw usage(`--candidates: unknown candidate${unknown.length === 1 ? '' : 's'} ${unknown.join(', ') || '(none given)'}`, `choose from ${known.join(', ')}`);
  return names as CandidateName[];
}

export function actionCommand(context: CliContext) {
  return {
    command: 'action <input>',
    describe: 'reconstruct the action from connected correlators (a spec\'s ensemble, or a correlators file) and say whether it is local and clusters',
    builder: (argv: Argv) =>
      declareFlags(
        argv.positional('input', { type: 'string', demandOption: true, describe: 'spec JSON, or correlators JSON (nnft estimate/target --json)' }),
        ACTION_FLAG_RULES,
        {
          grid: 'spec only: points a, a+step, ..., b written a,b,step',
          points: 'spec only: explicit points x1,x2,... (d = 1) or a JSON points file',
          ensemble: 'spec only: number of networks M',
          seed: 'spec only: root seed',
          widthHint: 'width N of the networks behind a correlators file (guard rail: at most 2N points)',
          mass: "mass m of G = e^{-m|x|}/(2m) for the d = 1 forward fits; unset: a deformed spec's measured G_c2 decay rate, else the spec's mass; for a file its massGap, a perturbative target's bare mass, an undeformed architecture's mass, else its G_c2 decay rate",
          six: 'spec: also estimate G_c6 (sextic vertex, local+sextic fit)',
          background: 'spec: subtract the exact undeformed finite-width G_c4 in the forward fits (--no-background to keep it)',
          nominalError: 'relative error floor: stated errors below f |value| (0 for exact values) are raised to it in the weighted fits',
          replicas: 'spec only: split the ensemble into K independent estimates (per-batch data for jackknife errors); 1 = one estimate',
          correlated: 'with per-batch data (replicas, or a file\'s jackknife replicates): fit the correlated chi^2 r^T C^-1 r (--no-correlated: each value by its own error)',
          candidates: `forward-fit candidates, comma-separated, of ${Object.keys(CANDIDATE_DESCRIPTIONS).join(',')}; nonlocal-gaussian is the slow one`,
          workers: 'spec only: worker threads',
          backend: 'tensor backend (nnft doctor shows which run here)',
        },
        {
          six: { default: false },
          background: { default: true },
          nominalError: { default: String(EXACT_INPUT_RELATIVE_ERROR_FLOOR) },
          replicas: { default: String(DEFAULT_REPLICAS) },
          correlated: { default: true },
          backend: { default: 'auto' },
          grid: { defaultDescription: 'min(8, 2N) points 0.5/m apart' },
          ensemble: { defaultDescription: "the spec's, else 100000" },
          seed: { defaultDescription: "the spec's, else 1" },
          mass: { defaultDescription: 'from the input' },
          candidates: { defaultDescription: 'all' },
          workers: { defaultDescription: 'every core' },
        },
      )
        .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON on stdout' }),
    handler: async (args: ActionArgs) => {
      Object.assign(args, checkFlags(args as unknown as Record<string, unknown>, ACTION_FLAG_RULES));
      if (args.grid !== undefined && args.points !== undefined) throw usage('give --grid or --points, not both');
      const candidates = args.candidates !== undefined ? parseCandidates(String(args.candidates)) : undefined;
      const report = await runAction(args.input, {
        cwd: context.cwd,
        ...(args.grid !== undefined ? { grid: String(args.grid) } : {}),
        ...(args.points !== undefined ? { points: String(args.points) } : {}),
        ...(args.ensemble !== undefined ? { ensemble: args.ensemble } : {}),
        ...(args.seed !== undefined ? { seed: args.seed } : {}),
        ...(args.widthHint !== undefined ? { widthHint: args.widthHint } : {}),
        ...(args.mass !== undefined ? { mass: args.mass } : {}),
        six: args.six,
        background: args.background,
        nominalError: args.nominalError,
        replicas: args.replicas,
        correlated: args.correlated,
        ...(candidates ? { candidates } : {}),
        workers: args.workers ?? availableParallelism(),
        backend: args.backend,
        onEvent: eventRenderer(context, args.json),
      });
      context.stdout(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderAction(report));
      context.exitCode = EXIT.ok;
    },
  };
}

