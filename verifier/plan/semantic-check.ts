// The rules a JSON Schema cannot say: positive durations, everything inside the window, unique
// names, references that resolve, load only to loopback unless allowed. Runs on the raw data even
// when the schema found problems, skipping any value that is not the shape it expects (the schema
// has already reported those), so a person sees every problem at once.

import { resolve } from 'node:path';
import { formatDuration, parseDuration } from './duration.ts';
import { type Finding, isRecord, show } from './finding.ts';
import { journeyFindings } from './journey-check.ts';
import type { PathSegment } from './source.ts';
import { closest } from './suggest.ts';
import { checkToxiproxy, checkToxiproxyInjector, toxiproxyProxyNames } from './toxiproxy-check.ts';

export interface SemanticOptions {
  /** Directory of the plan file, to resolve relative script paths. */
  planDirectory: string;
  /** When given, scripts a plan names must exist. */
  fileExists?: (absolutePath: string) => boolean;
}

export function semanticFindings(data: unknown, options: SemanticOptions): Finding[] {
  if (!isRecord(data)) return [];
  const findings: Finding[] = [];
  const report = (path: PathSegment[], message: string, hint: string): void => {
    findings.push({ path, message, hint });
  };

  const window = isRecord(data.window) ? data.window : {};
  const windowSeconds = positive(window.duration, ['window', 'duration'], report);
  positive(window.baselineTimeout, ['window', 'baselineTimeout'], report);
  const monitoring = isRecord(data.monitoring) ? data.monitoring : {};
  positive(monitoring.pollInterval, ['monitoring', 'pollInterval'], report);

  checkLoadTarget(data, report);
  for (const name of ['prometheus', 'alertmanager'] as const) {
    const endpoint = monitoring[name];
    if (isRecord(endpoint)) checkEndpoint(endpoint, ['monitoring', name], report);
  }
  if (isRecord(monitoring.alertmanager)) checkPeers(monitoring.alertmanager, report);
  checkWebhookListen(monitoring.webhookListen, report);

  if (isRecord(data.trace)) checkScript(data.trace.script, ['trace', 'script'], options, report);
  findings.push(...journeyFindings(data.trace));

  const bursts = Array.isArray(data.bursts) ? data.bursts : [];
  const faults = Array.isArray(data.faults) ? data.faults : [];
  checkUniqueNames(bursts, 'bursts', 'burst', report);
  checkUniqueNames(faults, 'faults', 'fault', report);
  const stopConditions = Array.isArray(data.stopConditions) ? data.stopConditions : [];
  checkUniqueNames(stopConditions, 'stopConditions', 'stop condition', report);

  for (const [index, burst] of bursts.entries()) {
    if (!isRecord(burst)) continue;
    checkSlot(burst, ['bursts', index], 'burst', windowSeconds, report);
    checkScript(burst.script, ['bursts', index, 'script'], options, report);
    checkEngine(burst, ['bursts', index], report);
  }

  checkToxiproxy(data.toxiproxy, report);
  const proxyNames = toxiproxyProxyNames(data.toxiproxy);

  const journeyList = isRecord(data.trace) && Array.isArray(data.trace.journeys) ? data.trace.journeys : [];
  const journeyNames = journeyList.flatMap((journey) => (isRecord(journey) && typeof journey.name === 'string' ? [journey.name] : []));
  const burstNames = bursts.flatMap((burst) => (isRecord(burst) && typeof burst.name === 'string' ? [burst.name] : []));
  for (const [index, fault] of faults.entries()) {
    if (!isRecord(fault)) continue;
    const path = ['faults', index];
    checkSlot(fault, path, 'fault', windowSeconds, report);
    checkMaxDuration(fault, path, report);
    checkInjector(fault.inject, [...path, 'inject'], report);
    checkInjector(fault.revert, [...path, 'revert'], report);
    for (const key of ['inject', 'revert'] as const) {
      const injector = fault[key];
      if (isRecord(injector)) checkToxiproxyInjector(injector.toxiproxy, [...path, key, 'toxiproxy'], proxyNames, report);
    }
    checkRevertPresent(fault, path, report);
    checkRestore(fault, journeyNames, proxyNames, path, report);
    checkExposedBy(fault.exposedBy, burstNames, [...path, 'exposedBy'], report);
    const expectations = Array.isArray(fault.expect) ? fault.expect : [];
    for (const [expectIndex, expectation] of expectations.entries()) {
      if (isRecord(expectation)) positive(expectation.within, [...path, 'expect', expectIndex, 'within'], report);
    }
  }
  return findings;
}

type Report = (path: PathSegment[], message: string, hint: string) => void;

