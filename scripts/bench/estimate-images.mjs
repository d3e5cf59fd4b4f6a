#!/usr/bin/env node
/**
 * One nnft estimate of a spec's first correlator with amplitude-phase images (src/ensemble/draw-images.ts,
 * docs/performance.md, "Amplitude-phase images"), through the library (the spec and CLI do not expose
 * the option yet): node scripts/bench/estimate-images.mjs SPEC --ensemble M --images K [--workers W] [--seed S].
 * Prints one JSON object: networks, seconds (estimate only), value, stderr, ess fraction, images.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
const { values, positionals } = parseArgs({ allowPositionals: true, options: { ensemble: { type: 'string', default: '40000' }, images: { type: 'string', default: '1' }, workers: { type: 'string', default: '1' }, seed: { type: 'string', default: '1' }, 'scale-average': { type: 'boolean', default: false } } });
const dist = new URL('../../dist/', import.meta.url);
const { initBackend } = await import(new URL('backend/index.js', dist));
const { prepareEstimate } = await import(new URL('spec/estimate-spec.js', dist));
const { estimateEnsemble } = await import(new URL('ensemble/estimate-ensemble.js', dist));
const { estimateEnsembleSharded } = await import(new URL('ensemble/sharded-estimate.js', dist));
await initBackend('wasm');
const spec = JSON.parse(readFileSync(positionals[0], 'utf8'));
const prepared = prepareEstimate(spec, { ensembleSize: Number(values.ensemble), seed: Number(values.seed) });
const options = { ...prepared.options, amplitudeImages: Number(values.images), amplitudeScaleAverage: values['scale-average'] };
const workers = Number(values.workers);
const started = performance.now();
const estimate = workers > 1 ? await estimateEnsembleSharded(options, { workers, backend: 'wasm', spec }) : await estimateEnsemble(options);
const seconds = (performance.now() - started) / 1000;
const order = estimate.summary.orders.find((entry) => entry.order === 4) ?? estimate.summary.orders[0];
console.log(JSON.stringify({ networks: estimate.summary.ensembleSize, images: Number(values.images), scaleAverage: values['scale-average'], seconds, value: order.values[0], stderr: order.stderr[0], essFraction: estimate.diagnostics.essFraction, estimator: order.estimator[0] }));
