// `gameday init`'s output, as text: a commented starter plan with one fault stub per alerting rule
// (grouped by the scrape job the rule reads, `within` from the rule's detection worst case), and
// suggested absence-of-success rules for the jobs that have none. Pure: the live reading is in
// starter-inputs.ts.

import { stringify } from 'yaml';
import { formatDuration as duration } from '../plan/duration.ts';
import { INIT_TODO } from '../plan/init-todo.ts';
import { isLoopback } from '../plan/semantic-check.ts';

export interface StarterRule {
  alert: string;
  group: string;
  query: string;
  forSeconds: number;
  labels: Record<string, string>;
  /** The scrape jobs its selectors read ('k6' for the trace's pushed series); empty when unknown. */
  jobs: string[];
  /** Firing, worst case, from the detection chain (S + E + ceil(F/E)·E + W + R). */
  worstFiringSeconds: number;
  bestFiringSeconds: number;
  /** The chain in words for the comment, e.g. `scrape 1s (job "demo-api"), eval 1s, for 2s`. */
  chainWords: string;
  /** Where Alertmanager routes it (receiver, group_wait); null without the route tree. */
  route: { receiver: string; groupWaitSeconds: number } | null;
}

export interface StarterEndpoint {
  url: string;
  headers?: Record<string, string>;
  headersFromEnv?: Record<string, string>;
  auth?: { bearerTokenEnv: string } | { basicAuth: { usernameEnv: string; passwordEnv: string } };
}

export interface StarterInputs {
  prometheus: StarterEndpoint;
  alertmanager: StarterEndpoint;
  targetUrl: string;
  rules: StarterRule[];
  /** An always-firing rule (vector(1)) to watch the pipeline with, if there is one. */
  watchdog: string | null;
  /** Scrape jobs no alert watches for the absence of success. */
  jobsWithoutAbsence: string[];
  /** Where the suggested rules file is written, as the plan's comment names it. */
  rulesFileName: string;
  /** When it was read, for the header comment. */
  readAt: string;
}

/** Seconds between faults: the previous alert resolves and the trace recovers before the next. */
const GAP_SECONDS = 30;
/** A fault stays in place this long past its `within`, so a late alert is seen late, not missed. */
const MARGIN_SECONDS = 30;

export function starterPlan(inputs: StarterInputs): { plan: string; rules: string | null } {
  const byJob = groupByJob(inputs.rules);
  let at = 0;
  const faultBlocks: string[] = [];
  const names = new Set<string>();
  for (const [job, rules] of byJob) {
    faultBlocks.push(
      `  # --- ${job === '' ? 'rules whose job gameday could not tell' : job === 'k6' ? "the trace's own series (k6)" : `job "${job}"`} ---`,
    );
    for (const rule of rules) {
      const within = Math.ceil(rule.worstFiringSeconds);
      const duration = within + MARGIN_SECONDS;
      faultBlocks.push(faultStub(rule, uniqueName(kebab(rule.alert), names), at, duration, within));
      at += duration + GAP_SECONDS;
    }
  }
  const windowSeconds = Math.max(at - GAP_SECONDS, 60);
  const plan = [
    `# A starter plan written by \`gameday init\` at ${inputs.readAt} from the alerting rules Prometheus`,
    `# has loaded (${inputs.prometheus.url}) and Alertmanager's route tree (${inputs.alertmanager.url}).`,
    "# One fault stub per alerting rule, grouped by the job the rule reads. Each stub's injector is",
    `# a ${INIT_TODO} marker that \`gameday check\` refuses: write the command (or HTTP call) that`,
    '# breaks what the alert watches, and the one that undoes it, then run `gameday check` and',
    "# `gameday run`. `within` is the rule's detection worst case (docs/detection-time.md): tighten",
    '# it to what your team needs. Delete the stubs of faults you will not run.',
    'version: 1',
    'name: starter',
    'description: Starter game day written by gameday init; one fault per alerting rule.',
    '',
    'window:',
    `  duration: ${duration(windowSeconds)}`,
    '  baselineTimeout: 60s',
    '  grace: 60s',
    '',
    'target:',
    `  baseUrl: ${inputs.targetUrl}`,
    ...allowedTarget(inputs.targetUrl),
    '',
    'monitoring:',
    ...endpointYaml('prometheus', inputs.prometheus),
    ...endpointYaml('alertmanager', inputs.alertmanager),
    ...(inputs.watchdog === null
      ? ['  # watchdog: an always-firing alert (expr: vector(1)) proves the pipeline works; none was found.']
      : [`  watchdog: ${inputs.watchdog}`]),
    '',
    'trace:',
    '  rate: 1',
    '  # What users do, journey by journey: the core functions that must work. Each journey counts',
    '  # k6_trace_success_total{journey="<name>"}, so an alert can watch for its absence of success.',
    '  # Replace this one with your service\'s own (README, "Journeys").',
    '  journeys:',
    '    - name: home',
    '      critical: true',
    '      steps:',
    '        - method: GET',
    '          path: /',
    '          expect: { status: 200-399 }',
    '',
    'faults:',
    ...faultBlocks,
    '',
  ].join('\n');
  return { plan, rules: suggestedRules(inputs.jobsWithoutAbsence, inputs.readAt) };
}

