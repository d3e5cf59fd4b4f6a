/**
 * `nnft design <target.json>`: gradient-based design of a network ensemble that realises the target
 * theory; writes a run directory with spec.json and prints target vs achieved correlators. Parses the
 * flags into the library's settings and run (designFile / resumeDesign, src/design/design.ts) and
 * renders the result; with --json every outcome, an error included, is one JSON object on stdout
 * (the shared handler, json-errors.ts).
 */
import type { Argv, Options } from 'yargs';
import type { CliContext } from '../context.js';
import { eventRenderer } from '../context.js';
import { commandSignal } from '../interrupts.js';
import { availableParallelism } from 'node:os';
import { designFile, headline, resumeDesign, type DesignResult, type DesignRun } from '../../design/design.js';
import { DESIGN_DEFAULTS, DESIGN_OPTION_ORDER, DESIGN_OPTION_RULES, splitDesignOptions } from '../../design/design-settings.js';
import type { BackendRequest } from '../../backend/index.js';
import { checkFlags, declareFlags } from '../check-flags.js';
import { NnftError } from '../../errors.js';
import { designExitStatus } from '../../io/exit-status.js';

interface DesignArgs {
  target?: string;
  out?: string;
  resume?: string;
  json: boolean;
}

/** The checked design flags, keyed like DESIGN_OPTION_RULES. */
interface DesignFlags {
  width?: number | 'auto';
  ensembleSize?: number;
  minWidth?: number;
  maxWidth?: number;
  validationEnsembleSize?: number;
  maxValidationEnsembleSize?: number;
  seed?: number;
  tolerance?: number;
  maxSteps?: number;
  timeLimitSeconds?: number;
  amplitudeLaw?: 'tuned' | 'fixed' | 'gaussian';
  momenta?: 'auto' | 'independent' | 'stratified' | 'quadrature' | 'split';
  targetMethod?: 'auto' | 'perturbative' | 'spectral' | 'lattice' | 'network';
  backend?: BackendRequest;
  workers?: number;
}

function format(value: number): string {
  return Math.abs(value) >= 1e-3 || value === 0 ? value.toFixed(5) : value.toExponential(3);
}

export function renderDesign(result: DesignResult): string {
  const lines: string[] = [];
  const reported = result.widthCurve.find((trial) => trial.width === result.width);
  if (result.status === 'interrupted') lines.push('status:     interrupted (resume with --resume)');
  else if (result.consistency && result.relativeError !== null && reported) {
    lines.push(`status:     ${headline({ status: reported.status, relativeError: result.relativeError, relativeErrorStderr: reported.relativeErrorStderr, consistency: result.consistency, ensembleSize: Number(result.validationEnsembleSize) }, result.tolerance)}${result.status === 'met' ? '' : ' (best width shown)'}`);
  } else lines.push(`status:     ${result.status}`);
  for (const reason of result.reasons) lines.push(`  because:  ${reason}`);
  lines.push(`width:      ${result.width ?? '—'}`);
  if (result.parameters) {
    lines.push('parameters: ' + Object.entries(result.parameters).map(([name, value]) => `${name} = ${value.toPrecision(5)}`).join(', '));
  }
  if (result.comparison) {
    for (const order of result.comparison.orders) {
      lines.push('');
      lines.push(`G_c${order.order}: relative error ${order.relativeError.toFixed(4)} ± ${order.relativeErrorStderr.toFixed(4)} (scale ${order.scaleSource})`);
      lines.push(`  ${'points'.padEnd(12)} ${'target'.padStart(12)} ${'achieved'.padStart(12)} ${'± err'.padStart(10)} ${'pull'.padStart(6)}`);
      const rows = order.rows.length > 8 ? [...order.rows].sort((a, b) => Math.abs(b.achieved - b.target) - Math.abs(a.achieved - a.target)).slice(0, 8) : order.rows;
      for (const row of rows) {
        lines.push(`  ${row.indices.map((i) => `x${i}`).join(' ').padEnd(12)} ${format(row.target).padStart(12)} ${format(row.achieved).padStart(12)} ${format(row.achievedStderr).padStart(10)} ${row.pull.toFixed(1).padStart(6)}`);
      }
      if (order.rows.length > 8) lines.push(`  (the 8 largest deviations of ${order.rows.length} tuples)`);
    }
  }
  if (result.widthCurve.length > 1) {
    lines.push('');
    lines.push('width curve: ' + result.widthCurve.map((trial) => `N=${trial.width}: ${trial.relativeError.toFixed(3)} p=${trial.pValue.toPrecision(2)}${trial.met ? ' ✔' : trial.status === 'unresolved' ? ' ?' : ''}`).join(', '));
  }
  lines.push('');
  for (const note of result.notes) lines.push(`note: ${note}`);
  lines.push(`validation: ${result.validationEnsembleSize} networks, fresh seed; backend ${String(result.backend)}; ${Number(result.seconds).toFixed(0)} s`);
  if (result.specPath) lines.push(`spec:       ${result.specPath}`);
  return `${lines.join('\n')}\n`;
}

