// The game day itself: preflight, trace for the whole window, faults and bursts on schedule,
// observation of Prometheus, Alertmanager and webhooks, and — on every exit path — the revert of
// every fault still in place. Everything is journaled; the report is computed from the journal.

import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { matchesExpectation } from '../alerting/labels.ts';
import { AbortedError, errorMessage, PreflightError, RevertError } from '../errors.ts';
import { describeInjector, injectorContext, runInjector } from '../faults/injectors.ts';
import { type AlertmanagerClient, type WebhookReceiver, startWebhookReceiver } from '../observe/alertmanager.ts';
import { clockOffset } from '../journal/clock-offset.ts';
import { sampleClock } from '../observe/clock.ts';
import { startPoller } from '../observe/poller.ts';
import type { PrometheusClient } from '../observe/prometheus.ts';
import type { BurstSpec, FaultSpec, Plan } from '../plan/types.ts';
import type { JournalEvent, PromAlert } from '../journal/events.ts';
import { type EventInput, openJournal } from '../journal/journal.ts';
import type { LoadFinish, LoadHandle, LoadRunner } from './ports.ts';
import { captureDetectionInputs } from './detection-inputs.ts';
import { reconcileRecord } from './reconcile.ts';
import { describeTrigger, isTrue, type Trigger, watchStopConditions } from './stop-conditions.ts';

export interface RunOptions {
  /** Folder that holds one folder per run. */
  runsDir: string;
  runId?: string;
  prometheus: PrometheusClient;
  alertmanager: AlertmanagerClient;
  loadRunner: LoadRunner;
  /** Aborts the game day (Ctrl-C): faults are reverted, the report marked aborted. Stop conditions abort it too. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  now?: () => Date;
  gamedayVersion?: string;
  /** Longest wait for Prometheus to be ready and to have discovered Alertmanager. */
  readyTimeoutSeconds?: number;
  /** Called with every event right after it is journaled: live progress, gameday's own metrics. */
  onEvent?: (event: JournalEvent) => void;
}

export interface RunResult {
  runId: string;
  runDir: string;
  journalFile: string;
  status: 'completed' | 'aborted' | 'failed';
  /** Why the run did not complete: a PreflightError (it could not start), an AbortedError, or a crash. */
  error?: unknown;
}

export async function runGameDay(plan: Plan, options: RunOptions): Promise<RunResult> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const runId = options.runId ?? (await freshRunId(options.runsDir, plan.name, now()));
  const runDir = join(options.runsDir, runId);
  await mkdir(runDir, { recursive: true });
  const journal = openJournal(join(runDir, 'journal.jsonl'));
  const record = (input: EventInput): void => {
    const event = { at: now().toISOString(), ...input } as JournalEvent;
    journal.append(event);
    try {
      options.onEvent?.(event);
    } catch (error) {
      log(`event listener failed: ${errorMessage(error)}`);
    }
  };
  const run = new GameDay({ plan, options, runId, runDir, record, log, now });
  record({ kind: 'run.started', runId, plan, gamedayVersion: options.gamedayVersion ?? 'dev', pid: process.pid });
  log(`run ${runId}: journal ${journal.file}`);

  let status: RunResult['status'] = 'completed';
  let reason: string | undefined;
  let failure: unknown;
  try {
    await run.execute();
  } catch (error) {
    failure = error;
    status = error instanceof AbortedError ? 'aborted' : 'failed';
    reason = errorMessage(error);
    log(`${status}: ${reason}`);
  }
  const unreverted = await run.cleanUp(status === 'completed' ? 'scheduled' : 'aborted');
  record({ kind: 'run.ended', status, ...(reason ? { reason } : {}) });
  journal.close();
  if (unreverted.length > 0) {
    throw new RevertError(
      unreverted,
      `could not revert ${unreverted.join(', ')}: the fault may still be in place. Fix it by hand or run \`gameday revert ${runDir}\`.`,
      { cause: failure },
    );
  }
  return { runId, runDir, journalFile: journal.file, status, ...(failure ? { error: failure } : {}) };
}

