/** The terminal form of nnft action's report (runAction, src/reconstruct/run-action.ts). */
import type { ActionReport } from '../reconstruct/run-action.js';

function pm(value: { value: number; stderr: number | null }, digits = 3): string {
  return value.stderr === null || !Number.isFinite(value.stderr) ? value.value.toPrecision(digits) : `${value.value.toPrecision(digits)} ± ${value.stderr.toPrecision(2)}`;
}

function percent(value: number): string {
  return `${(100 * value).toPrecision(3)}%`;
}

export function renderAction(report: ActionReport): string {
  const lines: string[] = [];
  const source = report.correlators;
  const where = report.points.length <= 10 ? report.points.map((point) => point.map((value) => Number(value.toPrecision(6))).join(',')).join(' ') : `${report.points.length} points`;
  const estimated = report.input.kind === 'spec' ? `, ${source.ensembleSize as number} networks, seed ${source.seed as number}` : '';
  lines.push(`${report.input.file} (${report.input.kind}${report.input.name ? ` ${report.input.name}` : ''}${report.networkWidth !== null ? `, width ${report.networkWidth}` : ''}${estimated})`);
  lines.push(`points: ${where}`);
  if (report.errorFloor) lines.push(`error floor: relative ${report.errorFloor.relative} (${report.errorFloor.blocks.map((entry) => `${entry.raised}/${entry.values} G_c${entry.order}`).join(', ')} raised to it${report.errorFloor.allRaised ? '; the input is exact at this precision' : ''})`);
  if (report.massStatement) lines.push(report.massStatement);
  lines.push('');
  lines.push(`verdict: ${report.verdict.summary}${report.backgroundScope === 'all' ? ' (on the deformation: the undeformed base network is subtracted)' : ''}`);
  if (report.base) {
    lines.push(`  base network    ${report.base.message}`);
  }
  const cluster = report.cluster;
  if (cluster) {
    lines.push(`  cluster curve   C(R) = ${report.backgroundScope === 'all' ? '[G_c4 - G_c4(base)]' : 'G_c4'}(a,a,b,b)/G(0)^2 fitted to ${cluster.model}`);
    lines.push(`                  plateau B = ${pm(cluster.plateau, 4)} (${cluster.significance.toFixed(1)} sigma from 0); B G(0)^2 = ${pm(cluster.plateauOfCorrelator, 4)}`);
    lines.push(`                  decay rate mu = ${pm(cluster.decayRate)}; ${cluster.weights.kind === 'correlated' ? 'correlated ' : ''}chi^2/dof = ${cluster.dof > 0 ? (cluster.chiSquared / cluster.dof).toPrecision(3) : 'n/a'}, p = ${cluster.pValue.toPrecision(2)}${cluster.weights.kind === 'correlated' ? ` (C from ${cluster.weights.batches} batches, correlation shrunk by ${cluster.weights.shrinkage!.toPrecision(2)})` : ''}`);
  } else lines.push('  cluster curve   not fitted (see notes)');
  const amputation = report.amputation;
  if (amputation) {
    lines.push(`  amputated vertex on ${amputation.gridPoints} points (cell volume ${amputation.cellVolume.toPrecision(3)}): mean V_iiii/a^d = ${pm(amputation.diagonalCoupling)}`);
    lines.push(`                  vertex spread ${percent(amputation.spread.value)} off the diagonal${amputation.spread.stderr > 0 ? ` ± ${percent(amputation.spread.stderr)}` : ''}${amputation.polynomial ? `; stencil residual ${percent(amputation.polynomial.value)}` : ''}`);
    lines.push(`                  cond(C) = ${amputation.conditionNumber.toPrecision(3)}, noise amplification ||C^-1||^4 = ${amputation.noiseAmplification.toPrecision(3)}${amputation.noise ? `, signal/noise ${amputation.noise.signalToNoise.toPrecision(3)}` : ''}`);
  } else lines.push('  amputated vertex: not computed (see notes)');
  const forward = report.forwardFit;
  if (forward) {
    const weights = forward.fits[0]?.weights;
    const weighting = weights?.kind === 'correlated' ? `; correlated chi^2 over ${weights.batches} batches, correlation shrunk by ${weights.shrinkage!.toPrecision(2)}` : '';
    lines.push(`  forward fits (tree level${report.backgroundSubtracted ? ', undeformed network G_c4 subtracted' : ''}; errors: ${forward.fits[0]?.errors.method === 'jackknife' ? `jackknife over ${forward.fits[0]!.errors.batches} batches` : 'weighted fit, scaled by sqrt(chi^2/dof) when > 1'}${weighting}):`);
    for (const fit of forward.fits) {
      const couplings = fit.couplings.map((coupling) => `${coupling.name} = ${pm(coupling)}`);
      if (fit.truncationError !== undefined && couplings.length > 0) couplings[0] = `${couplings[0]} (higher loops ± ${fit.truncationError.toPrecision(2)})`;
      if (fit.width) couplings.push(`width = ${pm(fit.width)}`);
      const expected = fit.goodnessOfFit ? ` (expected ${(fit.goodnessOfFit.expectedChiSquared / fit.dof).toPrecision(3)} with correlations)` : '';
      const quality = `chi^2/dof = ${Number.isFinite(fit.reducedChiSquared) ? fit.reducedChiSquared.toPrecision(3) : 'n/a'}${expected}, p = ${Number.isFinite(fit.pValue) ? fit.pValue.toPrecision(2) : 'n/a'}, dAIC = ${fit.deltaAic.toFixed(1)}`;
      lines.push(`    ${fit.preferred ? '*' : ' '} ${fit.name.padEnd(18)} [${fit.dataUsed.join('+')}] ${couplings.join(', ')}   (${quality})`);
    }
    for (const failure of forward.failures) lines.push(`      ${failure.name.padEnd(18)} not fitted: ${failure.error}`);
  } else lines.push('  forward fits: not run (see notes)');
  lines.push(`  terms fitted: ${report.verdict.termsFitted.length > 0 ? report.verdict.termsFitted.join(', ') : 'none'}`);
  lines.push('  orders dropped:');
  for (const dropped of report.verdict.ordersDropped) lines.push(`    - ${dropped}`);
  lines.push('  reasons:');
  for (const reason of report.verdict.reasons) lines.push(`    - ${reason}`);
  if (report.notes.length > 0) {
    lines.push('  notes:');
    for (const note of report.notes) lines.push(`    - ${note}`);
  }
  return `${lines.join('\n')}\n`;
}
