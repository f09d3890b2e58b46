import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJournal } from '../analyze/testing/journal-builder.ts';
import type { JournalEvent } from '../journal/events.ts';
import { applyEvent, initialLiveState, phaseAt } from './live-state.ts';
import { createGamedayMetrics, metricNames } from './metrics.ts';
import { type MetricsServer, parseListen, startMetricsServer } from './metrics-server.ts';
import { type ProgressStream, prometheusRates, startProgress } from './progress.ts';
import { startLive } from './index.ts';
import { noRates, statusBlock, statusLine } from './status.ts';

// A real demo run (verifier/report/fixtures/README.md says how it was recorded).
const recorded: JournalEvent[] = parseJournal(
  readFileSync(new URL('../report/fixtures/demo-run-1.journal.jsonl', import.meta.url), 'utf8'),
);
const at = (kind: JournalEvent['kind'], index = 0) => {
  const found = recorded.filter((event) => event.kind === kind)[index];
  if (!found) throw new Error(`no ${kind} #${index} in the recorded journal`);
  return Date.parse(found.at);
};
/** The state after every recorded event up to and including time `until`. */
const stateAt = (until: number) => {
  const state = initialLiveState();
  for (const event of recorded) if (Date.parse(event.at) <= until) applyEvent(state, event);
  return state;
};

describe('live state', () => {
  it('follows the phases of a recorded run, the grace by the clock', () => {
    const windowStart = at('window.started');
    expect(phaseAt(stateAt(at('run.started')), at('run.started'))).toBe('preflight');
    expect(phaseAt(stateAt(at('preflight.passed')), at('preflight.passed'))).toBe('baseline');
    expect(phaseAt(stateAt(windowStart + 5000), windowStart + 5000)).toBe('window');
    expect(phaseAt(stateAt(windowStart + 215_000), windowStart + 215_000)).toBe('grace');
    expect(phaseAt(stateAt(at('window.ended')), at('window.ended'))).toBe('cleanup');
    expect(phaseAt(stateAt(at('run.ended')), at('run.ended'))).toBe('ended');
  });

  it('knows the faults in place, the bursts running and the alerts firing', () => {
    const state = stateAt(at('fault.injected', 4) + 12_000); // capacity-typo in, its burst running
    expect([...state.activeFaults.keys()]).toEqual(['capacity-typo']);
    expect([...state.runningBursts.keys()]).toEqual(['capacity-burst']);
    expect(state.alerts.firing.has('Watchdog')).toBe(true);
    const after = stateAt(at('run.ended'));
    expect(after.activeFaults.size).toBe(0);
    expect(after.runningBursts.size).toBe(0);
  });
});

describe('faults with people in them', () => {
  const t0 = Date.parse('2026-12-01T10:00:00Z');
  const iso = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();
  const fold = (events: JournalEvent[]) => events.reduce((state, event) => applyEvent(state, event), initialLiveState());

  it('a manual step shows what it waits for and how long is left; the mark ends the wait', () => {
    const waiting = fold([
      { kind: 'fault.injecting', at: iso(0), fault: 'sg-changed' },
      {
        kind: 'fault.awaiting-mark',
        at: iso(0),
        fault: 'sg-changed',
        mark: 'injected',
        instructions: 'Remove port 5432 from the security group',
        deadline: iso(120),
      },
    ]);
    expect(statusLine(waiting, noRates, t0 + 30_000)).toContain('faults sg-changed: waiting for the mark injected (1m30s left)');
    applyEvent(waiting, { kind: 'fault.marked', at: iso(41), fault: 'sg-changed', mark: 'injected', markedAt: iso(40), by: 'cli' });
    applyEvent(waiting, { kind: 'fault.injected', at: iso(41), fault: 'sg-changed', startedAt: iso(40) });
    expect(statusLine(waiting, noRates, t0 + 50_000)).toContain('faults sg-changed (9s)');
  });

  it('a fault the team restored, or one never marked in, is no longer in place', () => {
    const restored = fold([
      { kind: 'fault.injected', at: iso(0), fault: 'primary-down', startedAt: iso(0) },
      { kind: 'fault.restored', at: iso(61), fault: 'primary-down', restoredAt: iso(60), source: 'trace', iterations: 5 },
    ]);
    expect(restored.activeFaults.size).toBe(0);
    const unmarked = fold([
      { kind: 'fault.injecting', at: iso(0), fault: 'sg-changed' },
      { kind: 'fault.awaiting-mark', at: iso(0), fault: 'sg-changed', mark: 'injected', instructions: 'x', deadline: iso(120) },
      { kind: 'fault.not-injected', at: iso(120), fault: 'sg-changed', reason: 'no mark within 2m' },
    ]);
    expect(unmarked.activeFaults.size).toBe(0);
    expect(statusLine(unmarked, noRates, t0 + 121_000)).toContain('faults —');
  });
});

