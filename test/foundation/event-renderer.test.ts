import { describe, expect, it } from 'vitest';
import { eventRenderer } from '../../src/cli/context.js';
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
