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

export interface SelectorOptions {
  /**
   * `promql` (the default): `Name{a="1", b="2"}`: names in code-unit order, values quoted and
   * escaped as JSON (and PromQL) strings, an `alertname` label left out (it is the name in front).
   * Reports, the console, junit and gameday's metrics write selectors this way.
   *
   * `compact`: `Name{a="1",b="2"}`: names in locale order (`localeCompare`), values between plain
   * quotes as they are, every label written, `alertname` included. The subjects of
   * `gameday check`'s findings have always been written this way; kept so they do not change.
   */
  style?: 'promql' | 'compact';
}

/**
 * An alert as a PromQL selector: its name, then its labels (a plan's matchers or a sighting's
 * labels) in braces; the name alone when there are none. The one way gameday writes an alert as text.
 */
export function formatSelector(alert: string, labels: Labels, options: SelectorOptions = {}): string {
  if (options.style === 'compact') {
    const pairs = Object.keys(labels)
      .sort((a, b) => a.localeCompare(b))
      .map((name) => `${name}="${labels[name]}"`);
    return pairs.length > 0 ? `${alert}{${pairs.join(',')}}` : alert;
  }
  const pairs = Object.keys(labels)
    .filter((name) => name !== 'alertname')
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`);
  return pairs.length > 0 ? `${alert}{${pairs.join(', ')}}` : alert;
}
