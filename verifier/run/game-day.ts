// The game day itself: preflight, trace for the whole window, faults and bursts on schedule,
// observation of Prometheus, Alertmanager and webhooks, and — on every exit path — the revert of
// every fault still in place. Everything is journaled; the report is computed from the journal.
// The parts live beside this file: preflight.ts, baseline.ts, fault-controller.ts, loads.ts,
// stop-conditions.ts, schedule.ts.

import { randomInt } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AbortedError, errorMessage, RevertError } from '../errors.ts';
import type { GamedayCost, JournalEvent } from '../journal/events.ts';
import { type EventInput, openJournal } from '../journal/journal.ts';
import { freshRunId } from '../journal/run-folder.ts';
import { type AlertmanagerClient, startWebhookReceiver, type WebhookReceiver } from '../observe/alertmanager.ts';
import { startPoller } from '../observe/poller.ts';
import type { PrometheusClient } from '../observe/prometheus.ts';
import type { Plan } from '../plan/types.ts';
import { waitForCleanBaseline } from './baseline.ts';
import { drawSchedule, hasRanges } from './draw.ts';
import { journalClockOffset } from './clock-reads.ts';
import type { RunContext } from './context.ts';
import { FaultController } from './fault-controller.ts';
import { OperatorBursts, type OperatorBurstsOptions } from './k6-operator-bursts.ts';
import { Loads } from './loads.ts';
import type { LoadRunner } from './ports.ts';
import { runPreflight } from './preflight.ts';
import { reconcileRecord } from './reconcile.ts';
import { Schedule, withinDeadline } from './schedule.ts';
import { salvageBurst } from './burst-salvage.ts';
import { describeTrigger, type Trigger, watchStopConditions } from './stop-conditions.ts';
import { ToxiproxySession } from './toxiproxy-session.ts';

export interface RunOptions {
  /** Folder that holds one folder per run. */
  runsDir: string;
  runId?: string;
  prometheus: PrometheusClient;
  alertmanager: AlertmanagerClient;
  /** The other peers of the Alertmanager cluster (monitoring.alertmanager.peers): each is polled for alerts. */
  alertmanagerPeers?: readonly AlertmanagerClient[];
  loadRunner: LoadRunner;
  /** Bursts with engine: k6-operator: kubectl, timeouts (k6-operator-bursts.ts); the plan's kubectl by default. */
  operatorBursts?: Omit<OperatorBurstsOptions, 'query'>;
  /** Aborts the game day (Ctrl-C): faults are reverted, the report marked aborted. Stop conditions abort it too. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  now?: () => Date;
  gamedayVersion?: string;
  /** Longest wait for Prometheus to be ready and to have discovered Alertmanager. */
  readyTimeoutSeconds?: number;
  /** Called with every event right after it is journaled: live progress, gameday's own metrics. */
  onEvent?: (event: JournalEvent) => void;
  /** Called once every fault in place was reverted (or failed to be) and k6 stopped: a second Ctrl-C may now exit at once. */
  onReverted?: () => void;
  /** Longest wait for Prometheus's record after the run (default 60 s). */
  recordDeadlineSeconds?: number;
  /** Draws fault times from their ranges; a random one when absent (journaled, so a run can be replayed). */
  seed?: number;
  /**
   * Nothing the team can see names a fault or its time until the window ends: the log leaves fault
   * lines out (and gives them at the end), live progress and gameday's metrics get no fault events.
   */
  sealed?: boolean;
}

export interface RunResult {
  runId: string;
  runDir: string;
  journalFile: string;
  status: 'completed' | 'aborted' | 'failed';
  /**
   * Why the run did not complete: a PreflightError (it could not start), an AbortedError, a
   * JournalWriteError (gameday could not keep its record), or a crash.
   */
  error?: unknown;
  /** Faults the end of the run reverted (those still in place when it ended, or was stopped). */
  reverted: string[];
}

