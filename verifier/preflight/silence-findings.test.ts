// `gameday check` warns when a silence Alertmanager holds would mute an expected alert during the
// game day: the silences are a real Alertmanager 0.25's answer (alertmanager-silences.json: one
// active on CacheErrors, one scheduled an hour later on severity=~"page|ticket" for one instance).

import { describe, expect, it } from 'vitest';
import { recorded } from '../alerting/fixtures/serve.ts';
import type { AmSilence } from '../journal/events.ts';
import type { AlertingRule } from '../observe/prometheus.ts';
import type { Expectation } from '../plan/types.ts';
import { testPlan } from '../analyze/testing/journal-builder.ts';
import { silenceFindings } from './silence-findings.ts';

const silences = recorded<Array<AmSilence & { status: { state: string } }>>('alertmanager-silences.json').map((raw) => ({
  ...raw,
  state: raw.status.state,
}));
const rule = (name: string, severity: string): AlertingRule => ({
  name,
  group: 'gameday-demo',
  file: 'rules.yml',
  query: 'vector(1)',
  forSeconds: 2,
  intervalSeconds: 1,
  health: 'ok',
  labels: { severity },
  annotations: {},
  state: 'inactive',
});
const rules = {
  ok: true as const,
  value: [rule('CacheErrors', 'ticket'), rule('ApiInstancesDown', 'page'), rule('ReplicasDown', 'ticket')],
};
const expect_ = (alert: string, labels: Record<string, string> = {}): Expectation => ({ alert, labels, withinSeconds: 10 });
// The recording was made at 02:26:05Z; the game day (baseline 60 s, window 600 s, grace 60 s) starts 02:30.
const plan = testPlan();
const at = (iso: string) => new Date(iso);

describe('silence findings', () => {
  it('warns about an active silence on an expected alert: id, matchers, until when, who and why', () => {
    const findings = silenceFindings(
      [expect_('CacheErrors'), expect_('ReplicasDown')],
      { ok: true, value: silences },
      rules,
      plan,
      at('2026-12-01T02:30:00Z'),
    );
    expect(findings).toEqual([
      {
        check: 'silence',
        subject: 'CacheErrors',
        status: 'warn',
        detail:
          'silence 87828722-9dff-4fd2-984a-6e77abb97b3e {alertname="CacheErrors"}, active until 2026-12-01T04:26:05Z, created by ana@example.com ' +
          '("cache maintenance, forgot to expire"): its notifications would not go out during the game day',
        hint: 'expire the silence (amtool silence expire <id>, or the Alertmanager UI) if it is a leftover; otherwise the report will show these notifications as silenced',
      },
    ]);
  });

  it('warns about a silence scheduled to start during the game day, saying when a label is only known once the alert fires', () => {
    const findings = silenceFindings([expect_('ApiInstancesDown')], { ok: true, value: silences }, rules, plan, at('2026-12-01T03:20:00Z'));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.detail).toBe(
      'silence 7e83e00d-85ec-4e21-9912-7cefe9912687 {severity=~"page|ticket", instance="127.0.0.1:18081"}, scheduled from ' +
        '2026-12-01T03:26:05Z to 2026-12-01T04:26:05Z, created by bo ("planned api upgrade"); it may match: instance is only known ' +
        'once the alert fires: its notifications would not go out during the game day',
    );
  });

  it('says so in one line when no silence matches, and does not warn about one that ends before the day', () => {
    expect(silenceFindings([expect_('ReplicasDown')], { ok: true, value: silences }, rules, plan, at('2026-12-01T02:30:00Z'))).toEqual([
      {
        check: 'silence',
        subject: 'Alertmanager silences',
        status: 'ok',
        detail: '1 silence active or scheduled, none matching an expected alert',
      },
    ]);
    expect(silenceFindings([expect_('CacheErrors')], { ok: true, value: silences }, rules, plan, at('2026-12-01T05:00:00Z'))).toEqual([
      { check: 'silence', subject: 'Alertmanager silences', status: 'ok', detail: 'no silence is active or scheduled' },
    ]);
  });

  it("takes the plan's labels over the rule's fixed ones", () => {
    const findings = silenceFindings(
      [expect_('CacheErrors', { severity: 'page' })],
      { ok: true, value: silences },
      rules,
      plan,
      at('2026-12-01T03:30:00Z'),
    );
    expect(findings.map((finding) => finding.status)).toEqual(['warn']);
    expect(findings[0]?.detail).toMatch(/^silence 87828722/);
  });
});