/** Seconds in a duration that must be greater than zero; undefined when absent or malformed. */
function positive(value: unknown, path: PathSegment[], report: Report): number | undefined {
  if (typeof value !== 'string') return undefined;
  const seconds = parseDuration(value);
  if (seconds === 0) report(path, `\`${String(path.at(-1))}\` must be longer than 0s`, 'write a positive duration such as 30s');
  return seconds;
}

/** A fault or burst: it starts inside the window and ends by the window's end. */
function checkSlot(
  slot: Record<string, unknown>,
  path: PathSegment[],
  kind: 'fault' | 'burst',
  windowSeconds: number | undefined,
  report: Report,
): void {
  const range = isRecord(slot.at) ? slot.at : undefined;
  const from = range && typeof range.between === 'string' ? parseDuration(range.between) : undefined;
  const until = range && typeof range.and === 'string' ? parseDuration(range.and) : undefined;
  if (from !== undefined && until !== undefined && until < from) {
    report(
      [...path, 'at', 'and'],
      `the range ends (${formatDuration(until)}) before it begins (${formatDuration(from)})`,
      'write the earlier offset under between',
    );
  }
  // A range must fit at its latest: checked like a fixed time at `and`.
  const at = typeof slot.at === 'string' ? parseDuration(slot.at) : until;
  const duration = positive(slot.duration, [...path, 'duration'], report);
  if (windowSeconds === undefined || windowSeconds === 0 || at === undefined) return;
  const windowEnd = formatDuration(windowSeconds);
  if (at >= windowSeconds) {
    report(
      [...path, 'at'],
      `the ${kind} starts at ${formatDuration(at)}, at or after the window's end (${windowEnd})`,
      `start it before ${windowEnd}, or lengthen window.duration`,
    );
    return;
  }
  if (duration !== undefined && duration > 0 && at + duration > windowSeconds) {
    report(
      [...path, 'duration'],
      `the ${kind} runs until ${formatDuration(at + duration)}, past the window's end (${windowEnd})`,
      `shorten it to at most ${formatDuration(windowSeconds - at)}, start it earlier, or lengthen window.duration`,
    );
  }
}

/** The safety limit must leave the fault its scheduled time, or it would cut every run short. */
function checkMaxDuration(fault: Record<string, unknown>, path: PathSegment[], report: Report): void {
  const max = positive(fault.maxDuration, [...path, 'maxDuration'], report);
  const duration = typeof fault.duration === 'string' ? parseDuration(fault.duration) : undefined;
  if (max === undefined || max === 0 || duration === undefined || max >= duration) return;
  report(
    [...path, 'maxDuration'],
    `maxDuration (${formatDuration(max)}) is shorter than the fault's duration (${formatDuration(duration)})`,
    `maxDuration is a safety limit beyond the schedule: set it to at least ${formatDuration(duration)}, or remove it`,
  );
}

/** Headers that carry credentials: written literally they would land in the journal. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

/** Nothing secret in what is journaled: no credentials in the URL or in literal headers. */
function checkEndpoint(endpoint: Record<string, unknown>, path: PathSegment[], report: Report): void {
  const url = checkUrl(endpoint.url, [...path, 'url'], report);
  if (url !== undefined && (url.username !== '' || url.password !== '')) {
    report(
      [...path, 'url'],
      'the URL carries credentials, which would be written to the journal and the report',
      'remove them from the URL and use `auth: { basicAuth: { usernameEnv: …, passwordEnv: … } }`',
    );
  }
  const literal = isRecord(endpoint.headers) ? Object.keys(endpoint.headers) : [];
  const fromEnv = isRecord(endpoint.headersFromEnv) ? Object.keys(endpoint.headersFromEnv) : [];
  for (const header of literal) {
    const lower = header.toLowerCase();
    if (CREDENTIAL_HEADERS.includes(lower)) {
      report(
        [...path, 'headers', header],
        `header ${show(header)} carries credentials, and \`headers\` are written to the journal as they are`,
        lower === 'authorization'
          ? 'use `auth: { bearerTokenEnv: NAME }` (or basicAuth), which reads the value from the environment at run time'
          : `move it to \`headersFromEnv: { ${header}: NAME }\`, which reads the value from the environment at run time`,
      );
    } else if (fromEnv.some((other) => other.toLowerCase() === lower)) {
      report(
        [...path, 'headers', header],
        `header ${show(header)} is set both in \`headers\` and in \`headersFromEnv\``,
        'keep one of them',
      );
    }
  }
  if (isRecord(endpoint.auth)) {
    const clash = fromEnv.find((header) => header.toLowerCase() === 'authorization');
    if (clash !== undefined) {
      report(
        [...path, 'headersFromEnv', clash],
        `header ${show(clash)} would replace the credentials \`auth\` sends`,
        'keep either `auth` or this header, not both',
      );
    }
  }
}