export async function runGameDay(planAsWritten: Plan, options: RunOptions): Promise<RunResult> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const seed = options.seed ?? randomInt(2 ** 31);
  const { plan, drawn } = drawSchedule(planAsWritten, seed);
  const sealed = options.sealed === true;
  // While sealed, what names a fault waits here until the window ends.
  const withheld: { lines: string[]; events: JournalEvent[]; open: boolean } = { lines: [], events: [], open: !sealed };
  const isSealedEvent = (event: JournalEvent) => event.kind.startsWith('fault.') || event.kind === 'schedule.drawn';
  const runId = options.runId ?? (await freshRunId(options.runsDir, plan.name, now()));
  const runDir = join(options.runsDir, runId);
  await mkdir(runDir, { recursive: true });
  const aborter = new AbortController();
  // A write that fails (a full disk) stops the run: faults are reverted from memory, not the journal.
  const journal = openJournal(join(runDir, 'journal.jsonl'), {
    onFailure: (error) => {
      log(`${error.message}: stopping the game day and reverting every fault in place (gameday knows them without the journal)`);
      aborter.abort(error);
    },
  });
  const record = (input: EventInput): void => {
    const event = { at: now().toISOString(), ...input } as JournalEvent;
    journal.append(event);
    if (!withheld.open && isSealedEvent(event)) {
      withheld.events.push(event);
      return;
    }
    if (!withheld.open && event.kind === 'run.started') {
      // Live progress and gameday's metrics learn of the run, not of its faults: those come at the end.
      withheld.events.push(event);
      deliver({ ...event, plan: { ...event.plan, faults: [] } });
      return;
    }
    deliver(event);
    if (event.kind === 'window.ended' && !withheld.open) unseal();
  };
  function deliver(event: JournalEvent): void {
    try {
      options.onEvent?.(event);
    } catch (error) {
      log(`event listener failed: ${errorMessage(error)}`);
    }
  }
  function unseal(): void {
    withheld.open = true;
    log(`the window is over: unsealing the schedule (seed ${seed})`);
    for (const line of withheld.lines.splice(0)) log(line);
    for (const event of withheld.events.splice(0)) deliver(event);
  }
  const logFault = (line: string): void => {
    if (withheld.open) log(line);
    else withheld.lines.push(line);
  };
  const schedule = new Schedule(now, aborter.signal, options.signal);
  const run = new GameDay({ plan, runId, runDir, record, log, logFault, now, schedule }, options, aborter);
  const startUsage = process.resourceUsage();
  record({ kind: 'run.started', runId, plan: planAsWritten, gamedayVersion: options.gamedayVersion ?? 'dev', pid: process.pid });
  if (hasRanges(planAsWritten) || sealed) record({ kind: 'schedule.drawn', seed, sealed, faults: drawn.faults });
  log(`run ${runId}: journal ${journal.file}${sealed ? '; the schedule is sealed until the window ends (gameday reveal shows it)' : ''}`);

  let status: RunResult['status'] = 'completed';
  let reason: string | undefined;
  let failure: unknown;
  try {
    await run.execute();
  } catch (error) {
    // A journal that cannot be written ends the run as a failure of gameday's own, whatever the
    // schedule was doing when it noticed.
    failure = journal.failure ?? error;
    status = failure instanceof AbortedError ? 'aborted' : 'failed';
    reason = errorMessage(failure);
    log(`${status}: ${reason}`);
  }
  // Whatever ended the run, nothing is secret any more.
  if (!withheld.open) unseal();
  const { reverted, unreverted } = await run.cleanUp(status === 'completed' ? 'scheduled' : 'aborted', journal.failure !== undefined);
  record({ kind: 'run.ended', status, ...(reason ? { reason } : {}), gameday: gamedayCost(startUsage) });
  journal.close();
  if (journal.failure) {
    log(
      `the journal stops at the failed write (${journal.unwritten} later events not written). ` +
        `Reverted from memory: ${reverted.join(', ') || 'nothing was in place'}; could not revert: ${unreverted.join(', ') || 'none'}; k6 stopped.`,
    );
  }
  if (unreverted.length > 0) {
    throw new RevertError(
      unreverted,
      `could not revert ${unreverted.join(', ')}: the fault may still be in place. Fix it by hand or run \`gameday revert ${runDir}\`.`,
      { cause: failure },
    );
  }
  return { runId, runDir, journalFile: journal.file, status, reverted, ...(failure ? { error: failure } : {}) };
}

