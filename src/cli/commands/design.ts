/**
 * `nnft design <target.json>`: gradient-based design of a network ensemble that realises the target
 * theory; writes a run directory with spec.json and prints target vs achieved correlators.
 */
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { eventRenderer } from '../context.js';
import { commandSignal } from '../interrupts.js';
import { design, readDesignRunConfig, DESIGN_DEFAULTS, type DesignResult, type DesignOptions } from '../../design/design.js';
import { BACKEND_REQUESTS, type BackendRequest } from '../../backend/index.js';
import { NnftError } from '../../errors.js';
import { EXIT } from '../../errors.js';

interface DesignArgs {
  target?: string;
  out?: string;
  resume?: string;
  width: string;
  ensemble?: number;
  minWidth?: number;
  maxWidth?: number;
  validationEnsemble?: number;
  seed?: number;
  tolerance?: number;
  maxSteps?: number;
  timeLimit?: number;
  amplitude?: 'tuned' | 'fixed' | 'gaussian';
  momenta?: 'auto' | 'independent' | 'stratified' | 'quadrature';
  targetMethod?: 'auto' | 'perturbative' | 'spectral' | 'lattice' | 'network';
  backend: BackendRequest;
  workers?: number;
  json: boolean;
}

function format(value: number): string {
  return Math.abs(value) >= 1e-3 || value === 0 ? value.toFixed(5) : value.toExponential(3);
}

export function renderDesign(result: DesignResult): string {
  const lines: string[] = [];
  lines.push(`status:     ${result.status === 'met' ? `tolerance ${result.tolerance} met` : result.status === 'interrupted' ? 'interrupted (resume with --resume)' : `tolerance ${result.tolerance} NOT met (best width shown)`}`);
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
    lines.push('width curve: ' + result.widthCurve.map((trial) => `N=${trial.width}: ${trial.relativeError.toFixed(3)}${trial.met ? ' ✔' : ''}`).join(', '));
  }
  lines.push('');
  for (const note of result.notes) lines.push(`note: ${note}`);
  lines.push(`validation: ${result.validationEnsembleSize} networks, fresh seed; backend ${String(result.backend)}; ${Number(result.seconds).toFixed(0)} s`);
  if (result.specPath) lines.push(`spec:       ${result.specPath}`);
  return `${lines.join('\n')}\n`;
}

