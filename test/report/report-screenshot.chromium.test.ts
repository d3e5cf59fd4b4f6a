/**
 * Opt-in: screenshot report.html in headless Chromium and check the plots are really drawn (not a
 * blank page). Runs whenever a Chromium binary exists: /usr/bin/chromium (Debian's package),
 * /usr/bin/chromium-browser, or the path in NNFT_CHROMIUM; otherwise it is skipped, saying why.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { writeReport } from '../../src/report/index.js';
import { decodePng } from './png.js';
import { syntheticDesignRun, syntheticRunDirectory, syntheticSweepDirectory, syntheticVerdictSweep } from './fixtures.js';

const candidates = [process.env.NNFT_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((path): path is string => Boolean(path));
const chromium = candidates.find((path) => existsSync(path));
const reason = chromium ? '' : ` (skipped: no Chromium at ${candidates.join(', ')}; apt-get install chromium, or set NNFT_CHROMIUM)`;

async function screenshot(html: string, png: string): Promise<void> {
  await promisify(execFile)(
    chromium!,
    ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${png}`, '--window-size=1400,2600', pathToFileURL(html).href],
    { timeout: 90_000 },
  );
}

/**
 * Fractions of non-white pixels, of pixels close to the plot palette's blue and red, and of the pale
 * green a tolerance band is filled with (#2ca02c at 14% over white).
 */
function inkCounts(png: Uint8Array): { ink: number; blue: number; red: number; band: number } {
  const image = decodePng(png);
  let ink = 0;
  let blue = 0;
  let red = 0;
  let band = 0;
  const near = (k: number, r: number, g: number, b: number) =>
    Math.abs(image.pixels[k]! - r) < 40 && Math.abs(image.pixels[k + 1]! - g) < 40 && Math.abs(image.pixels[k + 2]! - b) < 40;
  for (let k = 0; k < image.pixels.length; k += 4) {
    if (image.pixels[k]! < 240 || image.pixels[k + 1]! < 240 || image.pixels[k + 2]! < 240) ink++;
    if (near(k, 0x1f, 0x77, 0xb4)) blue++;
    if (near(k, 0xd6, 0x27, 0x28)) red++;
    if (Math.abs(image.pixels[k]! - 225) < 8 && Math.abs(image.pixels[k + 1]! - 242) < 8 && Math.abs(image.pixels[k + 2]! - 225) < 8) band++;
  }
  const total = image.width * image.height;
  return { ink: ink / total, blue: blue / total, red: red / total, band: band / total };
}

describe.skipIf(!chromium)(`report.html in headless Chromium${reason}`, () => {
  it('a run report and a sweep report render with visible plots', async () => {
    for (const directory of [await syntheticRunDirectory(), await syntheticSweepDirectory()]) {
      const html = await writeReport(directory);
      const png = join(directory, 'report.png');
      await screenshot(html, png);
      const counts = inkCounts(new Uint8Array(await readFile(png)));
      // A blank page has no ink; text alone has no palette colours. Plots have both.
      expect(counts.ink).toBeGreaterThan(0.02);
      expect(counts.blue).toBeGreaterThan(0.0002);
      expect(counts.red).toBeGreaterThan(0.0001);
    }
  });

  it('a design run report shows its tolerance bands, and a verdict sweep renders', async () => {
    const run = await syntheticDesignRun({ theory: 'phi4', status: 'not-met' });
    const html = await writeReport(run.directory);
    const png = join(run.directory, 'report.png');
    await screenshot(html, png);
    const counts = inkCounts(new Uint8Array(await readFile(png)));
    expect(counts.blue).toBeGreaterThan(0.0002);
    expect(counts.red).toBeGreaterThan(0.0001);
    // The G_c2 band and the per-order deviation bands cover visible area.
    expect(counts.band).toBeGreaterThan(0.01);
    const sweep = await syntheticVerdictSweep();
    const sweepPng = join(sweep, 'report.png');
    await screenshot(await writeReport(sweep), sweepPng);
    expect(inkCounts(new Uint8Array(await readFile(sweepPng))).ink).toBeGreaterThan(0.02);
  });
});