class GameDay {
  private readonly run: RunContext;
  private readonly options: RunOptions;
  /** Aborts the schedule from inside: a stop condition, or the end of the game day. */
  private readonly aborter: AbortController;
  private readonly faults: FaultController;
  private readonly loads: Loads;
  private readonly startedAt: Date;
  private stopWatch?: { stop(): Promise<void> };
  private poller?: { stop(): Promise<void> };
  private webhook?: WebhookReceiver;
  /** The plan's Toxiproxy: its proxies (and a managed server) from preflight to the end. */
  private toxiproxy?: ToxiproxySession;
  /** Prometheus's clock minus gameday's, from the preflight's reads: the record is read at Prometheus's "now". */
  private clockOffsetMs?: number;

  constructor(run: RunContext, options: RunOptions, aborter: AbortController) {
    this.run = run;
    this.options = options;
    this.aborter = aborter;
    this.faults = new FaultController(run);
    const query = (expr: string, time?: Date) => options.prometheus.query(expr, time);
    this.loads = new Loads(
      run,
      options.loadRunner,
      (span) => salvageBurst(query, { runId: run.runId, ...span }),
      new OperatorBursts(run, { query, ...options.operatorBursts }),
    );
    this.startedAt = run.now();
    // A `revert: responders` fault is restored when the trace succeeds again: it hears each iteration.
    this.faults.watchTrace((listener) => this.loads.onTraceIteration(listener));
  }

  async execute(): Promise<void> {
    const { plan, schedule, log } = this.run;
    const { prometheus, alertmanager, alertmanagerPeers = [] } = this.options;
    if (plan.toxiproxy) {
      this.toxiproxy = new ToxiproxySession({ spec: plan.toxiproxy, runDir: this.run.runDir, log, record: this.run.record });
      await this.toxiproxy.setUp();
    }
    this.clockOffsetMs = await runPreflight(
      this.run,
      { prometheus, alertmanager, alertmanagerPeers },
      this.options.readyTimeoutSeconds ?? 90,
    );

    if (plan.monitoring.webhookListen) {
      this.webhook = await startWebhookReceiver(plan.monitoring.webhookListen, (payload, receivedAt) => {
        this.run.record({ kind: 'webhook.received', at: receivedAt.toISOString(), ...payload });
        for (const alert of payload.alerts) log(`${schedule.clock()} webhook: ${alert.labels.alertname} ${alert.status}`);
      });
    }
    this.poller = startPoller({
      prometheus,
      alertmanager,
      alertmanagerPeers,
      intervalSeconds: plan.monitoring.pollIntervalSeconds,
      record: this.run.record,
      log: (line) => log(`${schedule.clock()} ${line}`),
      now: this.run.now,
    });

    // The trace outlives the window and its grace: it must see the last fault's recovery.
    await this.loads.startTrace(plan.window.baselineTimeoutSeconds + plan.window.durationSeconds + plan.window.graceSeconds + 60);
    await waitForCleanBaseline(this.run, prometheus, () => this.loads.traceProgress());
    this.startStopConditions();

    schedule.startWindow();
    this.run.record({ kind: 'window.started' });
    log(`window: ${plan.window.durationSeconds}s, ${plan.faults.length} faults, ${plan.bursts.length} bursts`);

    await Promise.all([this.faults.start(plan.faults), ...plan.bursts.map((burst) => this.loads.runBurst(burst))]);
    await schedule.sleepUntil(plan.window.durationSeconds);
    log(`${schedule.clock()} window over; observing for ${plan.window.graceSeconds}s more`);
    await schedule.sleepUntil(plan.window.durationSeconds + plan.window.graceSeconds);
    this.run.record({ kind: 'window.ended' });
  }

