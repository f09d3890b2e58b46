// The stylesheet of report.html, inline so the page is one file that fetches nothing. The timeline's
// SVG elements are styled here too, by class, so the browser test and the legend share the names.

import { raw } from './template.ts';

export const styles = raw(`
:root { color-scheme: light; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1f2328; background: #fff; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 20px 40px; }
h1 { font-size: 24px; margin: 0 0 6px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.headline { font-size: 18px; font-weight: 600; margin: 4px 0; }
.headline.pass { color: #1a7f37; } .headline.fail { color: #cf222e; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; padding: 6px 10px; border-radius: 6px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 10px 0; }
.facts dt { color: #57606a; } .facts dd { margin: 0; }
.badge { display: inline-block; color: #fff; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600; white-space: nowrap; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f6f8fa; padding: 1px 4px; border-radius: 4px; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.current td { background: #ddf4ff; }
.explain, footer { color: #57606a; font-size: 12px; }
footer { margin-top: 32px; }
.chart { overflow-x: auto; border: 1px solid #d0d7de; border-radius: 6px; padding: 6px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 12px; color: #57606a; }
.legend-item { display: inline-flex; align-items: center; gap: 4px; }
svg text { font: 11px system-ui, sans-serif; fill: #57606a; }
svg .lane-label, svg .section-label { font-weight: 600; fill: #1f2328; font-size: 12px; }
svg .row-label { fill: #1f2328; }
svg .row-note { font-style: italic; }
svg .grid { stroke: #eaeef2; }
svg .hgrid { stroke: #eaeef2; stroke-dasharray: 2 3; }
svg .fault-band { fill: #cf222e; fill-opacity: 0.07; }
svg .fault-window { fill: #cf222e; fill-opacity: 0.55; }
svg .measured-from { stroke: #0969da; stroke-width: 2; }
svg .burst { fill: #0969da; fill-opacity: 0.6; }
svg .burst-mark { stroke: #0969da; stroke-dasharray: 4 3; stroke-opacity: 0.7; }
svg .success-line { fill: none; stroke: #1a7f37; stroke-width: 1.6; }
svg .trace-failure { fill: #cf222e; }
svg .latency-max { fill: none; stroke: #8250df; stroke-width: 1.3; }
svg .latency-median { fill: none; stroke: #8250df; stroke-opacity: 0.45; stroke-width: 1; }
svg .target-span { fill: #1a7f37; fill-opacity: 0.15; stroke: #1a7f37; stroke-opacity: 0.4; }
svg .mark-pending { fill: #fff; stroke: #bf8700; stroke-width: 2; }
svg .pending-span { stroke: #bf8700; stroke-width: 2; }
svg .mark-firing { stroke: #fff; stroke-width: 1; }
svg .mark-notified { fill: #0969da; }
svg .mark-unexpected { fill: #6e7781; }
svg .mark-resolved { fill: #57606a; }
svg .active-span { stroke-width: 2; stroke-opacity: 0.35; }
svg .blind-interval { fill: url(#blind-hatch); fill-opacity: 0.5; }
svg .blind-interval.minor { fill-opacity: 0.2; }
svg #blind-hatch line { stroke: #6e7781; stroke-width: 2; }
.legend svg .blind-interval { fill: #d0d7de; }
.sparkline path { fill: none; stroke: #0969da; stroke-width: 1.5; }
.sparkline circle { fill: #0969da; }
.sparkline .spark-target { stroke: #1a7f37; stroke-dasharray: 3 2; }
@media print { .chart { overflow: visible; } }
`);