class GameDay {
  private readonly injected = new Map<string, FaultSpec>();
  /** Each fault's injector while it runs: nothing reverts a fault before its injection has settled. */
  private readonly injecting = new Map<string, Promise<void>>();
  /** maxDuration timers, per fault, and the reverts they started. */
  private readonly limitTimers = new Map<string, NodeJS.Timeout>();
  private readonly limitReverts: Promise<void>[] = [];
  private faultTasks: Promise<void>[] = [];
  private stopWatch?: { stop(): Promise<void> };
  /** Aborts the schedule from inside: a stop condition, or a failure that ends the run. */
  private readonly aborter = new AbortController();
  private readonly signal: AbortSignal;
  private readonly loads: Array<{ handle: LoadHandle; role: 'trace' | 'burst'; name: string; done?: Promise<void> }> = [];
  private poller?: { stop(): Promise<void> };
  /** Prometheus's clock minus gameday's, from the preflight's reads: the record is read at Prometheus's "now". */
  private clockOffsetMs?: number;
  private webhook?: WebhookReceiver;
  private windowStart?: number;
  private readonly startedAt: Date;

  private readonly plan: Plan;
  private readonly options: RunOptions;
  private readonly runId: string;
  private readonly runDir: string;
  private readonly record: (event: EventInput) => void;
  private readonly log: (line: string) => void;
  private readonly now: () => Date;

  constructor(context: {
    plan: Plan;
    options: RunOptions;
    runId: string;
    runDir: string;
    record: (event: EventInput) => void;
    log: (line: string) => void;
    now: () => Date;
  }) {
    this.plan = context.plan;
    this.options = context.options;
    this.runId = context.runId;
    this.runDir = context.runDir;
    this.record = context.record;
    this.log = context.log;
    this.now = context.now;
    this.startedAt = this.now();
    this.signal = this.options.signal ? AbortSignal.any([this.options.signal, this.aborter.signal]) : this.aborter.signal;
  }

  async execute(): Promise<void> {
    const { plan, options } = this;
    await this.preflight();

    if (plan.monitoring.webhookListen) {
      this.webhook = await startWebhookReceiver(plan.monitoring.webhookListen, (payload, receivedAt) => {
        this.record({ kind: 'webhook.received', at: receivedAt.toISOString(), ...payload });
        for (const alert of payload.alerts) this.log(`${this.clock()} webhook: ${alert.labels.alertname} ${alert.status}`);
      });
    }
    this.poller = startPoller({
      prometheus: options.prometheus,
      alertmanager: options.alertmanager,
      intervalSeconds: plan.monitoring.pollIntervalSeconds,
      record: this.record,
      log: (line) => this.log(`${this.clock()} ${line}`),
      now: this.now,
    });

    const traceSeconds = plan.window.baselineTimeoutSeconds + plan.window.durationSeconds + plan.window.graceSeconds + 60;
    const trace = await options.loadRunner.startTrace({
      script: plan.trace.script,
      baseUrl: plan.target.baseUrl,
      rate: plan.trace.rate,
      durationSeconds: traceSeconds,
      runId: this.runId,
      runDir: this.runDir,
      prometheusUrl: plan.monitoring.prometheus.url,
    });
    this.trackLoad(trace, 'trace', 'trace', plan.trace.rate, traceSeconds);
    this.log(`trace: k6 pid ${trace.pid}, ${plan.trace.rate} req/s to ${plan.target.baseUrl}`);

    await this.waitForCleanBaseline();
    this.startStopConditions();

    this.windowStart = this.now().getTime();
    this.record({ kind: 'window.started' });
    this.log(`window: ${plan.window.durationSeconds}s, ${plan.faults.length} faults, ${plan.bursts.length} bursts`);

    this.faultTasks = plan.faults.map((fault) => this.runFault(fault));
    await Promise.all([...this.faultTasks, ...plan.bursts.map((burst) => this.runBurst(burst))]);
    await this.sleepUntil(plan.window.durationSeconds);
    this.log(`${this.clock()} window over; observing for ${plan.window.graceSeconds}s more`);
    await this.sleepUntil(plan.window.durationSeconds + plan.window.graceSeconds);
    this.record({ kind: 'window.ended' });
  }

