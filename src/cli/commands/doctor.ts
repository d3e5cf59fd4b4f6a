/**
 * `nnft doctor`: which backend runs, every backend tried and why it was or was not used, versions,
 * the environment variables that steer the backends, and a measured matmul throughput.
 */
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { runDoctor, type DoctorReport } from '../../backend/doctor.js';
import { BACKEND_REQUESTS, type BackendRequest } from '../../backend/index.js';
import { checkFlags, declareFlags } from '../check-flags.js';
import type { OptionRules } from '../../io/option-rules.js';

function renderReport(report: DoctorReport): string {
  const lines: string[] = [];
  lines.push(`backend:  ${report.backend.name}${report.backend.gpu ? ' (GPU)' : ''}`);
  lines.push(`device:   ${report.backend.device}`);
  lines.push(`requested: ${report.backend.requested}`);
  lines.push('attempts:');
  for (const attempt of report.backend.attempts) {
    lines.push(`  ${attempt.ok ? '✔' : '✖'} ${attempt.backend.padEnd(10)} ${attempt.reason}`);
  }
  lines.push('versions:');
  for (const [name, version] of Object.entries(report.backend.versions)) lines.push(`  ${name.padEnd(10)} ${version}`);
  lines.push('environment:');
  for (const [name, value] of Object.entries(report.backend.environment)) lines.push(`  ${name} = ${value ?? '(unset)'}`);
  const m = report.matmul;
  lines.push(
    `matmul:   ${m.size}x${m.size} float32, ${m.repeats} repeats: ${m.gflops.toFixed(2)} GFLOP/s (${(m.secondsPerMatmul * 1e3).toFixed(2)} ms each)`,
  );
  lines.push(`cores:    ${report.cpuCount} (workers default to this)`);
  return `${lines.join('\n')}\n`;
}

/** nnft doctor's flags (src/cli/check-flags.ts). */
const DOCTOR_FLAG_RULES: OptionRules = { backend: { kind: 'choice', choices: [...BACKEND_REQUESTS] } };

export function doctorCommand(context: CliContext) {
  return {
    command: 'doctor',
    describe: 'show the backend nnft would use, why, and how fast it is',
    builder: (argv: Argv) =>
      declareFlags(argv, DOCTOR_FLAG_RULES, { backend: 'backend to try' }, { backend: { default: 'auto' } })
        .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' }),
    handler: async (args: { backend: BackendRequest; json: boolean }) => {
      Object.assign(args, checkFlags(args, DOCTOR_FLAG_RULES));
      const report = await runDoctor(args.backend);
      context.stdout(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
      context.exitCode = 0;
    },
  };
}
