// The inputs journaled at preflight, read from configurations a real Prometheus 2.42 and
// Alertmanager 0.25 served for the demo (recorded in verifier/alerting/fixtures).

import { describe, expect, it } from 'vitest';
import { recorded } from '../alerting/fixtures/serve.ts';
import { faultSpec, expectAlert, testPlan } from '../analyze/testing/journal-builder.ts';
import type { AlertingRule } from '../observe/prometheus.ts';
import { detectionInputs } from './detection-inputs.ts';

const promYaml = recorded<{ data: { yaml: string } }>('prometheus-config.json').data.yaml;
const amYaml = recorded<{ config: { original: string } }>('alertmanager-status.json').config.original;
const rules = recorded<{
  data: { groups: Array<{ name: string; file: string; interval: number; rules: Array<Record<string, unknown>> }> };
}>('prometheus-rules.json').data.groups.flatMap((group) =>
  group.rules.map((rule): AlertingRule => ({
    name: String(rule.name),
    group: group.name,
    file: group.file,
    query: String(rule.query),
    forSeconds: Number(rule.duration),
    intervalSeconds: group.interval,
    health: String(rule.health),
    labels: (rule.labels ?? {}) as Record<string, string>,
    annotations: {},
    state: String(rule.state),
  })),
);

const plan = testPlan({
  monitoring: {
    prometheus: { url: 'http://127.0.0.1:19090' },
    alertmanager: { url: 'http://127.0.0.1:19093' },
    webhookListen: '127.0.0.1:19095',
    watchdog: 'Watchdog',
    pollIntervalSeconds: 1,
  },
  faults: [
    faultSpec('cut', { expect: [expectAlert('ReplicasDown', 10)] }),
    faultSpec('silent', { expect: [expectAlert('TraceSuccessAbsent', 20)] }),
    faultSpec('again', { expect: [expectAlert('ReplicasDown', 5)] }),
  ],
});

describe('detectionInputs', () => {
  it('reads scrape and evaluation intervals, for, the absence window and the route of each distinct expectation', () => {
    const event = detectionInputs(plan, rules, { ok: true, value: promYaml }, { ok: true, value: amYaml });
    expect(event.problems).toEqual([]);
    expect(event.expectations).toEqual([
      {
        alert: 'ReplicasDown',
        labels: {},
        scrapeSeconds: 1,
        scrapeSource: 'job "demo-deps"',
        evalSeconds: 1,
        forSeconds: 2,
        windowSeconds: 0,
        rangeWindowSeconds: 0,
        rangeWindows: [],
        readsTrace: false,
        groupWaitSeconds: 1,
        groupIntervalSeconds: 5,
        route: 'route',
        receiver: 'gameday',
        receiverCallsGameday: true,
      },
      expect.objectContaining({
        alert: 'TraceSuccessAbsent',
        windowSeconds: 10,
        readsTrace: true,
        scrapeSource: 'k6 remote write, pushed every 1s',
      }),
    ]);
  });

  it("knows when the route's receiver does not call gameday's webhook", () => {
    const elsewhere = testPlan({ ...plan, monitoring: { ...plan.monitoring, webhookListen: '127.0.0.1:29095' } });
    const event = detectionInputs(elsewhere, rules, { ok: true, value: promYaml }, { ok: true, value: amYaml });
    expect(event.expectations.map((input) => input.receiverCallsGameday)).toEqual([false, false]);
  });

  it('leaves what it could not read null, and says why', () => {
    const event = detectionInputs(plan, rules, { ok: false, reason: 'HTTP 403' }, { ok: true, value: 'route: [' });
    expect(event.problems).toEqual([
      "Prometheus's configuration could not be read: HTTP 403",
      expect.stringMatching(/^Alertmanager's configuration could not be parsed: /),
    ]);
    expect(event.expectations[0]).toMatchObject({ scrapeSeconds: null, groupWaitSeconds: null, receiverCallsGameday: null });
    // k6 series are pushed every second whatever Prometheus's configuration says.
    expect(event.expectations[1]).toMatchObject({ scrapeSeconds: 1 });
  });
});