  /** Reverts what is still in place (newest first), stops k6, reconciles. Returns faults that could not be reverted. */
  async cleanUp(reason: 'scheduled' | 'aborted'): Promise<string[]> {
    // Nothing new starts from here on; what is under way (an injector, a scheduled revert) settles
    // first, so no injection can land after the revert that should undo it.
    this.aborter.abort(new Error('the game day is ending'));
    await this.stopWatch?.stop();
    await Promise.allSettled(this.faultTasks);
    for (const timer of this.limitTimers.values()) clearTimeout(timer);
    await Promise.allSettled(this.limitReverts);
    const failed: string[] = [];
    for (const fault of [...this.injected.values()].reverse()) {
      if (!(await this.revert(fault, reason === 'scheduled' ? 'recovery' : 'aborted'))) failed.push(fault.name);
    }
    for (const load of this.loads) {
      if (load.role === 'trace' || reason === 'aborted') await load.handle.stop().catch(() => undefined);
    }
    await Promise.all(this.loads.map((load) => load.done));
    await this.poller?.stop();
    await this.webhook?.close();
    await this.readClock('end');
    await this.reconcile();
    return failed;
  }

  private async preflight(): Promise<void> {
    const { prometheus, alertmanager } = this.options;
    const deadline = Date.now() + (this.options.readyTimeoutSeconds ?? 90) * 1000;
    const wait = async (what: string, check: () => Promise<boolean>, hint: string) => {
      for (let delay = 200; ; delay = Math.min(delay * 1.5, 2000)) {
        this.throwIfAborted();
        if (await check().catch(() => false)) return;
        if (Date.now() + delay > deadline) throw new PreflightError(`${what} (waited ${this.options.readyTimeoutSeconds ?? 90}s). ${hint}`);
        await abortableSleep(delay, this.signal);
      }
    };
    await wait('Prometheus is not ready', () => prometheus.ready(), `Is it running at ${prometheus.baseUrl}?`);
    await wait('Alertmanager is not ready', () => alertmanager.ready(), `Is it running at ${alertmanager.baseUrl}?`);
    let discovered: string[] = [];
    await wait(
      'Prometheus has not discovered any Alertmanager',
      async () => (discovered = await prometheus.alertmanagers()).length > 0,
      'Alerts fired before discovery are dropped (research/prom.md 3.4); check `alerting.alertmanagers` in prometheus.yml.',
    );
    // An alert that fired before discovery was dropped and reaches Alertmanager only at the next
    // resend (--rules.alert.resend-delay, 1m by default). Until the watchdog is there, a fault's
    // alert could be dropped the same way, so the game day must not start.
    const watchdog = this.plan.monitoring.watchdog;
    if (watchdog) {
      await wait(
        `the watchdog alert ${watchdog} is not in Alertmanager`,
        async () => (await alertmanager.alerts()).some((alert) => alert.labels.alertname === watchdog),
        `Alerts are not getting from Prometheus to Alertmanager, or no rule named ${watchdog} is firing. Check the Prometheus log for notifier errors.`,
      );
    }

    const rules = await prometheus.alertingRules();
    const names = new Set(rules.map((rule) => rule.name));
    const unknown = [...new Set(this.plan.faults.flatMap((fault) => fault.expect.map((e) => e.alert)))].filter((n) => !names.has(n));
    if (unknown.length > 0) {
      throw new PreflightError(
        `no alerting rule named ${unknown.join(', ')} in Prometheus at ${prometheus.baseUrl} (it has: ${[...names].sort().join(', ') || 'none'}). Fix the plan's expect[].alert or load the rule.`,
      );
    }
    this.record({
      kind: 'preflight.passed',
      alertmanagers: discovered,
      rules: rules.map((rule) => ({
        name: rule.name,
        query: rule.query,
        labels: rule.labels,
        annotations: rule.annotations,
        forSeconds: rule.forSeconds,
        intervalSeconds: rule.intervalSeconds,
      })),
    });
    this.log(`preflight: Prometheus ready, Alertmanager discovered (${discovered.join(', ')}), ${names.size} alerting rules`);
    await this.readClock('preflight');
    this.record(await captureDetectionInputs(this.plan, rules, { prometheus, alertmanager }));
    await this.checkStopConditions();
  }

  /** Every stop condition must be a query Prometheus accepts before anything is injected. */
  private async checkStopConditions(): Promise<void> {
    const problems: string[] = [];
    for (const condition of this.plan.stopConditions ?? []) {
      await this.options.prometheus.query(condition.expr).catch((error: unknown) => {
        problems.push(`stop condition ${condition.name} (${condition.expr}): ${errorMessage(error)}`);
      });
    }
    if (problems.length > 0) {
      throw new PreflightError(
        `Prometheus cannot evaluate the plan's stop conditions, so they could not stop the game day:\n  ${problems.join('\n  ')}\n` +
          'Fix the expressions in stopConditions (try them in the Prometheus UI).',
      );
    }
  }

