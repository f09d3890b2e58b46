// Manual faults through the fault controller, with marks written to marks.jsonl as `gameday mark`
// writes them and a fake terminal for Enter: the mark's time is the injection, no mark means
// not-injected and no revert, a manual revert waits for its restored mark.

import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { faultSpec, testPlan } from '../analyze/testing/plan-fixtures.ts';
import type { JournalEvent } from '../journal/events.ts';
import type { EventInput } from '../journal/journal.ts';
import { appendMark } from '../journal/marks.ts';
import type { FaultSpec } from '../plan/types.ts';
import type { RunContext } from './context.ts';
import { FaultController } from './fault-controller.ts';
import { faultsInPlace } from './recover.ts';
import type { TerminalInput } from './mark-watcher.ts';
import { Schedule } from './schedule.ts';

let runDir: string;
beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), 'gameday-manual-'));
});
afterEach(async () => {
  await rm(runDir, { recursive: true, force: true });
});

function setUp(fault: FaultSpec, stdin?: TerminalInput) {
  const events: JournalEvent[] = [];
  const lines: string[] = [];
  const plan = testPlan({ faults: [fault] });
  const schedule = new Schedule(() => new Date(), new AbortController().signal);
  const run: RunContext = {
    // The plan's folder is where exec injectors run.
    plan: { ...plan, file: join(runDir, 'plan.yaml'), window: { ...plan.window, durationSeconds: 30 } },
    runId: 'manual',
    runDir,
    record: (input: EventInput) => events.push({ at: new Date().toISOString(), ...input } as JournalEvent),
    log: (line) => lines.push(line),
    logFault: (line) => lines.push(line),
    now: () => new Date(),
    schedule,
  };
  const controller = new FaultController(run, stdin ? { stdin } : { stdin: { isTTY: false } as TerminalInput });
  schedule.startWindow();
  return { events, lines, controller, kinds: () => events.map((event) => event.kind) };
}

/** A revert that leaves a file behind: whether it ran is whether the file exists. */
function touchRevert(name: string) {
  return { kind: 'exec' as const, command: ['touch', join(runDir, name)], shell: false, env: {}, timeoutSeconds: 5 };
}

describe('manual faults', () => {
  it("a mark from gameday mark is the injection's time; the fault lasts its duration from it, then reverts", async () => {
    const fault = faultSpec('hosts-typo', {
      atSeconds: 0,
      durationSeconds: 0.5,
      inject: { kind: 'manual', instructions: 'edit /etc/hosts', timeoutSeconds: 5 },
      revert: touchRevert('reverted'),
      expect: [],
    });
    const { events, lines, controller, kinds } = setUp(fault);
    const done = controller.start([fault]);
    await vi.waitFor(() => expect(kinds()).toContain('fault.awaiting-mark'));
    const claimed = new Date(Date.now() - 2000).toISOString();
    await appendMark(runDir, { fault: 'hosts-typo', mark: 'injected', markedAt: claimed, madeAt: new Date().toISOString(), note: 'done' });
    await done;
    await controller.revertAll('scheduled');
    expect(kinds()).toEqual(['fault.injecting', 'fault.awaiting-mark', 'fault.marked', 'fault.injected', 'fault.reverted']);
    expect(events.find((event) => event.kind === 'fault.injected')).toMatchObject({
      at: claimed,
      startedAt: claimed,
      detail: `marked injected at ${claimed} by gameday mark (done)`,
    });
    expect(events.find((event) => event.kind === 'fault.marked')).toMatchObject({
      mark: 'injected',
      markedAt: claimed,
      by: 'cli',
      note: 'done',
    });
    expect(lines[0]).toMatch(/^t\+0\.\ds MANUAL FAULT, do it now: edit \/etc\/hosts$/);
    expect(existsSync(join(runDir, 'reverted'))).toBe(true);
  });

  it('no mark within the bound: not injected, with the reason, and no revert runs', async () => {
    const fault = faultSpec('hosts-typo', {
      atSeconds: 0,
      durationSeconds: 5,
      inject: { kind: 'manual', instructions: 'edit /etc/hosts', timeoutSeconds: 0.3 },
      revert: touchRevert('reverted'),
      expect: [],
    });
    const { events, controller, kinds } = setUp(fault);
    await controller.start([fault]);
    const { reverted, unreverted } = await controller.revertAll('scheduled');
    expect(kinds()).toEqual(['fault.injecting', 'fault.awaiting-mark', 'fault.not-injected']);
    expect(events.at(-1)).toMatchObject({ reason: expect.stringMatching(/^no one marked it injected within 300ms \(by .+Z\)$/) });
    expect([reverted, unreverted]).toEqual([[], []]);
    expect(existsSync(join(runDir, 'reverted'))).toBe(false);
    // Nor does `gameday revert` after a crash: the journal says it was never done.
    expect(faultsInPlace(events)).toEqual([]);
  });

  it("Enter on gameday's terminal marks the awaited step: here a manual revert, marked restored", async () => {
    const terminal = Object.assign(new EventEmitter(), { isTTY: true, pause: vi.fn(), resume: vi.fn() });
    const fault = faultSpec('revoke-writes', {
      atSeconds: 0,
      durationSeconds: 0.2,
      inject: touchRevert('injected'),
      revert: { kind: 'manual', instructions: 'grant writes again', timeoutSeconds: 5 },
      expect: [],
    });
    const { events, controller, kinds } = setUp(fault, terminal as unknown as TerminalInput);
    // The injection ran (an exec); the revert is the manual step.
    const done = controller.start([fault]);
    await vi.waitFor(() => expect(kinds()).toContain('fault.awaiting-mark'));
    expect(existsSync(join(runDir, 'injected'))).toBe(true);
    expect(terminal.resume).toHaveBeenCalled();
    terminal.emit('data', Buffer.from('\n'));
    await done;
    await controller.revertAll('scheduled');
    const marked = events.find((event) => event.kind === 'fault.marked');
    expect(marked).toMatchObject({ mark: 'restored', by: 'terminal' });
    expect(events.find((event) => event.kind === 'fault.reverted')).toMatchObject({
      at: marked?.kind === 'fault.marked' && marked.markedAt,
      reason: 'scheduled',
    });
    expect(terminal.pause).toHaveBeenCalled();
    expect(terminal.listenerCount('data')).toBe(0);
  });
});
