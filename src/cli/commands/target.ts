/**
 * `nnft target <file> [--json] [--method M] [--seed S]`: compute the target theory's connected
 * correlators at its points. Text mode prints the theory, the method and why it was chosen, one
 * table per order (value and error), and caveats; --json prints the result contract on stdout, with
 * progress as NDJSON events on stderr. Ctrl-C stops a lattice run early and reports what it has;
 * with --checkpoint FILE the run state is saved there and a later call with the same FILE resumes.
 * `--method perturbative --width N [--momenta M]` gives the first order in the couplings of nnft's
 * construction at width N instead of the target's infinite-width perturbation theory
 * (src/design/finite-width-first-order.ts; docs/correlators.md, "First order at finite width").
 */
import type { Argv } from 'yargs';
import { eventRenderer, type CliContext } from '../context.js';
import { commandSignal } from '../interrupts.js';
import { loadTarget } from '../../theory/load-target.js';
import type { CorrelatorMethod } from '../../theory/theory.js';
import { readJsonText } from '../../io/read-json-text.js';
import { parseJsonSource } from '../../schema/json-source.js';
import { parsePath } from '../../schema/json-path.js';
import { latticeCheckpointIssues } from '../../correlators/lattice-checkpoint.js';
import { resolve } from 'node:path';
import { computeTargetCorrelators, type LatticeCheckpoint, type TargetCorrelatorOptions } from '../../correlators/index.js';
import { finiteWidthFirstOrderResult, type FiniteWidthMomenta } from '../../design/finite-width-first-order.js';
import { writeJsonAtomic } from '../../io/atomic-write.js';
import type { CorrelatorResult } from '../../io/result.js';
import { EXIT, NnftError, isNnftError } from '../../errors.js';
import { renderWarnings } from '../render-error.js';
import { summariseTheory } from './validate.js';
import { networkReference, NETWORK_REFERENCE_DEFAULTS } from '../../design/network-reference.js';
import { availableParallelism } from 'node:os';
import { checkFlags, declareFlags } from '../check-flags.js';
import type { OptionRules } from '../../io/option-rules.js';
import { MAX_DESIGN_WIDTH, MAX_VALIDATION_ENSEMBLE } from '../../sweep/design-options.js';

const METHODS: (CorrelatorMethod | 'network')[] = ['auto', 'perturbative', 'spectral', 'lattice', 'data', 'network'];
const FIRST_ORDER_MOMENTA: FiniteWidthMomenta[] = ['auto', 'quadrature', 'split'];

/** nnft target's flags besides --method and --json (src/cli/check-flags.ts). */
const TARGET_FLAG_RULES: OptionRules = {
  width: { kind: 'integer', min: 1, max: MAX_DESIGN_WIDTH, fix: `the default is ${NETWORK_REFERENCE_DEFAULTS.width}` },
  ensemble: { kind: 'integer', min: 100, max: MAX_VALIDATION_ENSEMBLE, fix: `the default is ${NETWORK_REFERENCE_DEFAULTS.ensembleSize}` },
  seed: { kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, fix: 'a seed is a whole number >= 0' },
  checkpoint: { kind: 'string', fix: 'name a file, e.g. --checkpoint lattice-state.json' },
};

function formatValue(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e4 ? value.toFixed(Math.max(0, 10 - Math.max(0, Math.floor(Math.log10(magnitude)) + 1))) : value.toExponential(8);
}

function formatError(error: number): string {
  return error === 0 ? '0' : error.toExponential(1);
}

function methodDetails(result: CorrelatorResult): string {
  const r = result as Record<string, any>;
  switch (r.method) {
    case 'spectral':
      return `basis of ${r.basisSize} oscillator states, truncation error ${formatError(r.truncationError)}${r.converged ? '' : ' (not converged)'}`;
    case 'perturbative':
      if (r.firstOrderAtWidth) {
        const at = r.firstOrderAtWidth;
        return `width-${at.width} cos-net (alpha = 0, ${at.momentumSampling} momenta, Gaussian amplitude pairs, scale ${Number((at.architecture.amplitude?.scale ?? 1).toPrecision(6))}), weight on a box of side ${Number((at.deformation?.region?.side ?? 0).toPrecision(6))}; the zeroth and first orders apart, and the same construction at infinite width, in firstOrderAtWidth (--json)`;
      }
      return `quadrature grid of ${r.gridNodes} nodes, numerical error ${formatError(r.quadratureError)}`;
    case 'lattice':
      return `${r.lattice.sites}^${r.lattice.dimension} sites, spacing ${Number(r.lattice.spacing.toPrecision(4))}, ${r.trajectories} trajectories after ${r.thermalization} thermalisation, acceptance ${r.acceptance.toFixed(2)}, tau_int ${r.autocorrelationTime.toFixed(1)}, ${r.bins} jackknife bins, seed ${r.seed}`;
    case 'free':
      return 'exact regulated propagator';
    case 'data':
      return r.dataFile ? `from ${r.dataFile}` : 'inline in the target file';
    default:
      return '';
  }
}