describe('status', () => {
  const windowStart = at('window.started');
  const now = windowStart + 40_500; // replicas-cut went in at t+35
  const state = stateAt(now);
  const rates = { traceRate: 1, traceSuccess: 0.933, burstRate: null };

  it('draws a block with phase, times, trace, bursts, faults and alerts', () => {
    expect(statusBlock(state, rates, now, 200)).toEqual([
      'gameday demo · run 20261123T024658Z-demo',
      'phase    window t+40s of 3m30s (2m49s left, then 20s grace)',
      'trace    1.0 req/s, 93.3 % ok',
      'bursts   —',
      'faults   replicas-cut (5s)',
      'alerts   firing ReplicasDown · pending — · watchdog ok',
    ]);
  });

  it('cuts lines to the terminal width so a redraw never wraps', () => {
    for (const line of statusBlock(state, rates, now, 30)) expect([...line].length).toBeLessThanOrEqual(30);
  });

  it('says it all on one line for a CI log', () => {
    expect(statusLine(state, rates, now)).toBe(
      'progress: window t+40s of 3m30s (2m49s left, then 20s grace) · trace 1.0 req/s, 93.3 % ok · bursts — · faults replicas-cut (5s) · firing ReplicasDown · pending — · watchdog ok',
    );
  });
});

describe('progress', () => {
  const capture = (isTTY: boolean): ProgressStream & { text: string } => {
    const stream = {
      text: '',
      isTTY,
      columns: 120,
      write(chunk: string) {
        stream.text += chunk;
        return true;
      },
    };
    return stream;
  };
  let stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of stops) await stop();
    stops = [];
  });

  it('on a terminal, redraws the block in place with log lines above it', async () => {
    const stream = capture(true);
    let clock = at('run.started');
    const progress = startProgress({ stream, now: () => clock, tickMs: 60_000 });
    stops.push(() => progress.stop());
    const log = progress.around((line) => stream.write(`${line}\n`));
    for (const event of recorded.slice(0, 3)) progress.onEvent(event);
    clock = at('window.started') + 1000;
    log('t+1.0s injected api-instances-killed');
    const blocks = stream.text.split('gameday demo · run').length - 1;
    expect(blocks).toBeGreaterThanOrEqual(3);
    // Each redraw first moves up over the 6-line block and erases it.
    expect(stream.text).toContain('\x1b[6F\x1b[J');
    const lastErase = stream.text.lastIndexOf('\x1b[6F\x1b[J');
    expect(stream.text.slice(lastErase).startsWith('\x1b[6F\x1b[Jt+1.0s injected api-instances-killed\ngameday demo')).toBe(true);
  });

  it('elsewhere, passes log lines through and prints a status line at most every interval', async () => {
    const stream = capture(false);
    let clock = at('window.started');
    const progress = startProgress({
      stream,
      now: () => clock,
      tickMs: 60_000,
      plainIntervalMs: 10_000,
      rates: async () => ({ traceRate: 1, traceSuccess: 1, burstRate: null }),
    });
    stops.push(() => progress.stop());
    for (const event of recorded) if (Date.parse(event.at) <= clock) progress.onEvent(event);
    const log = progress.around((line) => stream.write(`${line}\n`));
    log('a log line');
    await progress.tick();
    clock += 4000;
    await progress.tick(); // too soon for another line
    clock += 7000;
    await progress.tick();
    const lines = stream.text.trimEnd().split('\n');
    expect(lines[0]).toBe('a log line');
    expect(lines.slice(1).map((line) => line.slice(0, 30))).toEqual(['progress: window t+0s of 3m30s', 'progress: window t+11s of 3m30']);
    expect(stream.text).not.toContain('\x1b');
    expect(lines[1]).toContain('trace 1.0 req/s, 100 % ok');
  });

  it('reads trace and burst rates from the series k6 pushes, tagged with the run id', async () => {
    const queries: string[] = [];
    const answers: Array<number | undefined> = [0.98, undefined, 1500];
    const rates = prometheusRates({
      instant: async (query: string) => {
        queries.push(query);
        return answers[queries.length - 1];
      },
    });
    // No success series while iterations run: the success counter stopped growing.
    expect(await rates('run-1')).toEqual({ traceRate: 0.98, traceSuccess: 0, burstRate: 1500 });
    expect(queries).toEqual([
      'sum(rate(k6_iterations_total{testid="run-1",role="trace"}[15s]))',
      'sum(rate(k6_trace_success_total{testid="run-1"}[15s]))',
      'sum(rate(k6_http_reqs_total{testid="run-1",role="burst"}[5s]))',
    ]);
  });
});

