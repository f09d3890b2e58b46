// The baseline's check of the trace contract, against loopback fakes: a trace whose script emits
// no `trace_ok` sample stops the run before the first fault, with a message naming the contract,
// and the journal says why; samples that arrive late only delay the start.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EXIT, PreflightError } from '../errors.ts';
import { rebuildReports } from '../index.ts';
import type { JournalEvent } from '../journal/events.ts';
import { readJournal } from '../journal/journal.ts';
import { AlertmanagerClient } from '../observe/alertmanager.ts';
import { PrometheusClient } from '../observe/prometheus.ts';
import { parsePlan } from '../plan/load.ts';
import { ITERATIONS_WITHOUT_SAMPLES } from './baseline.ts';
import { runGameDay } from './game-day.ts';
import type { TraceProgress } from './ports.ts';
import { fakeLoadRunner } from './testing/fakes.ts';
import { useFakeRun } from './testing/fake-run.ts';

const fake = useFakeRun('baseline');

function plan(baselineTimeout = '5s') {
  return parsePlan(
    `
version: 1
name: baseline
window: { duration: 500ms, baselineTimeout: ${baselineTimeout}, grace: 0s }
target: { baseUrl: http://127.0.0.1:9 }
monitoring:
  prometheus: { url: ${fake.monitoring.url} }
  alertmanager: { url: ${fake.monitoring.url} }
  pollInterval: 100ms
trace: { script: ./my-trace.ts }
faults:
  - name: a
    at: 0s
    duration: 100ms
    inject: { http: { url: ${fake.target.url}/faults/a, body: { on: true } } }
    revert: { http: { url: ${fake.target.url}/faults/a, body: { on: false } } }
    expect: [{ alert: FaultAlert, within: 30s }]
`,
    join(fake.dir, 'plan.yaml'),
  );
}

async function run(text: ReturnType<typeof plan>, traceProgress: () => TraceProgress) {
  const logs: string[] = [];
  const result = await runGameDay(text, {
    runsDir: join(fake.dir, 'runs'),
    prometheus: new PrometheusClient({ baseUrl: fake.monitoring.url }),
    alertmanager: new AlertmanagerClient({ baseUrl: fake.monitoring.url }),
    loadRunner: fakeLoadRunner({ traceProgress }),
    readyTimeoutSeconds: 5,
    recordDeadlineSeconds: 2,
    log: (line) => logs.push(line),
  });
  const events = await readJournal(result.journalFile);
  return { result, events, logs };
}

const kinds = (events: JournalEvent[]) => events.map((event) => event.kind);
const ended = (events: JournalEvent[]) => events.find((event) => event.kind === 'run.ended');

describe('a trace that emits no sample', () => {
  test('stops the run before the first fault, naming the contract, as soon as its iterations prove it', async () => {
    let reads = 0;
    const started = Date.now();
    const { result, events } = await run(plan('60s'), () => {
      reads += 1;
      // k6 finishes an iteration a read, none with a trace_ok sample.
      return { iterations: reads, samples: 0, timed: 0 };
    });

    expect(result.status).toBe('failed');
    expect(result.error).toBeInstanceOf(PreflightError);
    expect((result.error as PreflightError).exitCode).toBe(EXIT.badInput);
    const message = (result.error as Error).message;
    expect(message).toContain(
      `k6 finished ${ITERATIONS_WITHOUT_SAMPLES} iterations of ${join(fake.dir, 'my-trace.ts')} and none recorded a trace_ok sample`,
    );
    for (const part of ['`trace_ok` Rate', '`started_ms`', '`trace_success` Counter', 'k6_trace_success_total', '`journey` tag']) {
      expect(message, part).toContain(part);
    }
    expect(message).toContain("traces/lib/contract.ts does all of it: call beginIteration('<journey>') first and endIteration(ok) last");
    expect(message).toContain('"In your own repository"');
    // Known after three iterations: it did not wait for the 60 s baseline timeout.
    expect(Date.now() - started).toBeLessThan(10_000);

    // Nothing was injected, the window never opened, and the journal says why the run ended.
    expect(fake.target.requests).toEqual([]);
    expect(kinds(events)).not.toContain('window.started');
    expect(kinds(events).filter((kind) => kind.startsWith('fault.'))).toEqual([]);
    expect(ended(events)).toMatchObject({ kind: 'run.ended', status: 'failed', reason: message });

    // The reports say the run failed and why; no impact table stands in for what users saw.
    await rebuildReports(result.runDir);
    const markdown = await readFile(join(result.runDir, 'report.md'), 'utf8');
    expect(markdown).toContain('no trace sample reached gameday during the baseline');
    expect(markdown).not.toMatch(/\| *fault *\| *requests *\|/);
  });

  test('a trace that finishes no iteration at all fails at the baseline timeout and points at its log', async () => {
    const { result, events } = await run(plan('1500ms'), () => ({ iterations: 0, samples: 0, timed: 0 }));

    expect(result.status).toBe('failed');
    const message = (result.error as Error).message;
    expect(message).toContain(
      `k6 finished no iteration of ${join(fake.dir, 'my-trace.ts')} in 1.5s (see k6-trace.log in ${result.runDir})`,
    );
    expect(message).toContain('no trace sample reached gameday during the baseline');
    expect(fake.target.requests).toEqual([]);
    expect(ended(events)).toMatchObject({ status: 'failed', reason: message });
  });
});

describe('a trace whose samples arrive', () => {
  test('late: the baseline waits for them, then the faults run', async () => {
    let reads = 0;
    const { result, events, logs } = await run(plan(), () => {
      reads += 1;
      return reads < 3 ? { iterations: reads - 1, samples: 0, timed: 0 } : { iterations: 2, samples: 1, timed: 1 };
    });

    expect(result.status).toBe('completed');
    expect(reads).toBe(3);
    expect(logs).toContain('baseline: trace samples arriving (1 so far)');
    expect(fake.target.state.get('a')).toBe(false);
    expect(kinds(events)).toContain('fault.injected');
  });

  test('without started_ms: the run goes on, with a warning that the report will have no latency', async () => {
    const { result, logs } = await run(plan(), () => ({ iterations: 4, samples: 4, timed: 0 }));

    expect(result.status).toBe('completed');
    expect(logs.find((line) => line.includes('warning: 4 of 4 trace samples carry no started_ms'))).toContain(
      'call beginIteration() from traces/lib/contract.ts',
    );
  });
});
