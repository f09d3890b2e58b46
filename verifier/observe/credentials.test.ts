import { describe, expect, test } from 'vitest';
import { PreflightError } from '../errors.ts';
import type { MonitoringSpec } from '../plan/types.ts';
import { monitoringClientOptions } from './credentials.ts';

function monitoring(
  prometheus: Partial<MonitoringSpec['prometheus']>,
  alertmanager: Partial<MonitoringSpec['alertmanager']> = {},
): MonitoringSpec {
  return {
    prometheus: { url: 'http://127.0.0.1:19090', ...prometheus },
    alertmanager: { url: 'http://127.0.0.1:19093', ...alertmanager },
    pollIntervalSeconds: 1,
  };
}

describe('monitoringClientOptions', () => {
  test('reads every credential from the environment into headers', () => {
    const options = monitoringClientOptions(
      monitoring(
        { headers: { 'X-Scope-OrgID': 'team-a' }, headersFromEnv: { 'X-Api-Key': 'API_KEY' }, auth: { bearerTokenEnv: 'PROM_TOKEN' } },
        { auth: { basicAuth: { usernameEnv: 'AM_USER', passwordEnv: 'AM_PASSWORD' } } },
      ),
      { PROM_TOKEN: 'tok', API_KEY: 'key', AM_USER: 'ann', AM_PASSWORD: 'pa:ss' },
    );
    expect(options.prometheus).toEqual({
      baseUrl: 'http://127.0.0.1:19090',
      headers: { 'X-Scope-OrgID': 'team-a', 'X-Api-Key': 'key', Authorization: 'Bearer tok' },
    });
    expect(options.alertmanager).toEqual({
      baseUrl: 'http://127.0.0.1:19093',
      headers: { Authorization: `Basic ${Buffer.from('ann:pa:ss').toString('base64')}` },
    });
  });

  test('an endpoint without credentials sends no headers', () => {
    expect(monitoringClientOptions(monitoring({}), {}).prometheus).toEqual({ baseUrl: 'http://127.0.0.1:19090', headers: {} });
  });

  test('names every missing or empty variable at once, with its plan path, and no value', () => {
    const thrown = (() => {
      try {
        monitoringClientOptions(
          monitoring(
            { headersFromEnv: { 'X-Scope-OrgID': 'TENANT' }, auth: { bearerTokenEnv: 'PROM_TOKEN' } },
            { auth: { basicAuth: { usernameEnv: 'AM_USER', passwordEnv: 'AM_PASSWORD' } } },
          ),
          { AM_USER: 'ann-the-user', AM_PASSWORD: '', TENANT: 'team-secret' },
        );
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(PreflightError);
    const message = (thrown as Error).message;
    expect(message).toContain('monitoring.prometheus.auth.bearerTokenEnv: PROM_TOKEN is not set');
    expect(message).toContain('monitoring.alertmanager.auth.basicAuth.passwordEnv: AM_PASSWORD is not set');
    expect(message).not.toContain('X-Scope-OrgID: TENANT');
    expect(message).not.toContain('ann-the-user');
    expect(message).not.toContain('team-secret');
    expect(message).toMatch(/export PROM_TOKEN=…/);
  });
});
