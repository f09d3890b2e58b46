import { describe, expect, it } from 'vitest';
import { buildEpisodes } from './episodes.ts';
import { indexJournal } from './journal-index.ts';
import type { AlertEpisode } from './model.ts';
import { at, type EpisodeSpec, JournalBuilder, T0, testPlan, unix } from './testing/journal-builder.ts';

const down = { alertname: 'PrimaryDown', instance: 'db-1' };

/** Seconds after T0, for comparing episode times with the schedule a test wrote. */
const s = (ms: number | null | undefined) => (ms == null ? null : (ms - T0) / 1000);

/** The episodes a test wrote: the watchdog the builder adds to every record is left out. */
function episodesOf(journal: JournalBuilder): AlertEpisode[] {
  return buildEpisodes(indexJournal(journal.build())).filter((episode) => episode.alertname !== 'Watchdog');
}

function summary(episode: AlertEpisode) {
  return {
    pending: s(episode.pending?.at),
    firing: s(episode.firing?.at),
    last: s(episode.lastSeenAt),
    sources: [episode.pending?.source ?? null, episode.firing?.source ?? null],
  };
}

describe('episodes from ALERTS', () => {
  interface Case {
    name: string;
    episodes: EpisodeSpec[];
    expected: Array<ReturnType<typeof summary>>;
  }
  const cases: Case[] = [
    {
      name: 'pending then firing',
      episodes: [{ labels: down, pending: 65, firing: 75, last: 120 }],
      expected: [{ pending: 65, firing: 75, last: 120, sources: ['ALERTS', 'ALERTS'] }],
    },
    {
      name: 'for: 0 (firing at once): pending start is the firing start',
      episodes: [{ labels: down, firing: 70, last: 90 }],
      expected: [{ pending: 70, firing: 70, last: 90, sources: ['ALERTS', 'ALERTS'] }],
    },
    {
      name: 'never fired',
      episodes: [{ labels: down, pending: 65, firing: null, last: 80 }],
      expected: [{ pending: 65, firing: null, last: 80, sources: ['ALERTS', null] }],
    },
    {
      name: 'a gap wider than 2.5 evaluation intervals splits episodes',
      episodes: [
        { labels: down, pending: 60, firing: 70, last: 100 },
        { labels: down, pending: 115, firing: 125, last: 150 },
      ],
      expected: [
        { pending: 60, firing: 70, last: 100, sources: ['ALERTS', 'ALERTS'] },
        { pending: 115, firing: 125, last: 150, sources: ['ALERTS', 'ALERTS'] },
      ],
    },
    {
      name: 'one missed evaluation (a gap of 2 intervals) does not',
      episodes: [
        { labels: down, pending: 60, firing: 70, last: 100 },
        { labels: down, firing: 110, last: 150 },
      ],
      expected: [{ pending: 60, firing: 70, last: 150, sources: ['ALERTS', 'ALERTS'] }],
    },
    {
      name: 'label sets are separate episodes',
      episodes: [
        { labels: down, firing: 70, last: 100 },
        { labels: { ...down, instance: 'db-2' }, firing: 80, last: 100 },
      ],
      expected: [
        { pending: 70, firing: 70, last: 100, sources: ['ALERTS', 'ALERTS'] },
        { pending: 80, firing: 80, last: 100, sources: ['ALERTS', 'ALERTS'] },
      ],
    },
    {
      name: 'the gap threshold follows the evaluation interval (15 s: a 30 s gap is one episode)',
      episodes: [
        { labels: down, firing: 60, last: 120, every: 15 },
        { labels: down, firing: 150, last: 180, every: 15 },
      ],
      expected: [{ pending: 60, firing: 60, last: 180, sources: ['ALERTS', 'ALERTS'] }],
    },
    {
      name: 'the gap threshold is at least 2.5 s (1 s evaluations: a 2 s gap is one episode)',
      episodes: [
        { labels: down, firing: 60, last: 70, every: 1 },
        { labels: down, firing: 72, last: 80, every: 1 },
        { labels: down, firing: 90, last: 95, every: 1 },
      ],
      expected: [
        { pending: 60, firing: 60, last: 80, sources: ['ALERTS', 'ALERTS'] },
        { pending: 90, firing: 90, last: 95, sources: ['ALERTS', 'ALERTS'] },
      ],
    },
  ];

  it.each(cases)('$name', ({ episodes, expected }) => {
    const journal = new JournalBuilder(testPlan());
    for (const episode of episodes) journal.alertEpisode(episode);
    journal.reconciled(300);
    expect(episodesOf(journal).map(summary)).toEqual(expected);
  });

  it('takes the start from ALERTS_FOR_STATE when the record begins mid-episode', () => {
    const journal = new JournalBuilder(testPlan()).push({
      kind: 'alerts.reconciled',
      at: at(300),
      from: at(50),
      to: at(300),
      alerts: [
        {
          labels: { __name__: 'ALERTS', ...down, alertstate: 'firing' },
          samples: [50, 55, 60].map((t) => [unix(t), 1]),
        },
      ],
      forState: [{ labels: { __name__: 'ALERTS_FOR_STATE', ...down }, samples: [50, 55, 60].map((t) => [unix(t), unix(20)]) }],
    });
    const [episode] = episodesOf(journal);
    expect(s(episode?.startedAt)).toBe(20);
    expect(episode?.notes.join()).toMatch(/active before its first ALERTS sample/);
  });

  it('leaves the end open when the alert was still active where the record ends', () => {
    const journal = new JournalBuilder(testPlan()).alertEpisode({ labels: down, firing: 70, last: 100 }).reconciled(100);
    expect(episodesOf(journal)[0]?.endedBy).toBeNull();
  });

  it('ends the episode at the next evaluation after its last sample', () => {
    const journal = new JournalBuilder(testPlan()).alertEpisode({ labels: down, firing: 70, last: 100 }).reconciled(200);
    expect(s(episodesOf(journal)[0]?.endedBy)).toBe(105);
  });
});

