import { describe, expect, it } from 'vitest';
import { endProgressLine, eventRenderer, withProgressDiscipline } from '../../src/cli/context.js';
import { captureCli } from '../helpers/cli-capture.js';

function capture(isTTY: boolean): { context: ReturnType<typeof captureCli>; text: () => string } {
  const context = captureCli(undefined, isTTY);
  return { context, text: () => context.err };
}

describe('CLI progress lines', () => {
  it('plain output prints one line per tenth of a long task, always the last', () => {
    const { context, text } = capture(false);
    const render = eventRenderer(context, false);
    for (let done = 1; done <= 200; done++) render({ type: 'progress', task: 'draw', done, total: 200, etaSeconds: 200 - done });
    const lines = text().trim().split('\n');
    expect(lines.length).toBe(11); // the first event, then each tenth
    expect(lines.at(-1)).toBe('draw 200/200 ETA 0s');
  });

  it('a TTY gets one live line, rewritten in place', () => {
    const { context, text } = capture(true);
    const render = eventRenderer(context, false);
    for (let done = 1; done <= 3; done++) render({ type: 'progress', task: 'fit', done, total: 3, message: 'chi2/dof 1.0' });
    expect(text().split('\r').length).toBe(4);
    expect(text().endsWith('\n')).toBe(true);
  });
});

describe('a live progress line ends cleanly', () => {
  it('a message after a progress line that stopped short of its total starts on a line of its own', () => {
    const { context, text } = capture(true);
    const render = eventRenderer(context, false);
    // A fit that converged at step 2 of at most 40 never reaches done = total.
    render({ type: 'progress', task: 'width 16 round 1 fit', done: 1, total: 40, message: 'chi2/dof 3.000' });
    render({ type: 'progress', task: 'width 16 round 1 fit', done: 2, total: 40, message: 'chi2/dof 1.0' });
    render({ type: 'info', message: 'width 16: fit converged after 2 steps' });
    render({ type: 'warning', message: 'careful' });
    expect(text()).toBe('\rwidth 16 round 1 fit 1/40 chi2/dof 3.000\rwidth 16 round 1 fit 2/40 chi2/dof 1.0  \nwidth 16: fit converged after 2 steps\n⚠ careful\n');
  });

  it("another task's progress starts a new live line, keeping the last state of the one before", () => {
    const { context, text } = capture(true);
    const render = eventRenderer(context, false);
    render({ type: 'progress', task: 'fit', done: 3, total: 40 });
    render({ type: 'progress', task: 'validation networks', done: 100, total: 1000 });
    expect(text()).toBe('\rfit 3/40\n\rvalidation networks 100/1000');
  });

  it("the command's own output (stdout) and the end of the command end an open line", () => {
    const { context } = capture(true);
    const cli = withProgressDiscipline(context);
    const render = eventRenderer(cli, false);
    render({ type: 'progress', task: 'networks', done: 10, total: 100 });
    cli.stdout('status: met\n');
    expect(context.err).toBe('\rnetworks 10/100\n');
    expect(context.out).toBe('status: met\n');
    render({ type: 'progress', task: 'networks', done: 20, total: 100 });
    endProgressLine(cli);
    endProgressLine(cli);
    expect(context.err).toBe('\rnetworks 10/100\n\rnetworks 20/100\n');
    // Everything but stdout is the caller's context: an exit code set through it lands there.
    cli.exitCode = 3;
    expect(context.exitCode).toBe(3);
  });

  it('plain (non-TTY) output never writes a carriage return', () => {
    const { context, text } = capture(false);
    const render = eventRenderer(context, false);
    render({ type: 'progress', task: 'fit', done: 1, total: 40 });
    render({ type: 'info', message: 'done' });
    expect(text()).toBe('fit 1/40\ndone\n');
  });
});

describe('NDJSON events', () => {
  it('every line carries timestamp and elapsed beside the structured step fields', () => {
    const { context, text } = capture(false);
    const render = eventRenderer(context, true);
    render({ type: 'progress', task: 'width 16 round 1 fit', done: 2, total: 40, message: 'chi2/dof 1.0', step: 2, chi2: 18, chi2PerDof: 1, ess: 1900.5, ensembleSize: 2000 });
    render({ type: 'info', message: 'hello' });
    const lines = text().trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ type: 'progress', step: 2, chi2: 18, chi2PerDof: 1, ess: 1900.5, ensembleSize: 2000 });
    for (const line of lines) {
      expect(Number.isNaN(Date.parse(line.timestamp))).toBe(false);
      expect(line.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(line.elapsed).toBeGreaterThanOrEqual(0);
      expect(line.elapsed).toBeLessThan(60);
    }
  });
});
