// The `routing` check: which receivers an alert reaches by the Alertmanager route tree
// (alerting/routes.ts mirrors dispatch/route.go), and whether any of them sends anything. A receiver
// with no integrations is a blackhole: the alert is "notified" to nobody.

import { type RouteNode, receiverIntegrations, routesFor } from '../alerting/routes.ts';
import type { AuditFinding, AuditRule } from './model.ts';

export interface AlertmanagerRouting {
  routes: RouteNode;
  /** Integrations (`webhook`, `slack`, …) per receiver name. */
  integrations: Map<string, string[]>;
}

export function readRouting(parseRouteTree: (yaml: string) => RouteNode, yamlText: string): AlertmanagerRouting {
  return { routes: parseRouteTree(yamlText), integrations: receiverIntegrations(yamlText) };
}

/** The routing finding for a rule, or undefined when some receiver it reaches sends something. */
export function routingFinding(
  rule: AuditRule,
  routing: AlertmanagerRouting,
  externalLabels: Record<string, string>,
): AuditFinding | undefined {
  // A templated label's value is known only at evaluation; routes see it as written.
  const labels = { ...externalLabels, ...rule.labels, alertname: rule.name };
  const routes = routesFor(routing.routes, labels);
  const reached = routes.map((route) => ({ route, integrations: routing.integrations.get(route.receiver) }));
  if (reached.some(({ integrations }) => integrations !== undefined && integrations.length > 0)) return undefined;
  const at = { alert: rule.name, group: rule.group, file: rule.file, ...(rule.line === undefined ? {} : { line: rule.line }) };
  const named = reached.map(({ route }) => `"${route.receiver}" (${route.path})`).join(', ');
  const undefinedReceiver = reached.find(({ integrations }) => integrations === undefined);
  if (undefinedReceiver !== undefined) {
    return {
      ...at,
      check: 'routing',
      severity: 'error',
      message: `the alert reaches no receiver: its route ${undefinedReceiver.route.path} names "${undefinedReceiver.route.receiver}", which Alertmanager's receivers do not define`,
      hint: 'define the receiver, or route the alert to one that exists',
    };
  }
  return {
    ...at,
    check: 'routing',
    severity: 'error',
    message: `the alert reaches only ${named}, with no integrations: a blackhole, nobody is notified`,
    hint: 'route it to a receiver that notifies someone (a matcher on its labels), or add an integration to that receiver',
  };
}
