import { describe, expect, it } from 'vitest';
import { drive, type Stepper } from '../../src/numeric/driver.js';
import { NnftError } from '../../src/errors.js';
import { Rng } from '../../src/random/rng.js';

/** A random walk whose step t draws from its own stream: the state is all a continuation needs. */
interface Walk {
  step: number;
  position: number;
  path: number[];
}

const fresh = (): Walk => ({ step: 0, position: 0, path: [] });

function walker(totalSteps: number, options: { poisonAt?: number; stopAbove?: number } = {}): Stepper<Walk> {
  return {
    totalSteps,
    stepsDone: (state) => state.step,
    step(state) {
      const jump = Rng.fromTree(7, 'walk', state.step).normal();
      const position = state.step + 1 === options.poisonAt ? NaN : state.position + jump;
      return { step: state.step + 1, position, path: [...state.path, position] };
    },
    nonFinite: (state) => (Number.isFinite(state.position) ? null : 'the walker position'),
    ...(options.stopAbove !== undefined ? { finished: (state: Walk) => state.position > options.stopAbove! } : {}),
  };
}

describe('the driver', () => {
  it('runs a stepper to completion and calls the step hook once per step', async () => {
    const seen: number[] = [];
    const { state, stop } = await drive(walker(25), fresh(), { task: 'a walk', afterStep: (now) => void seen.push(now.step) });
    expect(stop).toBe('complete');
    expect(state.step).toBe(25);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('a run resumed from a saved state (through JSON) continues exactly as the uninterrupted one', async () => {
    const whole = await drive(walker(40), fresh(), { task: 'a walk' });
    const controller = new AbortController();
    let saved: string | undefined;
    const first = await drive(walker(40), fresh(), {
      task: 'a walk',
      signal: controller.signal,
      checkpoint: (now) => void (saved = JSON.stringify(now)),
      checkpointOnStop: true,
      afterStep: (now) => (now.step === 17 ? controller.abort() : undefined),
    });
    expect(first.stop).toBe('aborted');
    expect(first.state.step).toBe(17);
    const resumed = await drive(walker(40), JSON.parse(saved!) as Walk, { task: 'a walk' });
    expect(resumed.state).toEqual(whole.state);
    // The two halves are not the same walk by accident: a different seed stream would differ.
    expect(resumed.state.path.slice(17)).not.toEqual(whole.state.path.slice(0, 23));
  });

  it('stops before the first step when the signal has already fired, saving the state once', async () => {
    const controller = new AbortController();
    controller.abort('SIGINT');
    const saves: number[] = [];
    const { state, stop } = await drive(walker(10), fresh(), { task: 'a walk', signal: controller.signal, checkpoint: (now) => void saves.push(now.step), checkpointOnStop: true, checkpointEverySteps: 1 });
    expect(stop).toBe('aborted');
    expect(state.step).toBe(0);
    expect(saves).toEqual([0]);
  });

  it('stops at a past deadline before stepping, and never stops for a future one', async () => {
    const past = await drive(walker(10), fresh(), { task: 'a walk', deadline: Date.now() - 1 });
    expect(past).toMatchObject({ stop: 'deadline', state: { step: 0 } });
    const future = await drive(walker(10), fresh(), { task: 'a walk', deadline: Date.now() + 3_600_000 });
    expect(future).toMatchObject({ stop: 'complete', state: { step: 10 } });
    // A deadline that passes during the run (a clock that advances 10 ms per step): the step under
    // way completes, then the run stops.
    let time = 0;
    const ticking: Stepper<Walk> = { ...walker(1000), step: (state) => ((time += 10), walker(1000).step(state)) };
    const during = await drive(ticking, fresh(), { task: 'a walk', clock: () => time, deadline: 55 });
    expect(during).toMatchObject({ stop: 'deadline', state: { step: 6 } });
  });

  it('a non-finite state stops the run with E_NUMERIC naming the quantity and the step', async () => {
    const run = drive(walker(30, { poisonAt: 12 }), fresh(), { task: 'a walk', nonFiniteHint: 'lower the step' });
    await expect(run).rejects.toBeInstanceOf(NnftError);
    await expect(drive(walker(30, { poisonAt: 12 }), fresh(), { task: 'a walk' })).rejects.toMatchObject({
      code: 'E_NUMERIC',
      message: 'the walker position became non-finite in a walk at step 12',
    });
  });

  it('checkpoints every k steps, skips the cadence after the last step, and saves once on the stop', async () => {
    const saves: number[] = [];
    await drive(walker(10), fresh(), { task: 'a walk', checkpoint: (now) => void saves.push(now.step), checkpointEverySteps: 3, checkpointOnStop: true });
    expect(saves).toEqual([3, 6, 9, 10]);
    const withoutStop: number[] = [];
    await drive(walker(10), fresh(), { task: 'a walk', checkpoint: (now) => void withoutStop.push(now.step), checkpointEverySteps: 4 });
    expect(withoutStop).toEqual([4, 8]);
    // The last step falls on the cadence: saved once, by the stop.
    const onCadence: number[] = [];
    await drive(walker(10), fresh(), { task: 'a walk', checkpoint: (now) => void onCadence.push(now.step), checkpointEverySteps: 5, checkpointOnStop: true });
    expect(onCadence).toEqual([5, 10]);
  });

  it('checkpoints by elapsed seconds', async () => {
    const saves: number[] = [];
    let time = 0;
    const ticking: Stepper<Walk> = { ...walker(9), step: (state) => ((time += 25), walker(9).step(state)) };
    await drive(ticking, fresh(), { task: 'a walk', clock: () => time, checkpoint: (now) => void saves.push(now.step), checkpointEverySeconds: 0.06 });
    // 25 ms per step, a save once more than 60 ms have passed since the last: after steps 3 and 6, not 9 (the last).
    expect(saves).toEqual([3, 6]);
  });

  it("stops on the stepper's own rule, saving the state once", async () => {
    const saves: number[] = [];
    const { state, stop } = await drive(walker(1000, { stopAbove: 3 }), fresh(), { task: 'a walk', checkpoint: (now) => void saves.push(now.step), checkpointEverySteps: 1, checkpointOnStop: true });
    expect(stop).toBe('finished');
    expect(state.position).toBeGreaterThan(3);
    expect(state.path.slice(0, -1).every((position) => position <= 3)).toBe(true);
    expect(saves).toEqual(Array.from({ length: state.step }, (_, i) => i + 1));
  });
});