export function designCommand(context: CliContext) {
  return {
    command: 'design [target]',
    describe: 'design a network ensemble that realises the target theory (writes a run directory with spec.json)',
    builder: (argv: Argv) =>
      argv
        .positional('target', { type: 'string', describe: 'target JSON file (omit with --resume)' })
        .option('out', { type: 'string', describe: 'run directory (default runs/<target name>-<time>)' })
        .option('resume', { type: 'string', describe: 'continue the run in this directory (refuses a changed config)' })
        .option('width', { type: 'string', default: 'auto', describe: 'network width, or auto: the smallest width meeting --tolerance' })
        .option('min-width', { type: 'number', describe: `smallest width --width auto tries (default ${DESIGN_DEFAULTS.minWidth})` })
        .option('max-width', { type: 'number', describe: `largest width --width auto tries (default ${DESIGN_DEFAULTS.maxWidth})` })
        .option('ensemble', { type: 'number', describe: `networks in the fixed design sample (default ${DESIGN_DEFAULTS.ensembleSize})` })
        .option('validation-ensemble', { type: 'number', describe: `networks in each validation estimate (default ${DESIGN_DEFAULTS.validationEnsembleSize})` })
        .option('seed', { type: 'number', describe: `root seed (default ${DESIGN_DEFAULTS.seed})` })
        .option('tolerance', { type: 'number', describe: `largest relative error per order (default ${DESIGN_DEFAULTS.tolerance})` })
        .option('max-steps', { type: 'number', describe: `optimisation iterations per width (default ${DESIGN_DEFAULTS.maxSteps}; 0 validates the analytic construction unoptimised)` })
        .option('time-limit', { type: 'number', describe: 'wall-clock limit in seconds (stops the optimisation, then validates)' })
        .option('amplitude', { choices: ['tuned', 'fixed', 'gaussian'] as const, describe: 'amplitude law of the output weights: tuned (trained kurtosis, default), fixed |a| or gaussian' })
        .option('momenta', {
          choices: ['auto', 'independent', 'stratified', 'quadrature'] as const,
          describe: 'how neurons draw momenta: stratified (one cell of the density per neuron; d = 1, 2) or independent; auto: stratified in d = 2 unless --amplitude gaussian',
        })
        .option('target-method', {
          choices: ['auto', 'perturbative', 'spectral', 'lattice', 'network'] as const,
          describe: "how the target's correlators are computed (default: the target file's method); network: the analytic construction at width 1024 on quadrature momenta (the file's regulator, --validation-ensemble networks)",
        })
        .option('backend', { choices: BACKEND_REQUESTS as BackendRequest[], default: 'auto' as BackendRequest })
        .option('workers', { type: 'number', describe: 'worker threads for validation estimates (default: all cores)' })
        .option('json', { type: 'boolean', default: false, describe: 'print the result object on stdout, NDJSON events on stderr' }),
    handler: async (args: DesignArgs) => {
      let targetFile = args.target;
      let stored: Record<string, unknown> = {};
      if (args.resume) {
        const config = await readDesignRunConfig(args.resume);
        targetFile ??= config.targetFile;
        stored = config.settings;
      }
      if (!targetFile) throw new NnftError('E_USAGE', 'name a target file, or --resume a run directory', { hint: 'nnft design targets/phi4-local-1d.json' });
      const pick = <T>(given: T | undefined, key: string): T | undefined => (given !== undefined ? given : (stored[key] as T | undefined));
      const widthText = args.resume && args.width === 'auto' && stored.width !== undefined ? String(stored.width) : args.width;
      const width = widthText === 'auto' ? 'auto' : Number(widthText);
      if (width !== 'auto' && !(Number.isInteger(width) && width > 0)) throw new NnftError('E_USAGE', `--width must be a positive integer or auto, got ${args.width}`);
      const name = targetFile.replace(/^.*\//, '').replace(/\.json$/, '');
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
      const interrupt = commandSignal(context);
      const options: DesignOptions = {
        width,
        out: args.resume ?? args.out ?? `runs/${name}-${stamp}`,
        resume: Boolean(args.resume),
        backend: args.backend,
        workers: args.workers ?? (await import('node:os')).availableParallelism(),
        onEvent: eventRenderer(context, args.json),
        signal: interrupt.signal,
      };
      const setIf = <K extends keyof DesignOptions>(key: K, value: DesignOptions[K] | undefined) => {
        if (value !== undefined) options[key] = value;
      };
      setIf('ensembleSize', pick(args.ensemble, 'ensembleSize'));
      setIf('minWidth', pick(args.minWidth, 'minWidth'));
      setIf('maxWidth', pick(args.maxWidth, 'maxWidth'));
      setIf('validationEnsembleSize', pick(args.validationEnsemble, 'validationEnsembleSize'));
      setIf('seed', pick(args.seed, 'seed'));
      setIf('tolerance', pick(args.tolerance, 'tolerance'));
      setIf('maxSteps', pick(args.maxSteps, 'maxSteps'));
      setIf('amplitudeLaw', pick(args.amplitude, 'amplitudeLaw'));
      setIf('momenta', pick(args.momenta, 'momenta'));
      setIf('targetMethod', pick(args.targetMethod, 'targetMethod'));
      setIf('timeLimitSeconds', args.timeLimit);
      try {
        const result = await design(targetFile, options);
        context.stdout(args.json ? `${JSON.stringify(result)}\n` : renderDesign(result));
        context.exitCode = result.status === 'interrupted' ? EXIT.interrupted : result.status === 'met' ? EXIT.ok : EXIT.failure;
      } finally {
        interrupt.dispose();
      }
    },
  };
}