/** Help text of the design flags (the accepted ranges come from DESIGN_OPTION_RULES, the defaults from DESIGN_FLAG_DEFAULTS). */
const DESIGN_FLAG_HELP: Record<string, string> = {
  width: 'network width, or auto: the smallest width meeting --tolerance',
  minWidth: 'smallest width --width auto tries',
  maxWidth: 'largest width --width auto tries',
  ensembleSize: 'networks in the fixed design sample',
  validationEnsembleSize: 'networks in each validation estimate, a pilot grown to resolve the tolerance',
  maxValidationEnsembleSize: 'largest validation estimate per width; beyond it the verdict is unresolved, exit 3',
  seed: 'root seed',
  tolerance: 'largest relative error per order',
  maxSteps: 'optimisation iterations per width; 0 validates the analytic construction unoptimised',
  timeLimitSeconds: 'wall-clock limit in seconds (stops the optimisation, then validates)',
  amplitudeLaw: 'amplitude law of the output weights: tuned (the kurtosis is trained), fixed |a| or gaussian',
  momenta: 'how neurons draw momenta: independent, stratified (one quantile cell per neuron; d = 1, 2), quadrature (fixed nodes, needs a cutoff; d = 1..3) or split (fixed nodes below the mode cutoff, stratified above; d = 1 without a cutoff); auto: split for interacting d = 1 targets without a cutoff, stratified with one, quadrature in d = 2 and 3, independent with --amplitude gaussian',
  targetMethod:
    "how the target's correlators are computed; auto: the target file's method; network: the analytic construction at width 1024 on quadrature momenta (the file's regulator, --validation-ensemble networks)",
  backend: 'tensor backend (nnft doctor shows which run here)',
  workers: 'worker threads for the design sample and the validation estimates',
};

/**
 * The design flags' defaults as help shows them ("[default: 32]"). Only width and backend are yargs
 * defaults; the others stay unset when not given, so a resumed run keeps its stored settings.
 */
const DESIGN_FLAG_DEFAULTS: Record<string, Options> = {
  width: { default: 'auto' },
  backend: { default: 'auto' },
  minWidth: { defaultDescription: `${DESIGN_DEFAULTS.minWidth} in d <= 2, ${2 * DESIGN_DEFAULTS.minWidth} in d = 3, ${4 * DESIGN_DEFAULTS.minWidth} in d = 4` },
  maxWidth: { defaultDescription: String(DESIGN_DEFAULTS.maxWidth) },
  ensembleSize: { defaultDescription: String(DESIGN_DEFAULTS.ensembleSize) },
  validationEnsembleSize: { defaultDescription: String(DESIGN_DEFAULTS.validationEnsembleSize) },
  maxValidationEnsembleSize: { defaultDescription: String(DESIGN_DEFAULTS.maxValidationEnsembleSize) },
  seed: { defaultDescription: String(DESIGN_DEFAULTS.seed) },
  tolerance: { defaultDescription: String(DESIGN_DEFAULTS.tolerance) },
  maxSteps: { defaultDescription: String(DESIGN_DEFAULTS.maxSteps) },
  timeLimitSeconds: { defaultDescription: 'none' },
  amplitudeLaw: { defaultDescription: 'tuned' },
  momenta: { defaultDescription: 'auto' },
  targetMethod: { defaultDescription: 'auto' },
  workers: { defaultDescription: 'every core' },
};

export function designCommand(context: CliContext) {
  return {
    command: 'design [target]',
    describe: 'design a network ensemble that realises the target theory (writes a run directory with spec.json)',
    builder: (argv: Argv) =>
      declareFlags(
        argv
          .positional('target', { type: 'string', describe: 'target JSON file (omit with --resume)' })
          .option('out', { type: 'string', requiresArg: true, describe: 'run directory', defaultDescription: 'runs/<target name>-<time>' })
          .option('resume', { type: 'string', requiresArg: true, describe: 'continue the run in this directory (refuses a changed config)' }),
        DESIGN_OPTION_RULES,
        DESIGN_FLAG_HELP,
        DESIGN_FLAG_DEFAULTS,
      ).option('json', { type: 'boolean', default: false, describe: 'print the result (or the error) as one JSON object on stdout, NDJSON events on stderr' }),
    handler: async (args: DesignArgs) => {
      // Every flag is checked before the run directory (or anything else) is touched.
      const flags = checkFlags(args as unknown as Record<string, unknown>, DESIGN_OPTION_RULES, DESIGN_OPTION_ORDER) as DesignFlags;
      const { settings, run: given } = splitDesignOptions(flags as Record<string, unknown>);
      // --width has the yargs default auto: on --resume it stands for the stored width.
      if (args.resume && settings.width === 'auto') delete settings.width;
      if (!args.resume && !args.target) throw new NnftError('E_USAGE', 'name a target file, or --resume a run directory', { hint: 'nnft design targets/phi4-local-1d.json' });
      const interrupt = commandSignal(context);
      const run: DesignRun = {
        backend: given.backend ?? 'auto',
        workers: given.workers ?? availableParallelism(),
        ...(given.timeLimitSeconds !== undefined ? { timeLimitSeconds: given.timeLimitSeconds } : {}),
        onEvent: eventRenderer(context, args.json),
        signal: interrupt.signal,
      };
      try {
        const result = args.resume
          ? await resumeDesign(args.resume, run, { ...(args.target !== undefined ? { targetFile: args.target } : {}), settings })
          : await designFile(args.target!, settings, { ...run, out: args.out ?? defaultRunDirectory(args.target!) });
        context.stdout(args.json ? `${JSON.stringify(result)}\n` : renderDesign(result));
        context.exitCode = designExitStatus(result.status);
      } finally {
        interrupt.dispose();
      }
    },
  };
}

/** runs/<target name>-<time>, the run directory when --out is not given. */
function defaultRunDirectory(targetFile: string): string {
  const name = targetFile.replace(/^.*\//, '').replace(/\.json$/, '');
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `runs/${name}-${stamp}`;
}