export function renderTargetResult(result: CorrelatorResult): string {
  const r = result as Record<string, any>;
  const lines: string[] = [];
  lines.push(`method: ${r.method}${r.requestedMethod === 'auto' ? ' (chosen by auto)' : ''}`);
  lines.push(`  why:  ${r.methodReason}`);
  const details = methodDetails(result);
  if (details) lines.push(`  how:  ${details}`);
  lines.push(`points: ${result.points.map((point, i) => `x${i} = (${point.join(', ')})`).join('  ')}`);
  for (const block of result.correlators) {
    lines.push('');
    const labelWidth = Math.max(10, block.order * 4 + 2);
    if (block.values.every((value) => value === 0) && block.stderr.every((error) => error === 0)) {
      lines.push(`G_c${block.order}: all ${block.values.length} values are exactly 0`);
      continue;
    }
    lines.push(`G_c${block.order}`.padEnd(labelWidth) + 'value'.padStart(18) + '  ± error');
    block.indices.forEach((tuple, i) => {
      const label = `  ${tuple.map((index) => `x${index}`).join(' ')}`;
      lines.push(label.padEnd(labelWidth) + formatValue(block.values[i]!).padStart(18) + `  ${formatError(block.stderr[i]!)}`);
    });
  }
  const slice = r.timeSlice as { times: number[]; values: number[]; stderr: number[]; slicePoints: number } | undefined;
  if (slice && Array.isArray(slice.times)) {
    // the lattice's zero-momentum time-slice correlator (covariance in --json, or nnft observables)
    lines.push('');
    lines.push(`C(t) = a^(d-1) sum_x G_c2((t,x),(0,0)) over whole slices (${slice.slicePoints} sites; covariance with --json)`);
    slice.times.forEach((time, i) => lines.push(`  t = ${String(Number(time.toPrecision(6))).padEnd(10)}` + formatValue(slice.values[i]!).padStart(18) + `  ${formatError(slice.stderr[i]!)}`));
  }
  const caveats = (r.caveats ?? []) as string[];
  if (caveats.length > 0) {
    lines.push('');
    lines.push('caveats:');
    for (const caveat of caveats) lines.push(`  - ${caveat}`);
  }
  lines.push('');
  lines.push(`errors: ${r.errorMeaning}`);
  lines.push(`computed in ${(r.timing?.seconds ?? 0).toFixed(2)} s`);
  return `${lines.join('\n')}\n`;
}

/**
 * Resume from the checkpoint file when it exists (read as every input is: encodings, nesting, syntax
 * with line:column, then src/correlators/lattice-checkpoint.ts at JSON paths, so a damaged or edited
 * checkpoint is refused before the lattice run starts); always write the state back there atomically.
 */
async function checkpointOptions(path: string, shownPath: string): Promise<TargetCorrelatorOptions['latticeCheckpoint']> {
  let resume: LatticeCheckpoint | undefined;
  let text: string | null = null;
  try {
    text = await readJsonText(path, shownPath, 'lattice checkpoint');
  } catch (error) {
    if (!(isNnftError(error) && error.code === 'E_FILE_NOT_FOUND')) throw error;
  }
  if (text !== null) {
    const hint = 'nnft target writes this file; delete it to start the lattice run afresh';
    const parsed = parseJsonSource(text);
    if (!parsed.ok) {
      const where = parsed.issue.line !== undefined ? ` at line ${parsed.issue.line}:${parsed.issue.column}` : '';
      throw new NnftError('E_JSON_SYNTAX', `the lattice checkpoint is not valid JSON${where}`, { file: shownPath, issues: [{ ...parsed.issue, severity: 'error' }], hint });
    }
    const issues = latticeCheckpointIssues(parsed.value).map((issue) => ({ ...issue, ...parsed.locations.locate(parsePath(issue.path)) }));
    if (issues.length > 0) {
      throw new NnftError('E_SCHEMA', `the lattice checkpoint cannot be resumed from (${issues.length} problem${issues.length === 1 ? '' : 's'})`, { file: shownPath, issues, hint });
    }
    resume = parsed.value as LatticeCheckpoint;
  }
  return { resume, resumeFile: shownPath, onCheckpoint: (state) => writeJsonAtomic(path, state) };
}