/** A target beyond this machine must be allowed by name; `--target` named it, so the plan says so. */
function allowedTarget(targetUrl: string): string[] {
  const host = new URL(targetUrl).hostname.replace(/^\[|\]$/g, '');
  if (isLoopback(host)) return [];
  return ['', '# Load goes beyond this machine only to hosts listed here: --target named this one.', 'allowedTargets:', `  - ${host}`];
}

function faultStub(rule: StarterRule, name: string, atSeconds: number, durationSeconds: number, within: number): string {
  const route = rule.route
    ? `routed to receiver ${rule.route.receiver} (group_wait ${duration(rule.route.groupWaitSeconds)})`
    : 'route unknown';
  const todo = (what: string) => `[echo, ${JSON.stringify(`${INIT_TODO}: ${what}`)}]`;
  const labels = Object.keys(rule.labels).length === 0 ? '' : `\n        labels: ${flow(rule.labels)}`;
  return [
    `  # ${rule.alert} (group ${rule.group}): ${oneLine(rule.query)}`,
    `  # worst case ${duration(within)}, best ${duration(Math.floor(rule.bestFiringSeconds))}: ${rule.chainWords}; ${route}`,
    `  - name: ${name}`,
    `    at: ${duration(atSeconds)}`,
    `    duration: ${duration(durationSeconds)}`,
    '    inject:',
    `      exec: { command: ${todo(`break what ${rule.alert} watches`)} }`,
    '    revert:',
    `      exec: { command: ${todo(`undo it`)} }`,
    '    expect:',
    `      - alert: ${rule.alert}${labels}`,
    `        within: ${duration(within)}`,
  ].join('\n');
}

function suggestedRules(jobs: readonly string[], readAt: string): string | null {
  if (jobs.length === 0) return null;
  const rules = jobs.map((job) => ({
    alert: `${pascal(job)}NoSuccess`,
    expr: `absent(up{job=${JSON.stringify(job)}} == 1)`,
    for: '1m',
    labels: { severity: 'page' },
    annotations: {
      summary: `No instance of job ${job} is answering`,
      description: `Nothing of ${job} has succeeded for a minute. Better still, alert on the absence of ${job}'s own successes, e.g. sum(rate(<requests_total>{job="${job}",code=~"2.."}[5m])) == 0`,
    },
  }));
  const header = [
    `# Suggested by \`gameday init\` at ${readAt}: alerts on the absence of success for the scrape jobs`,
    '# that have none (alerting only on failure misses a service nobody can reach, or one that',
    '# silently stopped). Review, then add the file to rule_files in prometheus.yml.',
  ].join('\n');
  return `${header}\n${stringify({ groups: [{ name: 'absence-of-success', rules }] }, { lineWidth: 0 })}`;
}

function groupByJob(rules: readonly StarterRule[]): Map<string, StarterRule[]> {
  const groups = new Map<string, StarterRule[]>();
  for (const rule of rules) {
    const job = rule.jobs[0] ?? '';
    groups.set(job, [...(groups.get(job) ?? []), rule]);
  }
  // Named jobs first, alphabetically; the trace's series and the unknown last.
  const rank = (job: string) => (job === '' ? 2 : job === 'k6' ? 1 : 0);
  return new Map([...groups].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)));
}

function endpointYaml(key: string, endpoint: StarterEndpoint): string[] {
  const extra = Object.entries({ headers: endpoint.headers, headersFromEnv: endpoint.headersFromEnv, auth: endpoint.auth })
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => `    ${field}: ${flow(value as Record<string, unknown>)}`);
  if (extra.length === 0) return [`  ${key}: { url: ${endpoint.url} }`];
  return [`  ${key}:`, `    url: ${endpoint.url}`, ...extra];
}

/** A mapping as a YAML flow mapping on one line. */
function flow(value: Record<string, unknown>): string {
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim();
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `ApiInstancesDown` → `api-instances-down`; a name the plan schema accepts. */
function kebab(alert: string): string {
  const name = alert
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return name === '' ? 'fault' : name;
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  taken.add(name);
  return name;
}

function pascal(job: string): string {
  return job
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