  /** The names of stop conditions true right now; a failed evaluation counts as not true. */
  private async stopConditionsTrue(): Promise<string[]> {
    const conditions = this.plan.stopConditions ?? [];
    const results = await Promise.all(
      conditions.map((condition) => this.options.prometheus.query(condition.expr).then(isTrue, () => false)),
    );
    return conditions.filter((_, index) => results[index]).map((condition) => `stop condition ${condition.name}`);
  }

  /** From the clean baseline on, a stop condition true for its `for` aborts the game day. */
  private startStopConditions(): void {
    const conditions = this.plan.stopConditions ?? [];
    if (conditions.length === 0) return;
    this.log(`stop conditions: watching ${conditions.map((condition) => condition.name).join(', ')}`);
    this.stopWatch = watchStopConditions({
      conditions,
      query: (expr) => this.options.prometheus.query(expr),
      intervalSeconds: this.plan.monitoring.pollIntervalSeconds,
      now: this.now,
      onTrigger: (trigger) => this.stopConditionTriggered(trigger),
      onError: (condition, error) =>
        this.log(`${this.clock()} stop condition ${condition.name}: evaluation failed: ${errorMessage(error)}`),
    });
  }

  private stopConditionTriggered(trigger: Trigger): void {
    const { condition } = trigger;
    const description = describeTrigger(trigger, this.now().getTime());
    this.record({
      kind: 'stop-condition.triggered',
      name: condition.name,
      expr: condition.expr,
      forSeconds: condition.forSeconds,
      trueSince: new Date(trigger.trueSince).toISOString(),
      samples: trigger.samples,
    });
    this.log(`${this.clock()} STOP: ${description}; aborting and reverting every fault`);
    this.aborter.abort(new Error(description));
  }

  private async waitForCleanBaseline(): Promise<void> {
    const expected = this.plan.faults.flatMap((fault) => fault.expect);
    const timeoutMs = this.plan.window.baselineTimeoutSeconds * 1000;
    const started = Date.now();
    let active: PromAlert[] = [];
    this.log(`baseline: waiting until no expected alert is pending or firing (up to ${this.plan.window.baselineTimeoutSeconds}s)`);
    let stopping: string[] = [];
    for (;;) {
      this.throwIfAborted();
      const alerts = await this.options.prometheus.alerts().catch(() => undefined);
      // A stop condition already true: the game day would stop as soon as it started.
      stopping = await this.stopConditionsTrue();
      if (alerts) {
        active = alerts.filter((alert) => expected.some((e) => matchesExpectation(alert.labels, e)));
        if (active.length === 0 && stopping.length === 0) {
          this.log(`baseline: clean after ${((Date.now() - started) / 1000).toFixed(1)}s`);
          return;
        }
      }
      if (Date.now() - started > timeoutMs) {
        const list = [
          ...active.map((a) => `${a.labels.alertname} (${a.state} since ${a.activeAt})`),
          ...stopping.map((name) => `${name} true`),
        ].join(', ');
        throw new PreflightError(
          `baseline not clean after ${this.plan.window.baselineTimeoutSeconds}s: ${list || 'Prometheus did not answer'}. ` +
            'A game day on a red baseline cannot tell what a fault caused. Fix the cause, or raise window.baselineTimeout.',
        );
      }
      await abortableSleep(1000, this.signal);
    }
  }

  private async runFault(fault: FaultSpec): Promise<void> {
    await this.sleepUntil(fault.atSeconds);
    this.record({ kind: 'fault.injecting', fault: fault.name });
    this.injected.set(fault.name, fault);
    const startedAt = this.now().toISOString();
    const injection = runInjector(fault.inject, injectorContext(this.plan.file, this.runId, fault.name, 'inject'));
    this.injecting.set(
      fault.name,
      injection.then(
        () => undefined,
        () => undefined,
      ),
    );
    this.armMaxDuration(fault);
    try {
      const detail = await injection;
      this.record({ kind: 'fault.injected', fault: fault.name, startedAt, detail });
      this.log(`${this.clock()} injected ${fault.name}: ${describeInjector(fault.inject)}`);
    } catch (error) {
      this.record({ kind: 'fault.inject-failed', fault: fault.name, error: errorMessage(error) });
      this.log(`${this.clock()} INJECT FAILED ${fault.name}: ${errorMessage(error)}`);
      // It may be half in place (one instance of two killed): take it out now.
      await this.revert(fault, 'recovery');
      return;
    }
    await this.sleepUntil(fault.atSeconds + fault.durationSeconds);
    if (this.injected.has(fault.name)) await this.revert(fault, 'scheduled');
  }

