// Silences and inhibit rules judged the way Alertmanager judges them, checked against what a real
// Alertmanager 0.25 said: alertmanager-alerts-suppressed.json was recorded with two silences
// (alertmanager-silences.json: one active on CacheErrors, one scheduled) and the inhibit rule
// below, after posting ApiInstancesDown, TraceSuccessAbsent and CacheErrors.

import { describe, expect, it } from 'vitest';
import type { AmSilence } from '../journal/events.ts';
import { parseNotificationCounters } from '../observe/alertmanager.ts';
import { recorded } from './fixtures/serve.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inhibits, parseInhibitRules, receiverIntegrations } from './routes.ts';
import { formatSilenceMatchers, silenceMatches, silenceOverlaps } from './silences.ts';

// The configuration the recording's Alertmanager ran (as in its /api/v2/status).
const config = `
route:
  receiver: gameday
  group_wait: 1s
  group_interval: 5s
  routes:
    - matchers: [alertname="CacheErrors"]
      receiver: tickets
inhibit_rules:
  - source_matchers: [alertname="ApiInstancesDown"]
    target_matchers: [alertname=~"TraceSuccessAbsent|HighErrorRate"]
  - source_match: { severity: critical }
    target_match_re: { severity: 'warning|ticket' }
    equal: [service]
receivers:
  - name: gameday
    webhook_configs:
      - url: http://127.0.0.1:29795/hook
  - name: tickets
    webhook_configs:
      - url: http://127.0.0.1:1/tickets
    email_configs:
      - to: tickets@example.com
  - name: blackhole
`;

interface RecordedAlert {
  labels: Record<string, string>;
  fingerprint: string;
  status: { inhibitedBy: string[]; silencedBy: string[]; state: string };
}
const alerts = recorded<RecordedAlert[]>('alertmanager-alerts-suppressed.json');
const silences = recorded<Array<AmSilence & { status: { state: string } }>>('alertmanager-silences.json').map((raw) => ({
  ...raw,
  state: raw.status.state,
}));

describe('inhibit rules', () => {
  const rules = parseInhibitRules(config);

  it('reads every spelling of the matchers and the equal labels', () => {
    expect(rules).toEqual([
      {
        path: 'inhibit_rules[0]',
        source: [{ name: 'alertname', operator: '=', value: 'ApiInstancesDown' }],
        target: [{ name: 'alertname', operator: '=~', value: 'TraceSuccessAbsent|HighErrorRate' }],
        equal: [],
      },
      {
        path: 'inhibit_rules[1]',
        source: [{ name: 'severity', operator: '=', value: 'critical' }],
        target: [{ name: 'severity', operator: '=~', value: 'warning|ticket' }],
        equal: ['service'],
      },
    ]);
  });

  it("agrees with the real Alertmanager's inhibitedBy on every recorded alert", () => {
    for (const target of alerts) {
      const inhibitors = alerts.filter((source) => source !== target && rules.some((rule) => inhibits(rule, source.labels, target.labels)));
      expect(
        inhibitors.map((source) => source.fingerprint),
        target.labels.alertname,
      ).toEqual(target.status.inhibitedBy);
    }
  });

  it('needs the equal labels to agree, a label missing on both sides counting as equal', () => {
    const rule = rules[1];
    if (!rule) throw new Error('no rule');
    expect(inhibits(rule, { severity: 'critical', service: 'db' }, { severity: 'ticket', service: 'db' })).toBe(true);
    expect(inhibits(rule, { severity: 'critical', service: 'db' }, { severity: 'ticket', service: 'api' })).toBe(false);
    expect(inhibits(rule, { severity: 'critical' }, { severity: 'warning' })).toBe(true);
  });

  it('lists each receiver with its integrations', () => {
    expect([...receiverIntegrations(config)]).toEqual([
      ['gameday', ['webhook']],
      ['tickets', ['webhook', 'email']],
      ['blackhole', []],
    ]);
  });
});

describe('silences', () => {
  it("agree with the real Alertmanager's silencedBy on every recorded alert", () => {
    const active = silences.filter((silence) => silence.state === 'active');
    for (const alert of alerts) {
      const by = active.filter((silence) => silenceMatches(silence, alert.labels)).map((silence) => silence.id);
      expect(by, alert.labels.alertname).toEqual(alert.status.silencedBy);
    }
  });

  it('are written as matchers a person can paste into amtool', () => {
    expect(silences.map(formatSilenceMatchers)).toEqual([
      '{alertname="CacheErrors"}',
      '{severity=~"page|ticket", instance="127.0.0.1:18081"}',
    ]);
  });

  it('overlap a span when they are active or scheduled in it, never once expired', () => {
    const [active, pending] = silences;
    if (!active || !pending) throw new Error('two silences recorded');
    const at = (iso: string) => Date.parse(iso);
    expect(silenceOverlaps(active, at('2026-12-01T02:30:00Z'), at('2026-12-01T02:40:00Z'))).toBe(true);
    expect(silenceOverlaps(pending, at('2026-12-01T02:30:00Z'), at('2026-12-01T02:40:00Z'))).toBe(false);
    expect(silenceOverlaps(pending, at('2026-12-01T03:20:00Z'), at('2026-12-01T03:30:00Z'))).toBe(true);
    expect(silenceOverlaps({ ...active, state: 'expired' }, at('2026-12-01T02:30:00Z'), at('2026-12-01T02:40:00Z'))).toBe(false);
  });
});

describe('notification counters', () => {
  it("are read per integration from Alertmanager 0.25's /metrics", () => {
    const text = readFileSync(fileURLToPath(new URL('./fixtures/alertmanager-metrics-notifications.txt', import.meta.url)), 'utf8');
    const webhook = parseNotificationCounters(text).find((counter) => counter.integration === 'webhook');
    expect(webhook).toEqual({ integration: 'webhook', notifications: 1, failed: 0, requests: 4, requestsFailed: 4 });
  });

  it('keep the receiver apart where Alertmanager labels its counters with it', () => {
    const text = [
      'alertmanager_notifications_total{integration="webhook",receiver_name="pager"} 3',
      'alertmanager_notifications_failed_total{integration="webhook",receiver_name="pager"} 1',
      'alertmanager_notifications_total{integration="webhook",receiver_name="gameday"} 5',
    ].join('\n');
    expect(parseNotificationCounters(text)).toEqual([
      { integration: 'webhook', receiver: 'gameday', notifications: 5, failed: 0 },
      { integration: 'webhook', receiver: 'pager', notifications: 3, failed: 1 },
    ]);
  });
});
