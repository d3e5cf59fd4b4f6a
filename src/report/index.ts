/** Visual reports of design runs and sweeps: self-contained HTML with inline SVG plots. */
export { renderReport, renderReportDetailed, writeReport, type RenderedReport } from './render-report.js';
export { renderPlot, type PlotSpec, type PlotSeries, type PlotPoint } from './svg-plot.js';
export { escapeHtml } from './escape.js';
