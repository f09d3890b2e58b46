// Which Alertmanager route an alert takes, and so which group_wait delays its first notification.
// Mirrors dispatch/route.go: a route matches when all its matchers do; its children are tried in
// order and the first match wins unless that child says `continue: true`; when no child matches,
// the route itself does. Children inherit receiver and group_wait (default 30s) from their parent.

import { parse } from 'yaml';
import { MonitoringError } from '../errors.ts';
import { parsePrometheusDuration } from './scrape-settings.ts';

export type MatchOperator = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string;
  operator: MatchOperator;
  value: string;
}

export interface RouteNode {
  /** Where it is in the configuration, e.g. `route.routes[1].routes[0]`. */
  path: string;
  receiver: string;
  groupWaitSeconds: number;
  /** How often an existing aggregation group flushes: new alerts in it wait for the next tick. */
  groupIntervalSeconds: number;
  matchers: LabelMatcher[];
  continue: boolean;
  routes: RouteNode[];
}

/** Alertmanager's default group_wait (dispatch/route.go). */
export const DEFAULT_GROUP_WAIT_SECONDS = 30;
/** Alertmanager's default group_interval (dispatch/route.go). */
export const DEFAULT_GROUP_INTERVAL_SECONDS = 300;

/** The route tree of an Alertmanager configuration (`config.original` of /api/v2/status). */
export function parseRouteTree(yamlText: string): RouteNode {
  let config: unknown;
  try {
    config = parse(yamlText);
  } catch (error) {
    throw new MonitoringError(`Alertmanager's configuration is not YAML: ${(error as Error).message}`, { cause: error });
  }
  const route = asRecord(config).route;
  if (route === undefined) throw new MonitoringError("Alertmanager's configuration has no route");
  return toNode(asRecord(route), 'route', {
    receiver: '',
    groupWaitSeconds: DEFAULT_GROUP_WAIT_SECONDS,
    groupIntervalSeconds: DEFAULT_GROUP_INTERVAL_SECONDS,
  });
}

function toNode(
  raw: Record<string, unknown>,
  path: string,
  parent: { receiver: string; groupWaitSeconds: number; groupIntervalSeconds: number },
): RouteNode {
  const duration = (field: 'group_wait' | 'group_interval', inherited: number): number => {
    const value = raw[field];
    if (value === undefined || value === null) return inherited;
    const seconds = typeof value === 'string' ? parsePrometheusDuration(value) : undefined;
    if (seconds === undefined) throw new MonitoringError(`Alertmanager's ${path}.${field} is ${JSON.stringify(value)}, not a duration`);
    return seconds;
  };
  const groupWaitSeconds = duration('group_wait', parent.groupWaitSeconds);
  const groupIntervalSeconds = duration('group_interval', parent.groupIntervalSeconds);
  const receiver = typeof raw.receiver === 'string' ? raw.receiver : parent.receiver;
  const matchers: LabelMatcher[] = [];
  for (const [name, value] of Object.entries(asRecord(raw.match))) matchers.push({ name, operator: '=', value: String(value) });
  for (const [name, value] of Object.entries(asRecord(raw.match_re))) {
    matchers.push(...parseMatchers(`${name}=~${JSON.stringify(String(value))}`, `${path}.match_re.${name}`));
  }
  if (Array.isArray(raw.matchers)) {
    for (const [index, text] of raw.matchers.entries()) {
      if (typeof text !== 'string') throw new MonitoringError(`Alertmanager's ${path}.matchers[${index}] is not a string`);
      matchers.push(...parseMatchers(text, `${path}.matchers[${index}]`));
    }
  }
  const node: RouteNode = { path, receiver, groupWaitSeconds, groupIntervalSeconds, matchers, continue: raw.continue === true, routes: [] };
  const children = Array.isArray(raw.routes) ? raw.routes : [];
  node.routes = children.map((child, index) => toNode(asRecord(child), `${path}.routes[${index}]`, node));
  return node;
}

/**
 * The routes an alert with these labels is dispatched to, in order: usually one; more when a
 * matching child says `continue: true`.
 */
export function routesFor(root: RouteNode, labels: Record<string, string>): RouteNode[] {
  return matchRoute(root, labels) ?? [root];
}

function matchRoute(route: RouteNode, labels: Record<string, string>): RouteNode[] | undefined {
  if (!route.matchers.every((matcher) => matches(matcher, labels))) return undefined;
  const all: RouteNode[] = [];
  for (const child of route.routes) {
    const found = matchRoute(child, labels);
    if (found === undefined) continue;
    all.push(...found);
    if (!child.continue) break;
  }
  return all.length > 0 ? all : [route];
}

/** Alertmanager treats a missing label as the empty string; regexes are anchored at both ends. */
export function matches(matcher: LabelMatcher, labels: Record<string, string>): boolean {
  const value = labels[matcher.name] ?? '';
  switch (matcher.operator) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return anchored(matcher.value).test(value);
    case '!~':
      return !anchored(matcher.value).test(value);
  }
}

