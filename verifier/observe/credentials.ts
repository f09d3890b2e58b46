// From an endpoint as the plan names it to what a client sends. The plan (and so the journal)
// holds only the names of environment variables; their values are read here, when a run or a
// check starts, and go nowhere but into the clients' request headers.

import { PreflightError } from '../errors.ts';
import type { EndpointSpec, MonitoringSpec } from '../plan/types.ts';
import type { ApiClientOptions } from './prometheus.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

/** An environment variable the plan names that is not set (or empty), with the plan path naming it. */
export interface MissingVariable {
  path: string;
  variable: string;
}

/**
 * Client options for one endpoint: its URL and every header, credentials included. Collects the
 * variables that are missing instead of throwing, so a person hears about all of them at once.
 */
export function resolveEndpoint(
  endpoint: EndpointSpec,
  env: Environment,
  path: string,
): { options: ApiClientOptions; missing: MissingVariable[] } {
  const missing: MissingVariable[] = [];
  const read = (variable: string, where: string): string => {
    const value = env[variable];
    if (value === undefined || value === '') missing.push({ path: `${path}.${where}`, variable });
    return value ?? '';
  };
  const headers: Record<string, string> = { ...endpoint.headers };
  for (const [header, variable] of Object.entries(endpoint.headersFromEnv ?? {})) {
    headers[header] = read(variable, `headersFromEnv.${header}`);
  }
  const { auth } = endpoint;
  if (auth?.bearerTokenEnv !== undefined) {
    headers.Authorization = `Bearer ${read(auth.bearerTokenEnv, 'auth.bearerTokenEnv')}`;
  } else if (auth?.basicAuth !== undefined) {
    const username = read(auth.basicAuth.usernameEnv, 'auth.basicAuth.usernameEnv');
    const password = read(auth.basicAuth.passwordEnv, 'auth.basicAuth.passwordEnv');
    headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  return { options: { baseUrl: endpoint.url, headers }, missing };
}

/**
 * Client options for Prometheus and Alertmanager (and each peer of its cluster). Throws a PreflightError naming every variable
 * the plan refers to that is not set; the message names variables, never values.
 */
export function monitoringClientOptions(
  monitoring: MonitoringSpec,
  env: Environment = process.env,
): { prometheus: ApiClientOptions; alertmanager: ApiClientOptions; alertmanagerPeers: ApiClientOptions[] } {
  const prometheus = resolveEndpoint(monitoring.prometheus, env, 'monitoring.prometheus');
  const alertmanager = resolveEndpoint(monitoring.alertmanager, env, 'monitoring.alertmanager');
  const missing = [...prometheus.missing, ...alertmanager.missing];
  if (missing.length > 0) {
    const lines = missing.map(({ path, variable }) => `  ${path}: ${variable} is not set (or empty)`);
    const names = [...new Set(missing.map(({ variable }) => variable))];
    throw new PreflightError(
      `the plan reads credentials from environment variables that are not set:\n${lines.join('\n')}\n` +
        `Set ${names.length === 1 ? 'it' : 'them'} in gameday's environment (e.g. export ${names[0]}=…), or change the plan. ` +
        'Nothing was injected and no load was sent.',
    );
  }
  // The peers of a cluster share its credentials: only the URL differs.
  const alertmanagerPeers = (monitoring.alertmanager.peers ?? []).map((url) => ({ ...alertmanager.options, baseUrl: url }));
  return { prometheus: prometheus.options, alertmanager: alertmanager.options, alertmanagerPeers };
}
