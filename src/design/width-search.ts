/**
 * Width is a design variable: find the smallest width whose validated correlators meet the
 * tolerance. Doubling from `minWidth` until a width passes (or `maxWidth` fails), then bisection
 * between the last failing and the first passing width down to `resolution` (relative), so the
 * number of designs run is logarithmic in the width range. Every trial is kept for the report.
 */

export interface WidthTrialOutcome {
  width: number;
  /** Largest relative error over the orders, from the validation estimate. */
  relativeError: number;
  /** Its standard error. */
  relativeErrorStderr: number;
  met: boolean;
}

export interface WidthSearchSettings {
  minWidth: number;
  maxWidth: number;
  /** Stop bisecting when (pass - fail) / pass <= resolution. */
  resolution: number;
  /** Widths are rounded to multiples of this (SIMD-friendly shapes). */
  granularity: number;
}

export interface WidthSearchHooks<Trial> {
  /** Stop searching after this trial (for example: its statistics cannot resolve the tolerance, and no width will). */
  stop?: (trial: Trial) => boolean;
}

export interface WidthSearchResult<Trial extends WidthTrialOutcome> {
  chosen: Trial | null;
  trials: Trial[];
}

function roundWidth(width: number, granularity: number): number {
  return Math.max(granularity, Math.round(width / granularity) * granularity);
}

export async function searchWidth<Trial extends WidthTrialOutcome>(
  runAtWidth: (width: number) => Promise<Trial>,
  settings: WidthSearchSettings & WidthSearchHooks<Trial>,
): Promise<WidthSearchResult<Trial>> {
  const trials: Trial[] = [];
  const tried = new Map<number, Trial>();
  const attempt = async (width: number): Promise<Trial> => {
    const existing = tried.get(width);
    if (existing) return existing;
    const trial = await runAtWidth(width);
    tried.set(width, trial);
    trials.push(trial);
    return trial;
  };

  let failing: number | null = null;
  let passing: Trial | null = null;
  let width = roundWidth(settings.minWidth, settings.granularity);
  for (;;) {
    const trial = await attempt(width);
    if (trial.met) {
      passing = trial;
      break;
    }
    failing = width;
    if (width >= settings.maxWidth || settings.stop?.(trial)) break;
    width = Math.min(settings.maxWidth, roundWidth(width * 2, settings.granularity));
  }
  if (!passing) return { chosen: null, trials };

  while (failing !== null && (passing.width - failing) / passing.width > settings.resolution) {
    const middle = roundWidth((passing.width + failing) / 2, settings.granularity);
    if (middle <= failing || middle >= passing.width) break;
    const trial = await attempt(middle);
    if (trial.met) passing = trial;
    else if (settings.stop?.(trial)) break;
    else failing = middle;
  }
  return { chosen: passing, trials };
}
