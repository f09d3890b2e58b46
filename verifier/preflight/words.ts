// Small pieces of wording shared by the findings of `gameday check`.

import { formatSelector } from '../alerting/labels.ts';
import type { Expectation, Plan } from '../plan/types.ts';

export function expectedAlertNames(plan: Plan): string[] {
  return [...new Set(plan.faults.flatMap((fault) => fault.expect.map((expectation) => expectation.alert)))];
}

/** Expectations that differ in alert name or labels; a baseline is checked once per alert. */
export function distinctExpectations(plan: Plan): Expectation[] {
  const seen = new Map<string, Expectation>();
  for (const expectation of plan.faults.flatMap((fault) => fault.expect)) {
    seen.set(describeExpectation(expectation), expectation);
  }
  return [...seen.values()];
}

export function describeExpectation(expectation: Expectation): string {
  return formatSelector(expectation.alert, expectation.labels, { style: 'compact' });
}

/** Labels an active alert carries beyond alertname and those the plan asked for, to tell episodes apart. */
export function extraLabels(labels: Record<string, string>, expectation: Expectation): string {
  const extra = Object.entries(labels).filter(([name]) => name !== 'alertname' && !(name in expectation.labels));
  return extra.length > 0 ? ` {${extra.map(([name, value]) => `${name}="${value}"`).join(', ')}}` : '';
}

/** An argument as a person would type it: quoted when it holds spaces or quotes. */
export function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

/** `2026-11-23T02:39:29.367082757Z` -> `2026-11-23T02:39:29Z`: seconds are enough to read. */
export function shortTime(timestamp: string): string {
  return timestamp.replace(/\.\d+Z$/, 'Z');
}

export function hostPort(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname === 'localhost' ? '127.0.0.1' : parsed.hostname;
    return `${host}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return url;
  }
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