  /**
   * A timer of its own, apart from the schedule and the run's clock: when the fault's maxDuration
   * has passed since its injection started, it is reverted whatever else is going on (a scheduled
   * revert that hangs, a run waiting on something else), as soon as its injector has settled.
   */
  private armMaxDuration(fault: FaultSpec): void {
    if (fault.maxDurationSeconds === undefined) return;
    const limit = fault.maxDurationSeconds;
    const timer = setTimeout(() => {
      this.limitTimers.delete(fault.name);
      const revert = (async () => {
        await this.injecting.get(fault.name);
        if (!this.injected.has(fault.name)) return;
        this.log(`${this.clock()} ${fault.name}: maxDuration ${limit}s reached; reverting it now`);
        await this.revert(fault, 'max-duration');
      })();
      this.limitReverts.push(revert);
    }, limit * 1000);
    this.limitTimers.set(fault.name, timer);
  }

  /**
   * Returns false when the revert failed; the fault then stays listed as injected. Two reverts of
   * one fault may overlap (the maxDuration timer does not wait for a hanging scheduled revert):
   * the first to succeed takes the fault out and is journaled; the other's outcome only logged.
   */
  private async revert(fault: FaultSpec, reason: 'scheduled' | 'aborted' | 'recovery' | 'max-duration'): Promise<boolean> {
    if (fault.revert === 'none') {
      this.reverted(fault);
      return true;
    }
    const startedAt = this.now().toISOString();
    try {
      const detail = await runInjector(fault.revert, injectorContext(this.plan.file, this.runId, fault.name, 'revert'));
      if (!this.injected.has(fault.name)) {
        this.log(`${this.clock()} ${fault.name}: a ${reason} revert also succeeded, after another had taken the fault out`);
        return true;
      }
      this.reverted(fault);
      this.record({ kind: 'fault.reverted', fault: fault.name, startedAt, reason, detail });
      this.log(`${this.clock()} reverted ${fault.name}${reason === 'scheduled' ? '' : ` (${reason})`}`);
      return true;
    } catch (error) {
      if (!this.injected.has(fault.name)) {
        this.log(`${this.clock()} ${fault.name}: a ${reason} revert failed after another had taken the fault out: ${errorMessage(error)}`);
        return true;
      }
      this.record({ kind: 'fault.revert-failed', fault: fault.name, error: errorMessage(error) });
      this.log(`${this.clock()} REVERT FAILED ${fault.name}: ${errorMessage(error)}`);
      return false;
    }
  }

  private reverted(fault: FaultSpec): void {
    this.injected.delete(fault.name);
    const timer = this.limitTimers.get(fault.name);
    if (timer !== undefined) clearTimeout(timer);
    this.limitTimers.delete(fault.name);
  }

  private async runBurst(burst: BurstSpec): Promise<void> {
    await this.sleepUntil(burst.atSeconds);
    const handle = await this.options.loadRunner.startBurst({
      name: burst.name,
      script: burst.script,
      baseUrl: this.plan.target.baseUrl,
      rate: burst.rate,
      durationSeconds: burst.durationSeconds,
      ...(burst.vus ? { vus: burst.vus } : {}),
      runId: this.runId,
      runDir: this.runDir,
      prometheusUrl: this.plan.monitoring.prometheus.url,
    });
    this.log(
      `${this.clock()} burst ${burst.name}: ${burst.rate} req/s for ${burst.durationSeconds}s (k6 pid ${handle.pid}, ${handle.vus} VUs)`,
    );
    const load = this.trackLoad(handle, 'burst', burst.name, burst.rate, burst.durationSeconds);
    await load.done;
  }

