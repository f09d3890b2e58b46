// The PromQL in a Grafana dashboard and the metric names it reads: what the dashboard test asks a
// real Prometheus for after a real game day, so the dashboard never shows "No data" by design.

export interface DashboardQuery {
  /** Where in the dashboard, e.g. `panel "Faults in place" A`, `annotation "Bursts"`. */
  where: string;
  expr: string;
}

interface Target {
  expr?: string;
  refId?: string;
}

interface Dashboard {
  panels?: Array<{ title?: string; targets?: Target[]; panels?: Dashboard['panels'] }>;
  annotations?: { list?: Array<{ name?: string; expr?: string }> };
  templating?: { list?: Array<{ name?: string; query?: string | { query?: string }; definition?: string }> };
}

export function dashboardQueries(dashboard: Dashboard): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const visit = (panels: Dashboard['panels']) => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) {
        if (target.expr) out.push({ where: `panel "${panel.title ?? '?'}" ${target.refId ?? ''}`.trim(), expr: target.expr });
      }
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  for (const annotation of dashboard.annotations?.list ?? []) {
    if (annotation.expr) out.push({ where: `annotation "${annotation.name ?? '?'}"`, expr: annotation.expr });
  }
  for (const variable of dashboard.templating?.list ?? []) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    // label_values(metric, label) names its metric as its first argument.
    const match = query ? /^label_values\(\s*([^,)]+)/.exec(query) : null;
    if (match?.[1]) out.push({ where: `variable "${variable.name ?? '?'}"`, expr: match[1].trim() });
  }
  return out;
}

const keywords = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * Metric names in a PromQL expression: identifiers that are not functions, keywords, label names
 * (in matchers and in by/without/on/ignoring lists), Grafana variables, or inside strings.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\$\w+|\$\{[^}]*\}/g, ' ') // Grafana variables
    .replace(/\b\d[\w.]*/g, ' '); // numbers and durations (2, 0.5, 5m, 1e3)
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*(\s*\()?/g)) {
    const [whole] = match;
    const name = whole.replace(/\s*\($/, '');
    if (whole.endsWith('(') || keywords.has(name.toLowerCase())) continue;
    if (/^\d/.test(name)) continue;
    names.add(name);
  }
  return [...names].sort();
}