describe("gameday's metrics", () => {
  const value = async (metrics: ReturnType<typeof createGamedayMetrics>, name: string, labels: Record<string, string>) => {
    const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
    const sample = (metric?.values ?? []).find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
    return sample?.value;
  };

  it('follows faults, bursts and detection latency through a recorded run', async () => {
    const metrics = createGamedayMetrics({ now: () => at('window.started') + 40_000 });
    const upTo = (until: number) => {
      for (const event of recorded) {
        if (Date.parse(event.at) > until || seen.has(event)) continue;
        seen.add(event);
        metrics.onEvent(event);
      }
    };
    const seen = new Set<JournalEvent>();
    upTo(at('fault.injected', 1) + 1000);
    expect(await value(metrics, metricNames.faultActive, { fault: 'replicas-cut' })).toBe(1);
    expect(await value(metrics, metricNames.faultActive, { fault: 'api-instances-killed' })).toBe(0);
    expect(await value(metrics, metricNames.runInfo, { run_id: '20261123T024658Z-demo', plan: 'demo' })).toBe(1);
    expect(await value(metrics, metricNames.runPhase, { phase: 'window' })).toBe(1);
    expect(await value(metrics, metricNames.runPhase, { phase: 'grace' })).toBe(0);
    expect(await value(metrics, metricNames.expectationTarget, { fault: 'replicas-cut', alert: 'ReplicasDown' })).toBe(10);
    // Known from the polls once ApiInstancesDown fired: about 3 s after the injection.
    const early = await value(metrics, metricNames.detectionLatency, { fault: 'api-instances-killed', alert: 'ApiInstancesDown' });
    expect(early).toBeGreaterThan(2);
    expect(early).toBeLessThan(5);
    upTo(at('load.started', 1) + 1000);
    expect(await value(metrics, metricNames.burstActive, { burst: 'capacity-burst' })).toBe(1);
    expect(await value(metrics, metricNames.burstRequestedRate, { burst: 'capacity-burst' })).toBe(2000);
    upTo(at('run.ended'));
    expect(await value(metrics, metricNames.burstActive, { burst: 'capacity-burst' })).toBe(0);
    expect(await value(metrics, metricNames.burstAchievedRate, { burst: 'capacity-burst' })).toBeGreaterThan(1000);
    expect(await value(metrics, metricNames.faultActive, { fault: 'replication-never-started' })).toBe(0);
  });

  it('a fault the team restored is no longer active', async () => {
    const metrics = createGamedayMetrics();
    for (const event of recorded.filter((e) => e.kind === 'run.started')) metrics.onEvent(event);
    const fault = 'replicas-cut';
    metrics.onEvent({ kind: 'fault.injected', at: '2026-12-01T10:00:00Z', fault, startedAt: '2026-12-01T10:00:00Z' });
    expect(await value(metrics, metricNames.faultActive, { fault })).toBe(1);
    metrics.onEvent({ kind: 'fault.restored', at: '2026-12-01T10:01:01Z', fault, restoredAt: '2026-12-01T10:01:00Z', source: 'mark' });
    expect(await value(metrics, metricNames.faultActive, { fault })).toBe(0);
  });

  it('publishes the verdicts and exact latencies of the report at the end', async () => {
    const metrics = createGamedayMetrics();
    for (const event of recorded) metrics.onEvent(event);
    const { analyzeRun } = await import('../analyze/index.ts');
    const { toReportJson } = await import('../report/index.ts');
    const report = toReportJson(analyzeRun(recorded));
    metrics.finish(report);
    for (const [verdict, count] of Object.entries(report.summary.verdicts)) {
      expect(await value(metrics, metricNames.expectations, { verdict })).toBe(count);
    }
    const first = report.faults[0]?.expectations[0];
    expect(
      await value(metrics, metricNames.expectationVerdict, {
        fault: 'api-instances-killed',
        alert: 'ApiInstancesDown',
        verdict: first?.verdict ?? '',
      }),
    ).toBe(1);
    expect(await value(metrics, metricNames.detectionLatency, { fault: 'api-instances-killed', alert: 'ApiInstancesDown' })).toBe(
      first?.firingAfterSeconds,
    );
    expect(await value(metrics, metricNames.runPhase, { phase: 'ended' })).toBe(1);
  });

  describe('server', () => {
    let server: MetricsServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it('serves the registry at /metrics and tells when a scrape came after a point', async () => {
      const metrics = createGamedayMetrics();
      for (const event of recorded.slice(0, 1)) metrics.onEvent(event);
      server = await startMetricsServer('127.0.0.1:0', metrics.registry);
      const waiting = server.nextScrape(5000);
      const response = await fetch(server.url);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const body = await response.text();
      expect(body).toContain('gameday_run_info{run_id="20261123T024658Z-demo",plan="demo"} 1');
      expect(body).toContain('gameday_fault_active{fault="capacity-typo"} 0');
      expect(await waiting).toBe(true);
      expect(server.scrapes).toBe(1);
      expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
      expect(await server.nextScrape(50)).toBe(false);
    });

    it('says what is wrong with an address', () => {
      expect(parseListen('127.0.0.1:19101')).toEqual({ host: '127.0.0.1', port: 19101 });
      expect(parseListen('[::1]:9')).toEqual({ host: '::1', port: 9 });
      expect(() => parseListen('19101')).toThrow('invalid metrics address "19101"; reason: expected host:port');
    });
  });
});