describe('episodes from polls and webhooks', () => {
  it('prefers Alertmanager startsAt for the firing time when it agrees with ALERTS', () => {
    const journal = new JournalBuilder(testPlan())
      .alertEpisode({ labels: down, pending: 65, firing: 75, last: 120 })
      .alertmanagerPoll(76, [{ labels: { ...down, cluster: 'lab' }, startsAt: 75.0004 }])
      .reconciled(300);
    const [episode] = episodesOf(journal);
    expect(episode?.firing).toEqual({ at: T0 + 75_000, source: 'alertmanager-api' });
    expect(episode?.pending?.source).toBe('ALERTS');
  });

  it('keeps ALERTS, with a note, when Alertmanager disagrees by more than a second', () => {
    const journal = new JournalBuilder(testPlan())
      .alertEpisode({ labels: down, pending: 65, firing: 75, last: 120 })
      .alertmanagerPoll(80, [{ labels: down, startsAt: 78 }])
      .reconciled(300);
    const [episode] = episodesOf(journal);
    expect(episode?.firing?.source).toBe('ALERTS');
    expect(episode?.notes.join()).toMatch(/alertmanager-api startsAt .* is 3 s after the ALERTS firing time; kept ALERTS/);
  });

  it('builds episodes from the polls when there is no reconciled record', () => {
    const journal = new JournalBuilder(testPlan())
      .prometheusPoll(66, [{ labels: down, activeAt: 65, state: 'pending' }])
      .prometheusPoll(76, [{ labels: down, activeAt: 65, state: 'firing' }])
      .alertmanagerPoll(76, [{ labels: down, startsAt: 75 }])
      .prometheusPoll(130, [])
      .alertmanagerPoll(130, []);
    expect(episodesOf(journal).map(summary)).toEqual([
      { pending: 65, firing: 75, last: 76, sources: ['prometheus-api', 'alertmanager-api'] },
    ]);
    expect(s(episodesOf(journal)[0]?.endedBy)).toBe(130);
  });

  it('times the firing of an episode only the polls saw, even when no Prometheus poll saw it firing', () => {
    const journal = new JournalBuilder(testPlan())
      .prometheusPoll(66, [{ labels: down, activeAt: 65, state: 'pending' }])
      .alertmanagerPoll(76, [{ labels: down, startsAt: 75 }]);
    expect(episodesOf(journal).map(summary)).toEqual([
      { pending: 65, firing: 75, last: 76, sources: ['prometheus-api', 'alertmanager-api'] },
    ]);
  });

  it('keeps a new Prometheus instance (another activeAt) apart from an open polled episode', () => {
    const journal = new JournalBuilder(testPlan())
      .prometheusPoll(66, [{ labels: down, activeAt: 65, state: 'firing' }])
      .prometheusPoll(100, [{ labels: down, activeAt: 95, state: 'firing' }]);
    expect(episodesOf(journal).map((episode) => s(episode.pending?.at))).toEqual([65, 95]);
  });

  it('ends a recorded episode where the polls saw it go, and keeps a later instance apart', () => {
    const journal = new JournalBuilder(testPlan())
      .alertEpisode({ labels: down, pending: 65, firing: 75, last: 100 })
      .reconciled(100)
      .prometheusPoll(66, [{ labels: down, activeAt: 65, state: 'pending' }])
      .prometheusPoll(140, [{ labels: down, activeAt: 65, state: 'firing' }])
      .prometheusPoll(150, [])
      .prometheusPoll(156, [{ labels: down, activeAt: 145, state: 'pending' }]);
    const episodes = episodesOf(journal);
    expect(episodes.map((episode) => [s(episode.startedAt), s(episode.endedBy), episode.record])).toEqual([
      [65, 150, 'ALERTS'],
      [145, null, 'polls'],
    ]);
  });

  it('ignores an Alertmanager startsAt older than the episode (kept when Alertmanager merged)', () => {
    const journal = new JournalBuilder(testPlan())
      .alertEpisode({ labels: down, pending: 100, firing: null, last: 120 })
      .alertmanagerPoll(110, [{ labels: down, startsAt: 40 }])
      .reconciled(300, 90);
    const [episode] = episodesOf(journal);
    expect(summary(episode as AlertEpisode)).toMatchObject({ pending: 100, firing: null });
    expect(episode?.notes.join()).toMatch(/predates the episode/);
  });

  it('uses the first firing poll, as an upper bound, when only Prometheus was polled', () => {
    const journal = new JournalBuilder(testPlan())
      .prometheusPoll(66, [{ labels: down, activeAt: 65, state: 'pending' }])
      .prometheusPoll(78, [{ labels: down, activeAt: 65, state: 'firing' }]);
    const [episode] = episodesOf(journal);
    expect(summary(episode as AlertEpisode)).toMatchObject({
      pending: 65,
      firing: 78,
      sources: ['prometheus-api', 'prometheus-api'],
    });
    expect(episode?.notes.join()).toMatch(/upper bound/);
  });

  it('falls back to the webhook when nothing else saw the episode', () => {
    const journal = new JournalBuilder(testPlan()).webhook(77, [{ labels: down, startsAt: 75 }]);
    expect(episodesOf(journal).map(summary)).toEqual([{ pending: null, firing: 75, last: 77, sources: [null, 'webhook'] }]);
  });

  it('adds an episode the record lacks (it ended before the episode began)', () => {
    const journal = new JournalBuilder(testPlan())
      .alertEpisode({ labels: down, pending: 65, firing: 75, last: 100 })
      .reconciled(120)
      .prometheusPoll(151, [{ labels: down, activeAt: 150, state: 'firing' }])
      .alertmanagerPoll(151, [{ labels: down, startsAt: 150 }]);
    expect(episodesOf(journal).map(summary)).toEqual([
      { pending: 65, firing: 75, last: 100, sources: ['ALERTS', 'ALERTS'] },
      { pending: 150, firing: 150, last: 151, sources: ['prometheus-api', 'alertmanager-api'] },
    ]);
  });

  it('separates episodes of one label set by their start, not by the fingerprint', () => {
    const journal = new JournalBuilder(testPlan())
      .alertmanagerPoll(71, [{ labels: down, startsAt: 70 }])
      .alertmanagerPoll(100, [])
      .alertmanagerPoll(131, [{ labels: down, startsAt: 130 }]);
    expect(episodesOf(journal).map((episode) => s(episode.firing?.at))).toEqual([70, 130]);
  });

  it('collects annotations (runbook links) from the polls onto ALERTS episodes', () => {
    const journal = new JournalBuilder(testPlan())
      .alertEpisode({ labels: down, pending: 65, firing: 75, last: 120 })
      .prometheusPoll(66, [{ labels: down, activeAt: 65, state: 'pending', annotations: { runbook_url: 'runbooks/primary.md' } }])
      .reconciled(300);
    const episodes = episodesOf(journal);
    expect(episodes).toHaveLength(1);
    expect(episodes[0]?.annotations.runbook_url).toBe('runbooks/primary.md');
  });
});
