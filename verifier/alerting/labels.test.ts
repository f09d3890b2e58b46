import { describe, expect, it } from 'vitest';
import type { Expectation } from '../plan/types.ts';
import { alertLabels, formatSelector, labelKey, matchesExpectation, sameAlert } from './labels.ts';

describe('matchesExpectation', () => {
  const alert = { alertname: 'PrimaryDown', role: 'primary', instance: 'db-1' };
  it.each<{ name: string; expectation: Pick<Expectation, 'alert' | 'labels'>; matches: boolean }>([
    { name: 'the alertname alone', expectation: { alert: 'PrimaryDown', labels: {} }, matches: true },
    { name: 'alertname and a matcher', expectation: { alert: 'PrimaryDown', labels: { role: 'primary' } }, matches: true },
    { name: 'every matcher', expectation: { alert: 'PrimaryDown', labels: { role: 'primary', instance: 'db-1' } }, matches: true },
    { name: 'another alertname', expectation: { alert: 'ReplicaDown', labels: {} }, matches: false },
    { name: 'a matcher with another value', expectation: { alert: 'PrimaryDown', labels: { role: 'replica' } }, matches: false },
    { name: 'a matcher on a label the alert lacks', expectation: { alert: 'PrimaryDown', labels: { az: 'b' } }, matches: false },
  ])('$name → $matches', ({ expectation, matches }) => {
    expect(matchesExpectation(alert, expectation)).toBe(matches);
  });
});

describe('sameAlert', () => {
  const alert = { alertname: 'PrimaryDown', instance: 'db-1' };
  it.each([
    { name: 'identical labels', other: { ...alert }, same: true },
    { name: 'plus external labels (Alertmanager, webhooks)', other: { ...alert, cluster: 'lab' }, same: true },
    { name: 'another value', other: { ...alert, instance: 'db-2' }, same: false },
    { name: 'another alertname', other: { ...alert, alertname: 'ReplicaDown' }, same: false },
  ])('$name → $same', ({ other, same }) => {
    expect(sameAlert(alert, other)).toBe(same);
    expect(sameAlert(other, alert)).toBe(same);
  });
});

describe('label sets', () => {
  it('drops the series name and alertstate from ALERTS labels', () => {
    expect(alertLabels({ __name__: 'ALERTS', alertname: 'X', alertstate: 'firing', job: 'app' })).toEqual({
      alertname: 'X',
      job: 'app',
    });
  });

  it('keys label sets independently of their order', () => {
    expect(labelKey({ b: '2', a: '1' })).toBe(labelKey({ a: '1', b: '2' }));
    expect(labelKey({ a: '1' })).not.toBe(labelKey({ a: '1', b: '2' }));
  });

  it('writes an alert as a PromQL selector', () => {
    const labels = { alertname: 'X', job: 'app', instance: 'a' };
    expect(formatSelector('X', labels)).toBe('X{instance="a", job="app"}');
    expect(formatSelector('X', {})).toBe('X');
    expect(formatSelector('X', { path: 'say "hi"' })).toBe('X{path="say \\"hi\\""}');
  });

  it('writes the compact form gameday check has always used for its subjects', () => {
    const labels = { severity: 'page', Zone: 'b', role: 'say "hi"' };
    expect(formatSelector('X', labels, { style: 'compact' })).toBe('X{role="say "hi"",severity="page",Zone="b"}');
    expect(formatSelector('X', { alertname: 'X' }, { style: 'compact' })).toBe('X{alertname="X"}');
    expect(formatSelector('X', {}, { style: 'compact' })).toBe('X');
  });
});
