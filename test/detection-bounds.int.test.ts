// Detection bounds against the real Prometheus: rules of each shape a range window delays (a ratio
// of rates crossing a threshold, an increase over a window, an avg_over_time, and a rate > 0 on a
// series born with the fault) read a small in-process target whose metrics flip at one instant,
// the fault. Prometheus's own record (ALERTS) gives the moment each rule fired; every one must fall
// inside the floor–worst range gameday computes for it from the same rules and configuration.
//
// The ratio of rates is the rule that showed the gap: `rate(sum[10s]) / rate(count[10s]) > 1`,
// for 20s, scraped every 1s and evaluated every 2s. Without its 10 s window the worst case was 23 s.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ruleBounds } from '../verifier/alerting/rule-bounds.ts';
import { parseScrapeSettings } from '../verifier/alerting/scrape-settings.ts';
import { PrometheusClient } from '../verifier/observe/prometheus.ts';
import { type MonitoringStack, startMonitoringStack } from '../verifier/stack/monitoring.ts';

const RULES = `groups:
  - name: bounds
    interval: 2s
    rules:
      - alert: LatencyHigh
        expr: rate(bounds_duration_seconds_sum[10s]) / rate(bounds_duration_seconds_count[10s]) > 1
        for: 20s
      - alert: ErrorsIncrease
        expr: increase(bounds_errors_total[10s]) > 5
        for: 2s
      - alert: QueueDeep
        expr: avg_over_time(bounds_queue_depth[10s]) > 50
        for: 2s
      - alert: NewErrors
        expr: sum(rate(bounds_new_errors_total[10s])) > 0
        for: 2s
`;
const ALERTS = ['LatencyHigh', 'ErrorsIncrease', 'QueueDeep', 'NewErrors'];

/**
 * The target's metrics as functions of time: 10 requests/s at 0.1 s before the fault and 2 s after
 * it; errors at 0.7/s after it; a queue 0 deep before it and 80 after; a counter that only exists
 * from the fault on.
 */
class FlippingTarget {
  readonly startedAt = Date.now() / 1000;
  faultAt: number | undefined;

  metrics(now = Date.now() / 1000): string {
    const since = now - this.startedAt;
    const after = this.faultAt === undefined ? 0 : Math.max(now - this.faultAt, 0);
    const before = since - after;
    const lines = [
      `bounds_duration_seconds_count ${10 * since}`,
      `bounds_duration_seconds_sum ${0.1 * 10 * before + 2 * 10 * after}`,
      `bounds_errors_total ${0.7 * after}`,
      `bounds_queue_depth ${this.faultAt === undefined ? 0 : 80}`,
    ];
    if (this.faultAt !== undefined) lines.push(`bounds_new_errors_total ${1 + after}`);
    return `${lines.join('\n')}\n`;
  }
}

let dir: string;
let stack: MonitoringStack | undefined;
let server: http.Server | undefined;
let prometheus: PrometheusClient;
const target = new FlippingTarget();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gameday-bounds-int-'));
  server = http.createServer((_, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end(target.metrics()));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await writeFile(join(dir, 'rules.yml'), RULES);
  await writeFile(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }
rule_files: [rules.yml]
scrape_configs:
  - job_name: bounds
    static_configs: [{ targets: ['127.0.0.1:${port}'] }]
`,
  );
  await writeFile(join(dir, 'alertmanager.yml'), 'route: { receiver: nowhere }\nreceivers: [{ name: nowhere }]\n');
  stack = await startMonitoringStack({
    prometheusConfig: join(dir, 'prometheus.yml'),
    alertmanagerConfig: join(dir, 'alertmanager.yml'),
    dir,
    prometheusListen: '127.0.0.1:19390',
    alertmanagerListen: '127.0.0.1:19393',
  });
  prometheus = new PrometheusClient({ baseUrl: stack.prometheus.url });
  // Before the fault: every window full of pre-fault samples, every rule evaluated and quiet.
  await vi.waitFor(
    async () => {
      const samples = await prometheus.instant('count_over_time(bounds_queue_depth[10s])');
      const rules = await prometheus.alertingRules();
      expect(samples).toBeGreaterThanOrEqual(10);
      expect(rules.map((rule) => [rule.name, rule.health, rule.state])).toEqual(ALERTS.map((name) => [name, 'ok', 'inactive']));
    },
    { timeout: 60_000, interval: 500 },
  );
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('detection bounds on a real Prometheus', () => {
  it('every rule fires inside the floor–worst range gameday computes for it', async () => {
    const [rules, configYaml] = await Promise.all([prometheus.alertingRules(), prometheus.configYaml()]);
    const config = { ok: true as const, value: parseScrapeSettings(configYaml) };
    target.faultAt = Date.now() / 1000;

    await vi.waitFor(
      async () => {
        const firing = (await prometheus.alerts()).filter((alert) => alert.state === 'firing').map((alert) => alert.labels.alertname);
        expect(new Set(firing)).toEqual(new Set(ALERTS));
      },
      { timeout: 90_000, interval: 500 },
    );

    const record = await prometheus.rawSamples('ALERTS{alertstate="firing"}', 120, new Date());
    const faultAt = target.faultAt;
    for (const name of ALERTS) {
      const rule = rules.find((candidate) => candidate.name === name);
      if (rule === undefined) throw new Error(`Prometheus has no rule ${name}`);
      const bounds = ruleBounds(rule, config);
      const series = record.find((entry) => entry.labels.alertname === name);
      const firstFiring = series?.samples.find(([time]) => time >= faultAt)?.[0];
      if (firstFiring === undefined) throw new Error(`ALERTS has no firing sample of ${name} after the fault`);
      const measured = firstFiring - faultAt;
      const { bestFiringSeconds: floor, worstFiringSeconds: worst } = bounds.times;
      const stretches = bounds.rangeWindows.map((window) => window.what).join(', ');
      console.log(`${name}: fired ${measured.toFixed(3)} s after the fault; floor–worst ${floor}–${worst} s (${stretches || 'no window'})`);
      expect(measured, `${name} fired ${measured} s after the fault`).toBeGreaterThanOrEqual(floor);
      expect(measured, `${name} fired ${measured} s after the fault`).toBeLessThanOrEqual(worst);
    }
    // The rule: the range window is in its worst case (1 + 2 + 20 + 10).
    const latency = ruleBounds(rules.find((rule) => rule.name === 'LatencyHigh') ?? rules[0]!, config);
    expect(latency.times.worstFiringSeconds).toBe(33);
    expect(latency.rangeWindows.map((window) => window.what)).toEqual(['window 10s of rate(bounds_duration_seconds_sum[10s])']);
  });
});