  /**
   * Reverts what is still in place (newest first), stops k6, then reads Prometheus's record (under
   * a deadline; not when the journal cannot take it). Returns what was reverted and what could not be.
   */
  async cleanUp(reason: 'scheduled' | 'aborted', journalFailed: boolean): Promise<{ reverted: string[]; unreverted: string[] }> {
    // Nothing new starts from here on.
    this.aborter.abort(new Error('the game day is ending'));
    await this.stopWatch?.stop();
    const outcome = await this.faults.revertAll(reason);
    await this.loads.stop(reason);
    await this.toxiproxy?.tearDown();
    this.options.onReverted?.();
    await this.poller?.stop();
    await this.webhook?.close();
    if (!journalFailed) {
      const seconds = this.options.recordDeadlineSeconds ?? 60;
      const read = async () => {
        await journalClockOffset(this.run, this.options.prometheus, 'end');
        await this.reconcile();
      };
      if (!(await withinDeadline(read(), seconds * 1000))) {
        this.run.log(`reading Prometheus's record took more than ${seconds}s; stopped waiting: the figures come from the polls`);
      }
    }
    return outcome;
  }

  /** From the clean baseline on, a stop condition true for its `for` aborts the game day. */
  private startStopConditions(): void {
    const { plan, schedule, log } = this.run;
    const conditions = plan.stopConditions ?? [];
    if (conditions.length === 0) return;
    log(`stop conditions: watching ${conditions.map((condition) => condition.name).join(', ')}`);
    this.stopWatch = watchStopConditions({
      conditions,
      query: (expr) => this.options.prometheus.query(expr),
      intervalSeconds: plan.monitoring.pollIntervalSeconds,
      now: this.run.now,
      onTrigger: (trigger) => this.stopConditionTriggered(trigger),
      onError: (condition, error) => log(`${schedule.clock()} stop condition ${condition.name}: evaluation failed: ${errorMessage(error)}`),
    });
  }

  private stopConditionTriggered(trigger: Trigger): void {
    const { condition } = trigger;
    const description = describeTrigger(trigger, this.run.now().getTime());
    this.run.record({
      kind: 'stop-condition.triggered',
      name: condition.name,
      expr: condition.expr,
      forSeconds: condition.forSeconds,
      trueSince: new Date(trigger.trueSince).toISOString(),
      samples: trigger.samples,
    });
    this.run.log(`${this.run.schedule.clock()} STOP: ${description}; aborting and reverting every fault`);
    this.aborter.abort(new Error(description));
  }

  /** Prometheus's own record of every alert over the run (exact evaluation timestamps), and of the trace's series. */
  private async reconcile(): Promise<void> {
    const events = await reconcileRecord(this.options.prometheus, {
      from: this.startedAt,
      to: this.run.now(),
      runId: this.run.runId,
      ...(this.clockOffsetMs === undefined ? {} : { offsetMs: this.clockOffsetMs }),
    });
    for (const event of events) {
      this.run.record(event);
      if (event.kind === 'observe.failed') this.run.log(`reading Prometheus's record failed: ${event.error}`);
    }
  }
}

/** gameday's own CPU since `start` and its peak RSS: what a working day's window costs the machine it runs on. */
function gamedayCost(start: NodeJS.ResourceUsage): GamedayCost {
  const end = process.resourceUsage();
  const cpuMicros = end.userCPUTime - start.userCPUTime + (end.systemCPUTime - start.systemCPUTime);
  return { cpuSeconds: Math.round(cpuMicros / 1e4) / 100, peakRssMb: Math.round(end.maxRSS / 1024) };
}