describe('startLive', () => {
  const report = async () => {
    const { analyzeRun } = await import('../analyze/index.ts');
    const { toReportJson } = await import('../report/index.ts');
    return toReportJson(analyzeRun(recorded));
  };

  it('at the end waits for one more scrape, but only when something scrapes', async () => {
    const lines: string[] = [];
    // A timeout the test never reaches: only a scrape can end the wait, so no wait is timed.
    const live = await startLive({ log: (line) => lines.push(line), metricsListen: '127.0.0.1:0', finalScrapeTimeoutMs: 3_600_000 });
    try {
      expect(lines).toEqual([`metrics: gameday's own metrics at ${live.metricsUrl}`]);
      for (const event of recorded) live.onEvent(event);
      const final = await report();
      // Nothing scraped yet: no wait (a wait would outlast the test's own timeout).
      await live.finish(final);
      // A scraper (as Prometheus would be): finish resolves after the scrape that follows it.
      await fetch(live.metricsUrl ?? '');
      const finishing = live.finish(final);
      let done = false;
      void finishing.then(() => (done = true));
      // A request that is not a scrape makes a round trip through the same server and ends no wait.
      expect((await fetch(new URL('/', live.metricsUrl ?? ''))).status).toBe(404);
      expect(done).toBe(false);
      const body = await (await fetch(live.metricsUrl ?? '')).text();
      await finishing;
      expect(body).toContain('gameday_expectations{verdict="detected"}');
    } finally {
      await live.stop();
    }
  });

  it('goes on without metrics when the port is taken, and says so', async () => {
    const first = await startLive({ log: () => {}, metricsListen: '127.0.0.1:0' });
    const port = new URL(first.metricsUrl ?? '').port;
    const lines: string[] = [];
    const second = await startLive({ log: (line) => lines.push(line), metricsListen: `127.0.0.1:${port}` });
    try {
      expect(second.metricsUrl).toBeNull();
      expect(lines[0]).toMatch(
        new RegExp(
          `^metrics: cannot serve gameday's metrics on 127\\.0\\.0\\.1:${port} \\(.*EADDRINUSE.*\\); the run goes on without them$`,
        ),
      );
      await second.finish(await report());
    } finally {
      await second.stop();
      await first.stop();
    }
  });
});