export function targetCommand(context: CliContext) {
  return {
    command: 'target <file>',
    describe: "compute the target theory's connected correlators at its points",
    builder: (argv: Argv) =>
      declareFlags(
        argv
          .positional('file', { type: 'string', demandOption: true, describe: 'target JSON file' })
          .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON on stdout (progress as NDJSON on stderr)' })
          .option('method', {
            choices: METHODS,
            describe: 'override targetCorrelators.method; network: the analytic construction at large width on quadrature momenta, the same regulator as the file (Monte Carlo, d = 1, 2)',
          })
          .option('momenta', {
            choices: FIRST_ORDER_MOMENTA,
            describe: 'perturbative --width: how the construction draws momenta; auto: split in d = 1 without a cutoff, quadrature otherwise',
          }),
        TARGET_FLAG_RULES,
        {
          width: 'network: width; perturbative: first order of the construction at this width (not infinite width)',
          ensemble: 'network: networks',
          seed: 'root seed for the lattice method',
          checkpoint: 'lattice: save the run state here (every 30 s and on Ctrl-C) and resume from it if it exists',
        },
        {
          width: { defaultDescription: String(NETWORK_REFERENCE_DEFAULTS.width) },
          ensemble: { defaultDescription: String(NETWORK_REFERENCE_DEFAULTS.ensembleSize) },
        },
      ),
    // --json errors: runCli wraps every handler in withJsonErrors (src/cli/json-errors.ts).
    handler: async (args: TargetArgs) => {
      const flags = checkFlags(args as unknown as Record<string, unknown>, TARGET_FLAG_RULES) as Pick<TargetArgs, 'width' | 'ensemble' | 'seed' | 'checkpoint'>;
      await runTarget(context, { ...args, ...flags });
    },
  };
}

interface TargetArgs {
  file: string;
  json: boolean;
  method?: CorrelatorMethod | 'network';
  momenta?: FiniteWidthMomenta;
  seed?: number;
  checkpoint?: string;
  width?: number;
  ensemble?: number;
}

/** --width belongs to network and perturbative, --momenta to perturbative --width: anything else is a usage error (exit 2). */
function checkWidthFlags(args: TargetArgs): void {
  if (args.width !== undefined && args.method !== 'network' && args.method !== 'perturbative') {
    throw new NnftError('E_USAGE', `--width applies to --method perturbative (first order at width N) or --method network, not to ${args.method === undefined ? 'the default method' : `--method ${args.method}`}`, {
      hint: 'add --method perturbative for the first order of the width-N construction',
    });
  }
  if (args.momenta !== undefined && !(args.method === 'perturbative' && args.width !== undefined)) {
    throw new NnftError('E_USAGE', '--momenta applies to --method perturbative --width N only', { hint: 'add --method perturbative --width N, or drop --momenta' });
  }
}

async function runTarget(context: CliContext, args: TargetArgs): Promise<void> {
  checkWidthFlags(args);
  const { theory, warnings } = await loadTarget(args.file, { cwd: context.cwd });
  if (warnings.length > 0 && !args.json) context.stderr(`warnings in ${args.file}:\n${renderWarnings(args.file, warnings)}`);
  // The method line is part of the printed result in text mode, so only --json repeats it as an event.
  const render = eventRenderer(context, args.json);
  const onEvent = args.json ? render : (event: Parameters<typeof render>[0]) => (event.type === 'info' && event.data?.method ? undefined : render(event));
  const interrupt = commandSignal(context);
  let result: CorrelatorResult;
  const latticeCheckpoint = args.checkpoint === undefined ? undefined : await checkpointOptions(resolve(context.cwd, args.checkpoint), args.checkpoint);
  try {
    result =
      args.method === 'perturbative' && args.width !== undefined
        ? finiteWidthFirstOrderResult(theory, { width: args.width, ...(args.momenta !== undefined ? { momenta: args.momenta } : {}) })
        : args.method === 'network'
        ? await networkReference(theory, {
            ...(args.width !== undefined ? { width: args.width } : {}),
            ...(args.ensemble !== undefined ? { ensembleSize: args.ensemble } : {}),
            ...(args.seed !== undefined ? { seed: args.seed } : {}),
            workers: availableParallelism(),
            onEvent,
          })
        : await computeTargetCorrelators(theory, {
      method: args.method,
      seed: args.seed,
      onEvent,
      signal: interrupt.signal,
      latticeCheckpoint,
    });
  } finally {
    interrupt.dispose();
  }
  if (args.json) context.stdout(`${JSON.stringify({ ...result, warnings }, null, 2)}\n`);
  else context.stdout(`${args.file}\n${summariseTheory(theory).join('\n')}\n\n${renderTargetResult(result)}`);
  context.exitCode = (result as Record<string, unknown>).stoppedEarly ? EXIT.interrupted : EXIT.ok;
}
