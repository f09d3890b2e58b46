// The tables of report.html: a header row of column names, then one row per line so the page's
// source reads (and diffs) row by row.

import { joinHtml, markup, type SafeHtml } from './template.ts';

export interface TableSpec {
  /** The table's class, which the CSS and the browser test select on; none for a plain table. */
  className?: string;
  columns: readonly string[];
  rows: readonly SafeHtml[];
}

export function table({ className, columns, rows }: TableSpec): SafeHtml {
  return markup`<table${className ? markup` class="${className}"` : ''}>
<thead><tr>${columns.map((column) => markup`<th>${column}</th>`)}</tr></thead>
<tbody>
${joinHtml(rows, '\n')}
</tbody>
</table>`;
}