/** Peers are journaled like the URL, and the primary is polled already: listing it again would count it twice. */
function checkPeers(alertmanager: Record<string, unknown>, report: Report): void {
  if (!Array.isArray(alertmanager.peers)) return;
  const primary = typeof alertmanager.url === 'string' ? alertmanager.url.replace(/\/+$/, '') : undefined;
  for (const [index, peer] of alertmanager.peers.entries()) {
    const path: PathSegment[] = ['monitoring', 'alertmanager', 'peers', index];
    const url = checkUrl(peer, path, report);
    if (url !== undefined && (url.username !== '' || url.password !== '')) {
      report(
        path,
        'the peer URL carries credentials, which would be written to the journal and the report',
        "remove them: every peer is sent the alertmanager's `auth`",
      );
    }
    if (typeof peer === 'string' && peer.replace(/\/+$/, '') === primary) {
      report(path, `peer ${show(peer)} is monitoring.alertmanager.url again`, 'list only the other peers of the cluster under peers');
    }
  }
}

/** `kubernetes` goes with engine k6-operator, and the operator splits a burst by parallelism, not processes. */
function checkEngine(burst: Record<string, unknown>, path: PathSegment[], report: Report): void {
  const operator = burst.engine === 'k6-operator';
  if (operator && burst.kubernetes === undefined) {
    report(
      [...path, 'engine'],
      'engine k6-operator needs `kubernetes`',
      'add `kubernetes: { namespace: load-tests }` (the namespace the TestRun goes in), or remove `engine`',
    );
  }
  if (!operator && burst.kubernetes !== undefined) {
    report(
      [...path, 'kubernetes'],
      '`kubernetes` is only read with engine: k6-operator',
      'add `engine: k6-operator`, or remove `kubernetes`',
    );
  }
  if (operator && burst.processes !== undefined) {
    report(
      [...path, 'processes'],
      '`processes` splits a burst over local k6 processes; the k6-operator splits it over runner pods',
      'set `kubernetes.parallelism` instead, and remove `processes`',
    );
  }
}

function checkUniqueNames(items: unknown[], list: string, kind: string, report: Report): void {
  const firstIndex = new Map<string, number>();
  for (const [index, item] of items.entries()) {
    if (!isRecord(item) || typeof item.name !== 'string') continue;
    const first = firstIndex.get(item.name);
    if (first === undefined) firstIndex.set(item.name, index);
    else {
      report(
        [list, index, 'name'],
        `duplicate ${kind} name ${show(item.name)}`,
        `${list}[${first}] already has this name; give each ${kind} its own`,
      );
    }
  }
}

/** `revert` may be left out only where it is derived: after a toxiproxy inject. */
function checkRevertPresent(fault: Record<string, unknown>, path: PathSegment[], report: Report): void {
  if (fault.revert !== undefined || !isRecord(fault.inject)) return;
  if (isRecord(fault.inject.toxiproxy)) return;
  report(
    [...path, 'revert'],
    'missing `revert`',
    'say how to undo the fault with an injector (http, exec, signal), or write `revert: none` for a fault that undoes itself; only a toxiproxy inject may leave it out',
  );
}

/** `restore` belongs to `revert: responders`; its journeys are the trace's; its fallback is an injector like any other. */
function checkRestore(
  fault: Record<string, unknown>,
  journeyNames: string[],
  proxyNames: ReturnType<typeof toxiproxyProxyNames>,
  path: PathSegment[],
  report: Report,
): void {
  const { restore } = fault;
  if (!isRecord(restore)) return;
  if (fault.revert !== 'responders') {
    report(
      [...path, 'restore'],
      '`restore` without `revert: responders`',
      'write `revert: responders` for a fault the team restores, or remove `restore` (gameday reverts this fault itself)',
    );
  }
  checkInjector(restore.fallback, [...path, 'restore', 'fallback'], report);
  if (isRecord(restore.fallback))
    checkToxiproxyInjector(restore.fallback.toxiproxy, [...path, 'restore', 'fallback', 'toxiproxy'], proxyNames, report);
  const journeys = Array.isArray(restore.journeys) ? restore.journeys : [];
  for (const [index, journey] of journeys.entries()) {
    if (typeof journey !== 'string' || journeyNames.includes(journey)) continue;
    const suggestion = closest(journey, journeyNames);
    const names =
      journeyNames.length === 0 ? 'the trace has none; leave restore.journeys out to count every iteration' : journeyNames.join(', ');
    const hint = suggestion !== undefined ? `did you mean ${show(suggestion)}?` : `name one of trace.journeys (${names})`;
    report([...path, 'restore', 'journeys', index], `no journey is named ${show(journey)}`, hint);
  }
}

