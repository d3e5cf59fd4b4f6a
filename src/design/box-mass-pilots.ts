/**
 * The box-mass pilots of a design (docs/design.md, "The box mass of the base law"): the selection
 * rule is box-mass-choice.ts; this file runs its pilots, short estimates of the initial construction
 * at each candidate box mass, on the design's backend.
 */
import type { Theory } from '../theory/theory.js';
import { contextBackend, expectContextBackend, type ComputeContext } from '../backend/index.js';
import { deriveSeed } from '../random/index.js';
import type { CorrelatorResult } from '../io/result.js';
import { estimateSpec } from '../spec/estimate-spec.js';
import { initialValues } from './design-model.js';
import { specFromParameters, type DesignSetup } from './design-setup.js';
import { boxMassCandidates, chooseBoxMass, pilotCost } from './box-mass-choice.js';
import { orderScale } from './compare-correlators.js';
import { designGrid } from './design-grid.js';
import { firstDesignWidth, type ResolvedDesignSettings } from './design-settings.js';

/** Networks in each box-mass pilot (box-mass-choice.ts): enough to rank candidates 2x apart in cost. */
const BOX_MASS_PILOT_ENSEMBLE = 20_000;
/** Largest width the pilots run at. */
const BOX_MASS_PILOT_WIDTH = 32;

/**
 * The setup with the box mass the pilots find cheapest (box-mass-choice.ts), at the first width the
 * search tries, on one seed for every candidate; unchanged where no box mass can be drawn. The pilots
 * are deterministic in the seed, so a resumed run chooses the same.
 */
export async function withChosenBoxMass(theory: Theory, setup: DesignSetup, target: CorrelatorResult, settings: ResolvedDesignSettings, context: ComputeContext): Promise<DesignSetup> {
  if (setup.boxMassScale === null) return setup;
  const quadratic = setup.terms.findIndex((term) => term.kind === 'local' && term.power === 2);
  const firstOrder = setup.model.parameters.find((parameter) => parameter.role === 'coupling' && parameter.term === quadratic)?.initial ?? 0;
  const candidates = boxMassCandidates(setup.boxMassScale, firstOrder, setup.mass);
  if (quadratic < 0 || candidates.length < 2) return setup;
  // The cheapest box mass is a property of the theory's weight more than of the width (the split
  // nodes carry the same Gaussian field at every width): the pilots run at the first width, at most
  // BOX_MASS_PILOT_WIDTH, so a fixed large width pays little for them.
  const first = settings.width === 'auto' ? Math.min(settings.maxWidth, firstDesignWidth(theory.dimension, settings.minWidth)) : settings.width;
  const width = Math.min(first, BOX_MASS_PILOT_WIDTH);
  const orders = [...theory.connectedOrders];
  const withCoupling = (coupling: number): DesignSetup => ({ ...setup, boxMass: coupling !== 0 ? { side: setup.regionSide, coupling } : null });
  const seed = deriveSeed(settings.seed, 'design/box-mass-pilot', width);
  // Never more networks than the design's own sample (small designs stay small).
  const pilotSize = Math.min(BOX_MASS_PILOT_ENSEMBLE, settings.ensembleSize);
  const choice = await chooseBoxMass(candidates, firstOrder, async (coupling) => {
    const candidate = withCoupling(coupling);
    const spec = specFromParameters(theory, candidate, width, initialValues(candidate.model), designGrid(candidate));
    const estimate = await estimateSpec(spec, {
      ensembleSize: pilotSize,
      seed,
      ...(context.workers ? { workers: context.workers } : {}),
      backend: contextBackend(context),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    expectContextBackend(context, estimate.backend, 'the box-mass pilot');
    const blocks = estimate.correlators.filter((block) => (orders as number[]).includes(block.order));
    return pilotCost(blocks, (order) => orderScale(target, order).scale);
  });
  const table = choice.candidates.map((entry) => `${entry.coupling.toPrecision(3)}: ${entry.cost.toPrecision(2)}`).join(', ');
  const note = `box mass of the base law: ${choice.coupling.toPrecision(4)} (first order ${firstOrder.toPrecision(4)}), the cheapest of ${choice.candidates.length} pilots of ${pilotSize} networks at width ${width} (box mass: worst relative stderr ${table}); the weight's power-2 term carries the rest`;
  context.onEvent({ type: 'info', message: note });
  return { ...withCoupling(choice.coupling), notes: [...setup.notes.filter((entry) => !entry.startsWith('the box-local phi^2 term')), note] };
}