  private trackLoad(handle: LoadHandle, role: 'trace' | 'burst', name: string, rate: number, durationSeconds: number) {
    this.record({ kind: 'load.started', role, name, pid: handle.pid, requestedRate: rate, durationSeconds, vus: handle.vus });
    const entry: (typeof this.loads)[number] = { handle, role, name };
    entry.done = handle.finished.then(
      (finish) => this.loadEnded(role, name, finish),
      (error) => this.loadEnded(role, name, { exitCode: null, signal: null, error: errorMessage(error) }),
    );
    this.loads.push(entry);
    return entry;
  }

  private loadEnded(role: 'trace' | 'burst', name: string, finish: LoadFinish): void {
    this.record({
      kind: 'load.ended',
      role,
      name,
      exitCode: finish.exitCode,
      signal: finish.signal,
      ...(finish.result ? { result: finish.result } : {}),
      ...(finish.error ? { error: finish.error } : {}),
    });
    if (finish.traceSamples) {
      this.record({
        kind: 'trace.samples',
        samples: finish.traceSamples,
        ...(finish.traceLatencies ? { latencies: finish.traceLatencies } : {}),
      });
    }
    if (finish.result) {
      const r = finish.result;
      this.log(
        `${this.clock()} burst ${name} done: ${r.achievedRate.toFixed(1)} of ${r.requestedRate} req/s, ${r.droppedIterations} dropped iterations`,
      );
    }
    if (finish.error) this.log(`${this.clock()} ${role} ${name}: ${finish.error}`);
  }

  /** Prometheus's own record of every alert over the run (exact evaluation timestamps), and of the trace's series. */
  private async reconcile(): Promise<void> {
    const events = await reconcileRecord(this.options.prometheus, {
      from: this.startedAt,
      to: this.now(),
      runId: this.runId,
      ...(this.clockOffsetMs === undefined ? {} : { offsetMs: this.clockOffsetMs }),
    });
    for (const event of events) {
      this.record(event);
      if (event.kind === 'observe.failed') this.log(`reading Prometheus's record failed: ${event.error}`);
    }
  }

  /** Prometheus's clock read beside gameday's (`clock.sampled`); the analysis corrects for the offset. */
  private async readClock(phase: 'preflight' | 'end'): Promise<void> {
    const samples = await sampleClock(this.options.prometheus, this.now);
    if (samples.length === 0) {
      this.log(`clock: Prometheus did not answer time() at ${phase}; its timestamps will be taken as they are`);
      return;
    }
    this.record({ kind: 'clock.sampled', phase, samples });
    const offset = clockOffset(samples);
    if (offset === null) return;
    if (phase === 'preflight') this.clockOffsetMs = offset.offsetMs;
    if (Math.abs(offset.offsetMs) >= 100) {
      const side = offset.offsetMs > 0 ? 'ahead of' : 'behind';
      this.log(
        `clock: Prometheus is ${Math.abs(offset.offsetMs)} ms ${side} gameday (± ${offset.uncertaintyMs} ms); the report corrects for it`,
      );
    }
  }

  private async sleepUntil(offsetSeconds: number): Promise<void> {
    if (this.windowStart === undefined) throw new Error('window not started');
    const wait = this.windowStart + offsetSeconds * 1000 - this.now().getTime();
    if (wait > 0) await abortableSleep(wait, this.signal);
    this.throwIfAborted();
  }

  private throwIfAborted(): void {
    if (this.options.signal?.aborted) {
      throw new AbortedError(`aborted: ${errorMessage(this.options.signal.reason ?? 'signal')}`);
    }
    if (this.aborter.signal.aborted) {
      throw new AbortedError(`aborted: ${errorMessage(this.aborter.signal.reason ?? 'stopped')}`);
    }
  }

  /** "t+12.3s" relative to the window start, for progress lines. */
  private clock(): string {
    if (this.windowStart === undefined) return 't-';
    const seconds = (this.now().getTime() - this.windowStart) / 1000;
    return `t${seconds < 0 ? '' : '+'}${seconds.toFixed(1)}s`;
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

async function freshRunId(runsDir: string, planName: string, at: Date): Promise<string> {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  for (let n = 0; ; n++) {
    const id = `${stamp}-${planName}${n ? `-${n}` : ''}`;
    try {
      await stat(join(runsDir, id));
    } catch {
      return id;
    }
  }
}
