// Label sets identify alerts. Prometheus adds `alertstate` (and `__name__`) to the ALERTS series,
// and Alertmanager and webhooks carry the alert's labels plus Prometheus's external labels, so the
// same alert can arrive with a few extra labels depending on where it was seen.

import type { Expectation } from '../plan/types.ts';

export type Labels = Readonly<Record<string, string>>;

/** Labels that describe a series or a state, not the alert. */
const metaLabels = new Set(['__name__', 'alertstate']);

export function alertLabels(seriesLabels: Labels): Labels {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(seriesLabels)) {
    if (!metaLabels.has(name)) out[name] = value;
  }
  return out;
}

/** A stable key for a label set: sorted `name="value"` pairs, as Prometheus prints them. */
export function labelKey(labels: Labels): string {
  return `{${Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`)
    .join(', ')}}`;
}

export function alertnameOf(labels: Labels): string {
  return labels.alertname ?? '';
}

/** Does every label of `subset` appear, with the same value, in `superset`? */
export function includesLabels(superset: Labels, subset: Labels): boolean {
  return Object.entries(subset).every(([name, value]) => superset[name] === value);
}

/**
 * Two sightings of one alert: the same alertname and one label set contained in the other, which
 * tolerates external labels that Alertmanager and webhooks carry but the ALERTS series do not.
 */
export function sameAlert(a: Labels, b: Labels): boolean {
  if (alertnameOf(a) !== alertnameOf(b)) return false;
  return includesLabels(a, b) || includesLabels(b, a);
}

export function matchesExpectation(labels: Labels, expectation: Pick<Expectation, 'alert' | 'labels'>): boolean {
  return alertnameOf(labels) === expectation.alert && includesLabels(labels, expectation.labels);
}

/** `Name{label="value", ...}` without the alertname inside the braces, as PromQL writes a selector. */
export function formatAlert(labels: Labels): string {
  const { alertname = '', ...rest } = labels;
  const pairs = Object.keys(rest)
    .sort()
    .map((name) => `${name}=${JSON.stringify(rest[name])}`);
  return pairs.length > 0 ? `${alertname}{${pairs.join(', ')}}` : alertname;
}
