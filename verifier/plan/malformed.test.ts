// The malformed corpus: one file per problem, named for it. Each must be refused with a
// PlanError whose diagnostic names the right plan path and line, and says the right thing.
// Every file is based on fixtures/valid/demo.yaml (which loads), changed in one place.

import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { type Diagnostic, PlanError } from './diagnostics.ts';
import { loadPlan } from './load.ts';

const corpus = fileURLToPath(new URL('./fixtures/malformed/', import.meta.url));

interface Case {
  file: string;
  /** Plan path of the diagnostic; '' for the whole document (syntax, empty, binary). */
  path: string;
  line: number;
  message: RegExp;
  /** Diagnostics expected in all; 1 unless the one mistake legitimately reads as several. */
  count?: number;
}

const cases: Case[] = [
  // The file itself
  { file: 'empty-file.yaml', path: '', line: 1, message: /the plan is empty/ },
  { file: 'only-comments.yaml', path: '', line: 1, message: /the plan is empty/ },
  { file: 'binary-nul-bytes.yaml', path: '', line: 3, message: /binary file \(it contains NUL bytes\)/ },
  { file: 'binary-invalid-utf8.yaml', path: '', line: 2, message: /binary file \(invalid UTF-8 at byte 18\)/ },
  { file: 'not-a-mapping-list.yaml', path: '', line: 2, message: /must be a mapping of keys, got a list/ },
  { file: 'not-a-mapping-scalar.yaml', path: '', line: 1, message: /must be a mapping of keys, got "just some text"/ },
  // YAML syntax
  { file: 'syntax-bad-indentation.yaml', path: '', line: 5, message: /^invalid YAML: nested mappings/ },
  { file: 'syntax-unclosed-flow-sequence.yaml', path: '', line: 25, message: /^invalid YAML: flow sequence .* end with a \]/, count: 2 },
  { file: 'syntax-duplicate-key.yaml', path: '', line: 8, message: /^invalid YAML: map keys must be unique/ },
  { file: 'syntax-tab-indentation.yaml', path: '', line: 7, message: /^invalid YAML: tabs are not allowed/ },
  { file: 'syntax-multiple-documents.yaml', path: '', line: 42, message: /more than one YAML document/ },
  { file: 'syntax-undefined-alias.yaml', path: '', line: 38, message: /alias refers to an anchor that is not defined/ },
  { file: 'syntax-unterminated-quote.yaml', path: '', line: 3, message: /missing closing "quote/ },
  // Top level
  { file: 'version-2.yaml', path: 'version', line: 2, message: /`version` must be 1, got 2/ },
  { file: 'version-missing.yaml', path: 'version', line: 2, message: /missing `version`/ },
  { file: 'name-missing.yaml', path: 'name', line: 2, message: /missing `name`/ },
  { file: 'name-not-lowercase.yaml', path: 'name', line: 3, message: /"My Game Day" is not a valid name/ },
  { file: 'unknown-key-top-level-typo.yaml', path: 'monitorng', line: 10, message: /unknown key `monitorng`/ },
  { file: 'monitoring-missing.yaml', path: 'monitoring', line: 2, message: /missing `monitoring`/ },
  { file: 'faults-missing.yaml', path: 'faults', line: 2, message: /missing `faults`/ },
  { file: 'faults-empty.yaml', path: 'faults', line: 20, message: /`faults` is empty/ },
  // Window and durations
  { file: 'window-not-a-mapping.yaml', path: 'window', line: 4, message: /`window` must be a mapping, got "4m"/ },
  { file: 'window-duration-missing.yaml', path: 'window.duration', line: 5, message: /missing `duration`/ },
  { file: 'window-duration-zero.yaml', path: 'window.duration', line: 5, message: /must be longer than 0s/ },
  { file: 'unknown-key-window-durration.yaml', path: 'window.durration', line: 5, message: /unknown key `durration`/ },
  { file: 'duration-plain-number.yaml', path: 'faults[0].expect[0].within', line: 32, message: /^15 is not a duration$/ },
  { file: 'duration-negative.yaml', path: 'faults[0].expect[0].within', line: 32, message: /^"-5s" is not a duration$/ },
  { file: 'duration-unknown-unit.yaml', path: 'faults[0].duration', line: 23, message: /"20 sec" is not a duration/ },
  { file: 'duration-fractional.yaml', path: 'faults[1].duration', line: 35, message: /"1.5m" is not a duration/ },
  { file: 'duration-units-out-of-order.yaml', path: 'window.grace', line: 7, message: /"30s1m" is not a duration/ },
  { file: 'duration-empty-value.yaml', path: 'faults[1].expect[0].within', line: 41, message: /`within` is empty/ },
  // Target and monitoring
  { file: 'target-base-url-missing.yaml', path: 'target.baseUrl', line: 8, message: /missing `baseUrl`/ },
  { file: 'target-not-loopback.yaml', path: 'target.baseUrl', line: 9, message: /load target 10.0.0.5 is not this machine/ },
  { file: 'target-not-in-allowed-targets.yaml', path: 'target.baseUrl', line: 9, message: /api.staging.internal is not this machine/ },
  { file: 'allowed-targets-with-scheme.yaml', path: 'allowedTargets[0]', line: 8, message: /"http:\/\/staging.internal" is not a host/ },
  { file: 'prometheus-url-missing.yaml', path: 'monitoring.prometheus.url', line: 11, message: /missing `url`/ },
  { file: 'webhook-listen-without-port.yaml', path: 'monitoring.webhookListen', line: 13, message: /"127.0.0.1" is not host:port/ },
  { file: 'alertmanager-peer-not-a-url.yaml', path: 'monitoring.alertmanager.peers[1]', line: 14, message: /"127.0.0.1:19095"/ },
  {
    file: 'alertmanager-peer-repeats-url.yaml',
    path: 'monitoring.alertmanager.peers[0]',
    line: 15,
    message: /peer "http:\/\/127.0.0.1:19093\/" is monitoring.alertmanager.url again/,
  },
  { file: 'alertmanager-peers-not-a-list.yaml', path: 'monitoring.alertmanager.peers', line: 14, message: /`peers` must be a list/ },
  { file: 'webhook-listen-port-out-of-range.yaml', path: 'monitoring.webhookListen', line: 13, message: /port 70000 is out of range/ },
  // Trace and bursts
  { file: 'trace-rate-negative.yaml', path: 'trace.rate', line: 16, message: /`rate` must be greater than 0, got -1/ },
  { file: 'trace-script-not-found.yaml', path: 'trace.script', line: 16, message: /script "no-such-trace.ts" not found/ },
  { file: 'burst-rate-zero.yaml', path: 'bursts[0].rate', line: 18, message: /`rate` must be greater than 0, got 0/ },
  {
    file: 'burst-k6-operator-without-kubernetes.yaml',
    path: 'bursts[0].engine',
    line: 20,
    message: /engine k6-operator needs `kubernetes`/,
  },
  {
    file: 'burst-kubernetes-namespace-invalid.yaml',
    path: 'bursts[0].kubernetes.namespace',
    line: 20,
    message: /"Load_Tests" is not a Kubernetes name/,
  },
  { file: 'burst-vus-fractional.yaml', path: 'bursts[0].vus', line: 19, message: /`vus` must be a whole number, got 2.5/ },
  { file: 'burst-starts-at-window-end.yaml', path: 'bursts[0].at', line: 17, message: /starts at 4m, at or after the window's end \(4m\)/ },
  { file: 'burst-overlaps-window-end.yaml', path: 'bursts[0].duration', line: 19, message: /runs until 5m, past the window's end \(4m\)/ },
  { file: 'duplicate-burst-name.yaml', path: 'bursts[1].name', line: 20, message: /duplicate burst name "capacity-burst"/ },
  { file: 'unknown-key-no-close-match.yaml', path: 'bursts[0].priority', line: 19, message: /unknown key `priority`/ },
  {
    file: 'burst-request-weight-zero.yaml',
    path: 'bursts[0].requests[0].weight',
    line: 21,
    message: /`weight` must be greater than 0, got 0/,
  },
  // Trace journeys
  {
    file: 'journey-step-path-not-relative.yaml',
    path: 'trace.journeys[0].steps[0].path',
    line: 19,
    message: /"http:\/\/127.0.0.1:18080\/items" is not a path relative to target.baseUrl/,
  },
  {
    file: 'journey-capture-used-before-defined.yaml',
    path: 'trace.journeys[0].steps[0].path',
    line: 19,
    message: /placeholder \{\{orderId\}\} is not defined in step 1/,
  },
  { file: 'journey-placeholder-typo.yaml', path: 'trace.journeys[0].steps[0].path', line: 20, message: /placeholder \{\{uniqe\}\}/ },
  { file: 'journey-duplicate-name.yaml', path: 'trace.journeys[1].name', line: 19, message: /duplicate journey name "browse"/ },
  {
    file: 'journey-status-out-of-range.yaml',
    path: 'trace.journeys[0].steps[0].expect.status',
    line: 20,
    message: /700 is not a valid `status`/,
  },
  // Faults
  { file: 'fault-name-invalid.yaml', path: 'faults[1].name', line: 33, message: /"Cache_Broken" is not a valid name/ },
  { file: 'duplicate-fault-name.yaml', path: 'faults[1].name', line: 33, message: /duplicate fault name "api-instances-killed"/ },
  { file: 'fault-duration-zero.yaml', path: 'faults[1].duration', line: 35, message: /must be longer than 0s/ },
  { file: 'fault-starts-after-window.yaml', path: 'faults[1].at', line: 34, message: /starts at 5m, at or after the window's end/ },
  { file: 'fault-overlaps-window-end.yaml', path: 'faults[1].duration', line: 35, message: /runs until 4m30s, past the window's end/ },
  { file: 'unknown-key-exposed-by-snake-case.yaml', path: 'faults[0].exposed_by', line: 28, message: /unknown key `exposed_by`/ },
  { file: 'exposed-by-unknown-burst.yaml', path: 'faults[0].exposedBy', line: 28, message: /no burst is named "capacity-brust"/ },
  { file: 'exposed-by-without-bursts.yaml', path: 'faults[0].exposedBy', line: 23, message: /no burst is named "capacity-burst"/ },
  { file: 'revert-missing.yaml', path: 'faults[1].revert', line: 33, message: /missing `revert`/ },
  { file: 'revert-not-none.yaml', path: 'faults[1].revert', line: 38, message: /"nothing" is not a valid `revert`/ },
  { file: 'revert-injector-bad-url.yaml', path: 'faults[0].revert.http.url', line: 27, message: /is not an http\(s\) URL/ },
  { file: 'inject-empty.yaml', path: 'faults[1].inject', line: 37, message: /`inject` names no injector/ },
  { file: 'inject-both-http-and-exec.yaml', path: 'faults[1].inject', line: 37, message: /`inject` has more than one injector/ },
  { file: 'inject-unknown-kind.yaml', path: 'faults[1].inject.grpc', line: 37, message: /unknown key `grpc`/ },
  {
    file: 'http-url-not-a-url.yaml',
    path: 'faults[1].inject.http.url',
    line: 37,
    message: /"the cache admin endpoint" is not an http\(s\) URL/,
  },
  { file: 'http-url-wrong-scheme.yaml', path: 'faults[1].inject.http.url', line: 37, message: /"ftp:.*" is not an http\(s\) URL/ },
  { file: 'http-url-malformed-host.yaml', path: 'faults[1].inject.http.url', line: 37, message: /is not a well-formed URL/ },
  { file: 'http-method-typo.yaml', path: 'faults[1].inject.http.method', line: 37, message: /"PSOT" is not one of the allowed values/ },
  {
    file: 'http-body-list.yaml',
    path: 'faults[1].inject.http.body',
    line: 37,
    message: /`body` must be a string or a mapping, got a list/,
  },
  { file: 'http-timeout-zero.yaml', path: 'faults[1].inject.http.timeout', line: 37, message: /`timeout` must be longer than 0s/ },
  { file: 'signal-without-process.yaml', path: 'faults[1].inject.signal', line: 37, message: /a signal needs the process: pidFile or pid/ },
  { file: 'signal-pid-file-and-pid.yaml', path: 'faults[1].inject.signal', line: 37, message: /give pidFile or pid, not both/ },
  { file: 'signal-unknown-name.yaml', path: 'faults[1].inject.signal.signal', line: 37, message: /SIGBOGUS/ },
  {
    file: 'toxiproxy-unknown-toxic-type.yaml',
    path: 'faults[1].inject.toxiproxy.toxic.type',
    line: 37,
    message: /"latencyy" is not one of the allowed values/,
  },
  { file: 'toxiproxy-proxy-missing.yaml', path: 'faults[1].inject.toxiproxy.proxy', line: 37, message: /missing `proxy`/ },
  { file: 'toxiproxy-proxy-not-declared.yaml', path: 'faults[1].inject.toxiproxy.proxy', line: 37, message: /no proxy is named "cahce"/ },
  {
    file: 'toxiproxy-attribute-typo.yaml',
    path: 'faults[1].inject.toxiproxy.toxic.attributes.latncy',
    line: 37,
    message: /a latency toxic has no attribute "latncy"/,
  },
  { file: 'toxiproxy-without-section.yaml', path: 'faults[1].inject.toxiproxy', line: 37, message: /needs the plan’s `toxiproxy` section/ },
  {
    file: 'exec-wait-for-without-detach.yaml',
    path: 'faults[0].inject.exec.waitFor',
    line: 25,
    message: /waitFor applies only to a detached command/,
  },
  { file: 'exec-command-empty.yaml', path: 'faults[0].inject.exec.command', line: 25, message: /`command` is empty/ },
  {
    file: 'exec-command-empty-string.yaml',
    path: 'faults[0].inject.exec.command[1]',
    line: 25,
    message: /`command\[1\]` is an empty string/,
  },
  { file: 'exec-command-not-a-list.yaml', path: 'faults[0].inject.exec.command', line: 25, message: /`command` must be a list/ },
  {
    file: 'exec-shell-with-several-elements.yaml',
    path: 'faults[0].inject.exec.command',
    line: 25,
    message: /with `shell: true`, command must be one shell line, got 2/,
  },
  // Expectations
  { file: 'expect-empty.yaml', path: 'faults[1].expect', line: 39, message: /`expect` is empty/ },
  { file: 'expect-within-missing.yaml', path: 'faults[1].expect[0].within', line: 40, message: /missing `within`/ },
  {
    file: 'expect-label-value-number.yaml',
    path: 'faults[0].expect[0].labels.code',
    line: 31,
    message: /`code` must be a string, got 500/,
  },
  {
    file: 'expect-label-name-invalid.yaml',
    path: 'faults[0].expect[0].labels["1st-team"]',
    line: 31,
    message: /"1st-team" is not a valid label name/,
  },
  {
    file: 'max-duration-shorter-than-duration.yaml',
    path: 'faults[1].maxDuration',
    line: 36,
    message: /maxDuration \(30s\) is shorter than the fault's duration \(1m\)/,
  },
  { file: 'max-duration-zero.yaml', path: 'faults[1].maxDuration', line: 36, message: /`maxDuration` must be longer than 0s/ },
  // Stop conditions
  { file: 'stop-condition-expr-missing.yaml', path: 'stopConditions[0].expr', line: 43, message: /missing `expr`/ },
  { file: 'stop-condition-expr-empty.yaml', path: 'stopConditions[0].expr', line: 44, message: /`expr` is an empty string/ },
  { file: 'stop-condition-unknown-key.yaml', path: 'stopConditions[0].exp', line: 44, message: /unknown key `exp`/ },
  { file: 'stop-condition-for-not-a-duration.yaml', path: 'stopConditions[0].for', line: 45, message: /"5 seconds" is not a duration/ },
  {
    file: 'stop-condition-duplicate-name.yaml',
    path: 'stopConditions[1].name',
    line: 44,
    message: /duplicate stop condition name "errors-high"/,
  },
  { file: 'stop-conditions-not-a-list.yaml', path: 'stopConditions', line: 43, message: /`stopConditions` must be a list, got a mapping/ },
  // Credentials: only names of environment variables, nothing secret in what is journaled
  { file: 'auth-unknown-key.yaml', path: 'monitoring.prometheus.auth.bearerToken', line: 13, message: /unknown key `bearerToken`/ },
  { file: 'auth-env-name-empty.yaml', path: 'monitoring.prometheus.auth.bearerTokenEnv', line: 13, message: /`bearerTokenEnv` is empty/ },
  {
    file: 'auth-env-name-is-a-value.yaml',
    path: 'monitoring.prometheus.auth.bearerTokenEnv',
    line: 13,
    message: /"\$PROM_TOKEN" is not an environment variable name/,
  },
  { file: 'auth-empty.yaml', path: 'monitoring.prometheus.auth', line: 13, message: /`auth` names no credentials/ },
  {
    file: 'auth-bearer-and-basic.yaml',
    path: 'monitoring.alertmanager.auth',
    line: 15,
    message: /`auth` names more than one kind of credentials/,
  },
  {
    file: 'basic-auth-password-env-missing.yaml',
    path: 'monitoring.alertmanager.auth.basicAuth.passwordEnv',
    line: 15,
    message: /missing `passwordEnv`/,
  },
  { file: 'url-with-credentials.yaml', path: 'monitoring.prometheus.url', line: 11, message: /the URL carries credentials/ },
  {
    file: 'headers-authorization-literal.yaml',
    path: 'monitoring.prometheus.headers.Authorization',
    line: 13,
    message: /header "Authorization" carries credentials/,
  },
  {
    file: 'header-name-invalid.yaml',
    path: 'monitoring.prometheus.headers["X Scope OrgID"]',
    line: 13,
    message: /"X Scope OrgID" is not a valid HTTP header name/,
  },
  {
    file: 'headers-from-env-not-a-variable-name.yaml',
    path: 'monitoring.prometheus.headersFromEnv["X-Scope-OrgID"]',
    line: 13,
    message: /"team-a" is not an environment variable name/,
  },
  {
    file: 'header-both-literal-and-from-env.yaml',
    path: 'monitoring.prometheus.headers["X-Scope-OrgID"]',
    line: 13,
    message: /set both in `headers` and in `headersFromEnv`/,
  },
  {
    file: 'headers-from-env-authorization-with-auth.yaml',
    path: 'monitoring.prometheus.headersFromEnv.Authorization',
    line: 13,
    message: /would replace the credentials `auth` sends/,
  },
];

async function diagnosticsOf(file: string): Promise<Diagnostic[]> {
  const error: unknown = await loadPlan(`${corpus}${file}`).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, `${file} loaded without error`).toBeInstanceOf(PlanError);
  return (error as PlanError).diagnostics;
}

describe('the malformed corpus', () => {
  test('every file in the corpus has a case, and every case a file', () => {
    const files = readdirSync(corpus).filter((name) => name !== 'many-problems.yaml');
    expect(files.sort()).toEqual(cases.map((each) => each.file).sort());
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  test.each(cases)('$file: $path at line $line', async ({ file, path, line, message, count = 1 }) => {
    const diagnostics = await diagnosticsOf(file);
    expect(diagnostics).toHaveLength(count);
    const [first] = diagnostics;
    expect(first).toMatchObject({ path, line });
    expect(first?.message).toMatch(message);
    expect(first?.file).toBe(`${corpus}${file}`);
    expect(first?.column).toBeGreaterThan(0);
    expect(first?.hint, 'every diagnostic says how to fix it').not.toBe('');
  });

  test('many problems in one file are all reported at once, in file order', async () => {
    const diagnostics = await diagnosticsOf('many-problems.yaml');
    expect(diagnostics.map(({ line, path }) => `${line} ${path}`)).toEqual([
      '2 version',
      '9 target.baseUrl',
      '14 monitoring.pollIntervall',
      '19 bursts[0].duration',
      '28 faults[0].exposedBy',
      '32 faults[0].expect[0].within',
      '33 faults[1].revert',
      '33 faults[1].name',
    ]);
  });
});
