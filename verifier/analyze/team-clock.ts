// The team's clock for one fault, the figures both write-ups report: time to detect (the first
// expected alert firing), to acknowledge (the first Alertmanager silence created during the fault
// that mutes its alert, or a `gameday mark … acknowledged`, whichever came first) and to restore
// (the team's restore: the trace seeing the service well again or a mark; otherwise the revert that
// took the fault out), each from the injection and from the first alert (Zalando's "first alert to
// service restoration"), each with where it came from. Pure: journal index and verdicts in.

import { silenceMatches } from '../alerting/silences.ts';
import type { AmSilence, FaultMarked } from '../journal/events.ts';
import type { FaultEvents, JournalIndex } from './journal-index.ts';
import { type EpochMs, parseInstant, secondsBetween } from './time.ts';

/** Where a figure of the team's clock came from. */
export type ClockSource =
  | 'alert' // the expected alert's firing (Prometheus's record or the polls, as the expectation says)
  | 'silence' // a silence created in Alertmanager
  | 'mark' // `gameday mark` or Enter on gameday's terminal
  | 'trace' // the trace succeeded again (`revert: responders`)
  | 'revert'; // gameday's revert (scheduled, at maxDuration, at the end of the run) or a manual revert's mark

export interface ClockFigure {
  at: EpochMs;
  /** Seconds from the injection. */
  afterInjectionSeconds: number;
  /** Seconds from the first expected alert firing; null when none fired, it came earlier, or for detection itself. */
  afterFirstAlertSeconds: number | null;
  source: ClockSource;
  /** What exactly: the alert, the silence (id, author, comment), the mark's note, the revert's reason. */
  detail: string;
}

/** What of an expectation's verdict the clock reads (model.ts imports this file, so not its types). */
export interface ClockExpectation {
  alert: string;
  labels: Record<string, string>;
  firingAt: EpochMs | null;
  alertLabels: Record<string, string> | null;
  sources: { firing: string | null };
}

export interface TeamClock {
  detect: ClockFigure | null;
  acknowledge: ClockFigure | null;
  restore: ClockFigure | null;
}

/**
 * The team's clock of an injected fault. `until`: the end of the span in which a silence counts
 * (the fault's deadline): one created after the fault was over acknowledges nothing.
 */
export function teamClock(
  recorded: FaultEvents,
  injectedAt: EpochMs,
  until: EpochMs,
  expectations: readonly ClockExpectation[],
  silencePolls: JournalIndex['silencePolls'],
  /** The kind of the fault's revert (`http`, `manual`, …), for the restore's words. */
  revertKind: string,
): TeamClock {
  const firings = expectations.flatMap((expectation) => (expectation.firingAt === null ? [] : [{ at: expectation.firingAt, expectation }]));
  const first = firings.sort((a, b) => a.at - b.at)[0];
  const figure = (at: EpochMs, source: ClockSource, detail: string): ClockFigure => ({
    at,
    afterInjectionSeconds: secondsBetween(injectedAt, at),
    // Before the first alert (a restore the alert came too late for), "from the first alert" means nothing.
    afterFirstAlertSeconds: first === undefined || at < first.at ? null : secondsBetween(first.at, at),
    source,
    detail,
  });
  const detect = first
    ? {
        ...figure(first.at, 'alert', `${first.expectation.alert} firing (${first.expectation.sources.firing ?? 'unknown source'})`),
        afterFirstAlertSeconds: null,
      }
    : null;

  const marks = (kind: FaultMarked['mark']) =>
    (recorded.marks ?? []).filter((mark) => mark.mark === kind && parseInstant(mark.markedAt) >= injectedAt);
  const markFigure = (mark: FaultMarked) => figure(parseInstant(mark.markedAt), 'mark', describeMark(mark));

  const acknowledgements: ClockFigure[] = marks('acknowledged').map(markFigure);
  const silence = firstMatchingSilence(expectations, silencePolls, injectedAt, until);
  if (silence) acknowledgements.push(figure(silence.at, 'silence', describeSilence(silence.silence)));

  const restores: ClockFigure[] = marks('restored').map(markFigure);
  const { restored, reverted } = recorded;
  if (restored) {
    const how =
      restored.source === 'trace'
        ? `the trace succeeded again${restored.iterations ? ` for ${restored.iterations} iterations` : ''}`
        : 'marked restored';
    restores.push(figure(parseInstant(restored.restoredAt), restored.source === 'trace' ? 'trace' : 'mark', how));
  }
  if (reverted) {
    // A manual revert's detail names its mark; an injector's (an HTTP answer) is in the journal, too long here.
    const how = revertKind === 'manual' && reverted.detail ? `: ${reverted.detail}` : ` (${revertKind})`;
    restores.push(figure(parseInstant(reverted.at), 'revert', `${reverted.reason} revert${how}`));
  }

  return { detect, acknowledge: earliest(acknowledgements), restore: earliest(restores) };
}

function earliest(figures: readonly ClockFigure[]): ClockFigure | null {
  return figures.reduce<ClockFigure | null>((best, figure) => (best === null || figure.at < best.at ? figure : best), null);
}

function describeMark(mark: FaultMarked): string {
  const how = mark.by === 'cli' ? 'gameday mark' : "Enter on gameday's terminal";
  return `${how}${mark.note ? `: ${mark.note}` : ''}`;
}

function describeSilence(silence: AmSilence): string {
  const comment = silence.comment.trim() ? `: "${silence.comment.trim()}"` : '';
  return `silence ${silence.id}${silence.createdBy ? ` by ${silence.createdBy}` : ''}${comment}`;
}

/**
 * The first silence created during the fault whose matchers mute one of its expected alerts. Its
 * creation is read as its `startsAt`: Alertmanager sets a new silence's start to the moment it is
 * created unless it is scheduled for later (then it acknowledges from when it takes effect). The
 * alert's labels are the firing episode's, or the expectation's when it did not fire.
 */
function firstMatchingSilence(
  expectations: readonly ClockExpectation[],
  polls: JournalIndex['silencePolls'],
  from: EpochMs,
  to: EpochMs,
): { at: EpochMs; silence: AmSilence } | null {
  const alerts = expectations.map((expectation) => expectation.alertLabels ?? { ...expectation.labels, alertname: expectation.alert });
  let found: { at: EpochMs; silence: AmSilence } | null = null;
  const seen = new Set<string>();
  for (const poll of polls) {
    for (const silence of poll.silences) {
      if (seen.has(silence.id)) continue;
      seen.add(silence.id);
      const at = Date.parse(silence.startsAt);
      if (Number.isNaN(at) || at < from || at > to) continue;
      if (!alerts.some((labels) => silenceMatches(silence, labels))) continue;
      if (found === null || at < found.at) found = { at, silence };
    }
  }
  return found;
}
