import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { at, expectAlert, faultSpec, JournalBuilder, testPlan } from '../analyze/testing/journal-builder.ts';
import { UsageError } from '../errors.ts';
import { readMarks, readRunEvents, withMarks } from '../journal/marks.ts';
import { main } from '../cli.ts';
import { buildMark, parseMarkTime } from './mark.ts';

const plan = testPlan({
  faults: [
    faultSpec('hosts-typo', { expect: [expectAlert('QueueUnreachable', 60)] }),
    faultSpec('revoke-writes', { expect: [expectAlert('WritesFailing', 60)] }),
  ],
});
const events = new JournalBuilder(plan).windowStarted(0).build();
const now = new Date(at(100));

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message.split('\n');
  }
  throw new Error('expected a UsageError');
}

describe('gameday mark: what a mark means', () => {
  it('a mark now, at an ISO time, or a time ago', () => {
    expect(buildMark({ fault: 'hosts-typo', mark: 'injected' }, events, now)).toEqual({
      fault: 'hosts-typo',
      mark: 'injected',
      markedAt: at(100),
      madeAt: at(100),
    });
    expect(buildMark({ fault: 'hosts-typo', mark: 'restored', at: at(40), note: 'rolled back' }, events, now)).toMatchObject({
      markedAt: at(40),
      note: 'rolled back',
    });
    expect(parseMarkTime('-30s', now)?.toISOString()).toBe(at(70));
    expect(parseMarkTime('-1m30s', now)?.toISOString()).toBe(at(10));
    expect(parseMarkTime('2026-11-23T03:00:00+01:00', now)?.toISOString()).toBe(at(0));
  });

  it('says every problem at once: unknown fault, unknown mark, a time it cannot read', () => {
    expect(problems(() => buildMark({ fault: 'hosts', mark: 'fixed', at: 'yesterday' }, events, now))).toEqual([
      `invalid fault; reason: expected one of the plan's faults (hosts-typo, revoke-writes), got "hosts"`,
      'invalid mark; reason: expected injected, acknowledged, restored, got "fixed"',
      'invalid --at; reason: expected an ISO 8601 time with its zone (2026-12-01T14:03:00Z) or a time ago (-30s, -2m), got "yesterday"',
    ]);
  });

  it('refuses a time without its zone, a relative time without a unit, and a moment in the future', () => {
    expect(parseMarkTime('2026-11-23T02:00:00', now)).toBeUndefined();
    expect(parseMarkTime('-30', now)).toBeUndefined();
    expect(problems(() => buildMark({ fault: 'hosts-typo', mark: 'injected', at: at(160) }, events, now))[0]).toMatch(
      /^invalid --at; reason: a mark says what already happened, got 2026-11-23T02:02:40.000Z, later than now/,
    );
  });

  it('a folder without a run.started is not a run', () => {
    expect(problems(() => buildMark({ fault: 'hosts-typo', mark: 'injected' }, [], now))[0]).toMatch(/no run.started event/);
  });
});

describe('gameday mark: through marks.jsonl', () => {
  let runDir: string;
  beforeEach(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'gameday-mark-'));
  });
  afterEach(async () => {
    await rm(runDir, { recursive: true, force: true });
  });

  function io() {
    const out: string[] = [];
    const err: string[] = [];
    const stream = (into: string[]) => ({ write: (text: string) => into.push(text) }) as unknown as NodeJS.WritableStream;
    return { out, err, io: { stdout: stream(out), stderr: stream(err), env: {}, signals: process } };
  }

  it('appends a checked mark; a bad one exits 2 naming the problem and writes nothing', async () => {
    await writeFile(join(runDir, 'journal.jsonl'), events.map((event) => JSON.stringify(event)).join('\n') + '\n');
    const good = io();
    expect(await main(['mark', runDir, 'hosts-typo', 'acknowledged', '--at', '-5s', '--note', 'paged'], good.io)).toBe(0);
    expect(good.out.join('')).toMatch(/^marked hosts-typo acknowledged at /);
    const bad = io();
    expect(await main(['mark', runDir, 'hosts-typo', 'done'], bad.io)).toBe(2);
    expect(bad.err.join('')).toContain('invalid mark; reason: expected injected, acknowledged, restored, got "done"');
    const marks = await readMarks(runDir);
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({ fault: 'hosts-typo', mark: 'acknowledged', note: 'paged' });
  });

  it('a folder with no journal says what to pass', async () => {
    const out = io();
    expect(await main(['mark', join(runDir, 'nope'), 'hosts-typo', 'injected'], out.io)).toBe(2);
    expect(out.err.join('')).toContain("has no journal.jsonl: pass the run's folder, runs/<run-id>");
  });

  it('a mark made after the run ended is folded into the events the reports read, once', async () => {
    const ended = new JournalBuilder(plan).windowStarted(0).injected('hosts-typo', 10).runEnded(200).build();
    const journaled = { kind: 'fault.marked', at: at(31), fault: 'hosts-typo', mark: 'restored', markedAt: at(30), by: 'cli' } as const;
    await writeFile(join(runDir, 'journal.jsonl'), [...ended, journaled].map((event) => JSON.stringify(event)).join('\n') + '\n');
    const later = io();
    expect(await main(['mark', runDir, 'hosts-typo', 'acknowledged', '--at', at(20)], later.io)).toBe(0);
    expect(later.out.join('')).toContain('the run has ended: `gameday report');
    // The running gameday journaled the restored mark already: marks.jsonl holds it too.
    await writeFile(
      join(runDir, 'marks.jsonl'),
      `${await readFile(join(runDir, 'marks.jsonl'), 'utf8')}${JSON.stringify({ fault: 'hosts-typo', mark: 'restored', markedAt: at(30), madeAt: at(30) })}\n{"cut short`,
    );
    const folded = (await readRunEvents(runDir)).filter((event) => event.kind === 'fault.marked');
    expect(folded.map((event) => [event.mark, event.markedAt])).toEqual([
      ['restored', at(30)],
      ['acknowledged', at(20)],
    ]);
    expect(withMarks(ended, [])).toEqual(ended);
  });
});