function checkExposedBy(value: unknown, burstNames: string[], path: PathSegment[], report: Report): void {
  if (typeof value !== 'string' || value === '' || burstNames.includes(value)) return;
  const suggestion = closest(value, burstNames);
  const hint =
    suggestion !== undefined
      ? `did you mean ${show(suggestion)}?`
      : burstNames.length === 0
        ? 'the plan has no bursts; add one under `bursts:`, or remove exposedBy'
        : `name one of the bursts: ${burstNames.join(', ')}`;
  report(path, `no burst is named ${show(value)}`, hint);
}

function checkInjector(value: unknown, path: PathSegment[], report: Report): void {
  if (!isRecord(value)) return;
  if (isRecord(value.http)) {
    checkUrl(value.http.url, [...path, 'http', 'url'], report);
    positive(value.http.timeout, [...path, 'http', 'timeout'], report);
  }
  if (isRecord(value.exec)) {
    const { command, shell, timeout } = value.exec;
    positive(timeout, [...path, 'exec', 'timeout'], report);
    if (shell === true && Array.isArray(command) && command.length > 1) {
      report(
        [...path, 'exec', 'command'],
        `with \`shell: true\`, command must be one shell line, got ${command.length} elements`,
        `join them into one string, e.g. [${JSON.stringify(command.join(' '))}], or set \`shell: false\``,
      );
    }
    if (isRecord(value.exec.waitFor)) {
      positive(value.exec.waitFor.timeout, [...path, 'exec', 'waitFor', 'timeout'], report);
      if (value.exec.detach !== true) {
        report([...path, 'exec', 'waitFor'], 'waitFor applies only to a detached command', 'add `detach: true`, or remove waitFor');
      }
      if (value.exec.waitFor.url !== undefined) checkUrl(value.exec.waitFor.url, [...path, 'exec', 'waitFor', 'url'], report);
    }
  }
  if (isRecord(value.signal)) {
    const { pidFile, pid, timeout } = value.signal;
    positive(timeout, [...path, 'signal', 'timeout'], report);
    if ((pidFile === undefined) === (pid === undefined)) {
      report(
        [...path, 'signal'],
        pidFile === undefined ? 'a signal needs the process: pidFile or pid' : 'give pidFile or pid, not both',
        'name the process by its pid file (pidFile: state/api.pid), or by its pid (pid: 1234); gameday never picks processes by name',
      );
    }
  }
}

function checkUrl(value: unknown, path: PathSegment[], report: Report): URL | undefined {
  if (typeof value !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    report(path, `${show(value)} is not a well-formed URL`, 'write a URL such as http://127.0.0.1:18080');
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    report(path, `${show(value)} is not an http(s) URL`, 'write a URL such as http://127.0.0.1:18080');
    return undefined;
  }
  return url;
}

/** Load is destructive: it goes only to this machine unless the plan names the host. */
function checkLoadTarget(data: Record<string, unknown>, report: Report): void {
  if (!isRecord(data.target)) return;
  const path = ['target', 'baseUrl'];
  const url = checkUrl(data.target.baseUrl, path, report);
  if (url === undefined) return;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopback(host)) return;
  const allowed = Array.isArray(data.allowedTargets) ? data.allowedTargets : [];
  const allowedHosts = allowed.flatMap((entry) => (typeof entry === 'string' ? [entry.replace(/^\[|\]$/g, '').toLowerCase()] : []));
  if (allowedHosts.includes(host)) return;
  report(
    path,
    `load target ${host} is not this machine`,
    `gameday sends load only to loopback unless told otherwise; to load ${host} on purpose, add it to allowedTargets`,
  );
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function checkWebhookListen(value: unknown, report: Report): void {
  if (typeof value !== 'string') return;
  const port = Number(/:(\d+)$/.exec(value)?.[1]);
  if (Number.isInteger(port) && (port < 1 || port > 65_535)) {
    report(['monitoring', 'webhookListen'], `port ${port} is out of range`, 'use a port from 1 to 65535, e.g. 127.0.0.1:19095');
  }
}

function checkScript(value: unknown, path: PathSegment[], options: SemanticOptions, report: Report): void {
  if (typeof value !== 'string' || value === '' || options.fileExists === undefined) return;
  const absolute = resolve(options.planDirectory, value);
  if (!options.fileExists(absolute)) {
    report(path, `script ${show(value)} not found (looked for ${absolute})`, 'give a path relative to the plan file, or an absolute path');
  }
}
