// A silence in Alertmanager that matches an expected alert makes the day's delivery figures
// meaningless: the alert fires, the page never goes out, and the report can only say "silenced".
// A forgotten maintenance silence is the usual cause; one scheduled to start during the game day
// counts too. A warning per expected alert such a silence may mute; one line when none does.

import { formatSilenceMatchers, silenceMatchers, silenceOverlaps } from '../alerting/silences.ts';
import { matches } from '../alerting/routes.ts';
import type { AmSilence } from '../journal/events.ts';
import type { AlertingRule } from '../observe/prometheus.ts';
import type { Expectation, Plan } from '../plan/types.ts';
import type { CheckFinding } from './findings.ts';
import type { Outcome } from './world.ts';
import { count, describeExpectation, shortTime } from './words.ts';

/** How long the game day may last from now: the baseline wait, the window and its grace. */
export function gameDaySpanMs(plan: Plan): number {
  return (plan.window.baselineTimeoutSeconds + plan.window.durationSeconds + plan.window.graceSeconds) * 1000;
}

/** One warning per expected alert a silence may mute; one line saying so when none does. */
export function silenceFindings(
  expectations: readonly Expectation[],
  silences: Outcome<AmSilence[]>,
  rules: Outcome<AlertingRule[]>,
  plan: Plan,
  now: Date,
): CheckFinding[] {
  if (!silences.ok)
    return [{ check: 'silence', subject: 'Alertmanager silences', status: 'warn', detail: `not checked: ${silences.reason}` }];
  const from = now.getTime();
  const to = from + gameDaySpanMs(plan);
  const inForce = silences.value.filter((silence) => silenceOverlaps(silence, from, to));
  const findings = expectations.flatMap((expectation): CheckFinding[] => {
    const known = knownLabels(expectation, rules);
    const matching = inForce.filter((silence) => mayMute(silence, known));
    if (matching.length === 0) return [];
    return [
      {
        check: 'silence',
        subject: describeExpectation(expectation),
        status: 'warn',
        detail: `${matching.map((silence) => describeSilence(silence, known, from)).join('; ')}: its notifications would not go out during the game day`,
        hint: 'expire the silence (amtool silence expire <id>, or the Alertmanager UI) if it is a leftover; otherwise the report will show these notifications as silenced',
      },
    ];
  });
  if (findings.length > 0) return findings;
  const detail =
    inForce.length === 0
      ? 'no silence is active or scheduled'
      : `${count(inForce.length, 'silence')} active or scheduled, none matching an expected alert`;
  return [{ check: 'silence', subject: 'Alertmanager silences', status: 'ok', detail }];
}

function describeSilence(silence: AmSilence, known: Record<string, string>, now: number): string {
  const when =
    Date.parse(silence.startsAt) > now
      ? `scheduled from ${shortTime(silence.startsAt)} to ${shortTime(silence.endsAt)}`
      : `active until ${shortTime(silence.endsAt)}`;
  const who = silence.createdBy ? ` by ${silence.createdBy}` : '';
  const why = silence.comment ? ` ("${silence.comment}")` : '';
  const unknown = silenceMatchers(silence)
    .map((matcher) => matcher.name)
    .filter((name) => !(name in known));
  const may = unknown.length > 0 ? `; it may match: ${unknown.join(', ')} is only known once the alert fires` : '';
  return `silence ${silence.id} ${formatSilenceMatchers(silence)}, ${when}, created${who}${why}${may}`;
}

/** The labels the alert is known to carry before it fires: its name, the plan's matchers, the rule's fixed labels. */
function knownLabels(expectation: Expectation, rules: Outcome<AlertingRule[]>): Record<string, string> {
  const rule = rules.ok ? rules.value.find((candidate) => candidate.name === expectation.alert) : undefined;
  const fixed = Object.fromEntries(Object.entries(rule?.labels ?? {}).filter(([, value]) => !value.includes('{{')));
  return { ...fixed, ...expectation.labels, alertname: expectation.alert };
}

/** Every matcher on a known label matches; matchers on labels only the firing alert will have are given the benefit of the doubt. */
function mayMute(silence: AmSilence, known: Record<string, string>): boolean {
  const onKnown = silenceMatchers(silence).filter((matcher) => matcher.name in known);
  return onKnown.length > 0 && onKnown.every((matcher) => matches(matcher, known));
}
