// Alertmanager's silences as the pipeline model sees them: which alerts a silence mutes (all its
// matchers match the alert's labels, silence/silence.go), and how to write its matchers down.

import type { AmSilence } from '../journal/events.ts';
import { type LabelMatcher, type MatchOperator, matches } from './routes.ts';

type SilenceMatcher = AmSilence['matchers'][number];

export function silenceOperator(matcher: SilenceMatcher): MatchOperator {
  if (matcher.isRegex) return matcher.isEqual ? '=~' : '!~';
  return matcher.isEqual ? '=' : '!=';
}

export function silenceMatchers(silence: Pick<AmSilence, 'matchers'>): LabelMatcher[] {
  return silence.matchers.map((m) => ({ name: m.name, operator: silenceOperator(m), value: m.value }));
}

/** `{alertname="QueueUnreachable", env=~"prod|staging"}` */
export function formatSilenceMatchers(silence: Pick<AmSilence, 'matchers'>): string {
  return `{${silenceMatchers(silence)
    .map((m) => `${m.name}${m.operator}${JSON.stringify(m.value)}`)
    .join(', ')}}`;
}

/** Whether the silence mutes an alert with these labels (a missing label is the empty string). */
export function silenceMatches(silence: Pick<AmSilence, 'matchers'>, labels: Record<string, string>): boolean {
  return silenceMatchers(silence).every((matcher) => matches(matcher, labels));
}

/** Whether the silence is in force at some moment of [from, to] (ISO or epoch ms). */
export function silenceOverlaps(silence: Pick<AmSilence, 'state' | 'startsAt' | 'endsAt'>, from: number, to: number): boolean {
  if (silence.state === 'expired') return false;
  return Date.parse(silence.startsAt) <= to && Date.parse(silence.endsAt) >= from;
}