function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/**
 * One `matchers` entry: `severity="page"`, `team=~"a|b"`, unquoted `env=prod`, or several at once,
 * `{a="1", b!="2"}` (labels.ParseMatchers in Alertmanager 0.25).
 */
export function parseMatchers(text: string, where = 'matchers'): LabelMatcher[] {
  let body = text.trim();
  if (body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1);
  const out: LabelMatcher[] = [];
  const pattern = /\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^,]*?)\s*(?:,|$)/y;
  let rest = body;
  while (rest.trim() !== '') {
    pattern.lastIndex = 0;
    const match = pattern.exec(rest);
    if (match === null || match[0] === '')
      throw new MonitoringError(`Alertmanager's ${where} has a matcher it cannot read: ${JSON.stringify(text)}`);
    const raw = match[3] ?? '';
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    const operator = match[2] as MatchOperator;
    if (operator === '=~' || operator === '!~') {
      try {
        anchored(value);
      } catch (error) {
        throw new MonitoringError(`Alertmanager's ${where} has an invalid regex ${JSON.stringify(value)}: ${(error as Error).message}`);
      }
    }
    out.push({ name: match[1] ?? '', operator, value });
    rest = rest.slice(match[0].length);
  }
  return out;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** One of Alertmanager's `inhibit_rules`, its matchers read from every spelling (`source_match`, `_match_re`, `_matchers`). */
export interface InhibitRule {
  /** Where it is in the configuration, e.g. `inhibit_rules[0]`. */
  path: string;
  source: LabelMatcher[];
  target: LabelMatcher[];
  equal: string[];
}

/** The `inhibit_rules` of an Alertmanager configuration (`config.original` of /api/v2/status). */
export function parseInhibitRules(yamlText: string): InhibitRule[] {
  const rules = asRecord(parseConfig(yamlText)).inhibit_rules;
  if (!Array.isArray(rules)) return [];
  return rules.map((entry, index) => {
    const raw = asRecord(entry);
    const path = `inhibit_rules[${index}]`;
    const side = (prefix: 'source' | 'target'): LabelMatcher[] => {
      const out: LabelMatcher[] = [];
      for (const [name, value] of Object.entries(asRecord(raw[`${prefix}_match`]))) out.push({ name, operator: '=', value: String(value) });
      for (const [name, value] of Object.entries(asRecord(raw[`${prefix}_match_re`]))) {
        out.push(...parseMatchers(`${name}=~${JSON.stringify(String(value))}`, `${path}.${prefix}_match_re.${name}`));
      }
      const list = raw[`${prefix}_matchers`];
      for (const [at, text] of (Array.isArray(list) ? list : []).entries()) {
        if (typeof text !== 'string') throw new MonitoringError(`Alertmanager's ${path}.${prefix}_matchers[${at}] is not a string`);
        out.push(...parseMatchers(text, `${path}.${prefix}_matchers[${at}]`));
      }
      return out;
    };
    const equal = Array.isArray(raw.equal) ? raw.equal.map(String) : [];
    return { path, source: side('source'), target: side('target'), equal };
  });
}

/**
 * Whether `rule` mutes `target` because of `source` (inhibit/inhibit.go): the target matches the
 * target side, the source the source side, and every `equal` label has the same value in both
 * (a label missing from both counts as equal). When the target matches the source side too, sources
 * that match the target side are left out, so two such alerts never mute each other.
 */
export function inhibits(
  rule: Pick<InhibitRule, 'source' | 'target' | 'equal'>,
  source: Record<string, string>,
  target: Record<string, string>,
): boolean {
  return (
    rule.target.every((matcher) => matches(matcher, target)) &&
    rule.source.every((matcher) => matches(matcher, source)) &&
    rule.equal.every((name) => (source[name] ?? '') === (target[name] ?? '')) &&
    !(rule.source.every((matcher) => matches(matcher, target)) && rule.target.every((matcher) => matches(matcher, source)))
  );
}

/** The integrations of each receiver, by name: `webhook_configs` → `webhook`, `slack_configs` → `slack`, … */
export function receiverIntegrations(yamlText: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const receivers = asRecord(parseConfig(yamlText)).receivers;
  for (const entry of Array.isArray(receivers) ? receivers : []) {
    const receiver = asRecord(entry);
    if (typeof receiver.name !== 'string') continue;
    const integrations = Object.entries(receiver)
      .filter(([key, value]) => key.endsWith('_configs') && Array.isArray(value) && value.length > 0)
      .map(([key]) => key.slice(0, -'_configs'.length));
    out.set(receiver.name, integrations);
  }
  return out;
}

function parseConfig(yamlText: string): unknown {
  try {
    return parse(yamlText);
  } catch (error) {
    throw new MonitoringError(`Alertmanager's configuration is not YAML: ${(error as Error).message}`, { cause: error });
  }
}
