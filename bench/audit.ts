// The audit case of `npm run bench`: `gameday audit` over 500 alerting rules read offline (a rule
// file, prometheus.yml and alertmanager.yml written to a temporary folder), every check run, the
// table rendered. The bar: under 2 s. Prints the median of five runs and PASS/FAIL.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditRuleFiles } from '../verifier/audit/audit.ts';
import { formatAudit } from '../verifier/audit/format.ts';

const RULES = 500;
const LIMIT_MS = 2000;
const RUNS = 5;

/** Rules of the shapes teams write, with and without runbooks, some with the problems the audit finds. */
function ruleFile(count: number): string {
  const shapes = [
    (i: number) =>
      `sum(rate(http_requests_total{job="svc-${i % 40}", code=~"5.."}[5m])) / sum(rate(http_requests_total{job="svc-${i % 40}"}[5m])) > 0.05`,
    (i: number) => `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="svc-${i % 40}"}[5m]))) > 1`,
    (i: number) => `up{job="svc-${i % 40}"} == 0`,
    (i: number) => `increase(errors_total{job="svc-${i % 40}"}[10m]) > 5`,
    (i: number) => `avg_over_time(queue_depth{job="svc-${i % 40}"}[15m]) > 100`,
    (i: number) => `absent(up{job="svc-${i % 40}"})`,
    (i: number) => `sum(rate(orders_total{job="svc-${i % 40}"}[10m])) == 0`,
    (i: number) => `absent_over_time(k6_trace_success_total{scenario="journey-${i % 5}"}[2m])`,
  ];
  const rules = Array.from({ length: count }, (_, i) => {
    const runbook = i % 7 === 0 ? '' : `\n        annotations: { runbook_url: 'https://runbooks.example.com/r${i}' }`;
    return `      - alert: Rule${i}\n        expr: '${(shapes[i % shapes.length] as (i: number) => string)(i)}'\n        for: ${(i % 5) + 1}m\n        labels: { severity: ${i % 3 === 0 ? 'page' : 'ticket'}, team: t${i % 4} }${runbook}`;
  });
  const groups = [];
  for (let start = 0; start < rules.length; start += 25) {
    groups.push(`  - name: group-${start / 25}\n    interval: 30s\n    rules:\n${rules.slice(start, start + 25).join('\n')}`);
  }
  return `groups:\n${groups.join('\n')}\n`;
}

/** `npm run bench -- audit`: prints the figure and PASS/FAIL; exit code 1 on FAIL. */
export async function runAuditCase(): Promise<number> {
  const { text, pass } = await runAuditBench();
  process.stdout.write(`${text}\n`);
  return pass ? 0 : 1;
}

export async function runAuditBench(): Promise<{ text: string; pass: boolean }> {
  const dir = await mkdtemp(join(tmpdir(), 'gameday-bench-audit-'));
  try {
    const ruleFiles = [join(dir, 'rules.yml')];
    await writeFile(ruleFiles[0] as string, ruleFile(RULES));
    await writeFile(join(dir, 'prometheus.yml'), 'global: { scrape_interval: 15s, evaluation_interval: 30s }\n');
    await writeFile(
      join(dir, 'alertmanager.yml'),
      "route:\n  receiver: oncall\n  routes:\n    - { matchers: ['team=\"t3\"'], receiver: nowhere }\nreceivers:\n  - { name: oncall, webhook_configs: [{ url: 'http://127.0.0.1:9/hook' }] }\n  - { name: nowhere }\n",
    );
    const options = { ruleFiles, prometheusConfig: join(dir, 'prometheus.yml'), alertmanagerConfig: join(dir, 'alertmanager.yml') };
    const times: number[] = [];
    let findings = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const report = await auditRuleFiles(options);
      formatAudit(report, 'table');
      times.push(performance.now() - started);
      findings = report.findings.length;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? Number.NaN;
    const pass = median < LIMIT_MS;
    const text =
      `audit: ${RULES} rules offline, ${findings} findings: median ${median.toFixed(0)} ms of ${RUNS} runs ` +
      `(fastest ${times[0]?.toFixed(0)} ms, slowest ${times.at(-1)?.toFixed(0)} ms); limit ${LIMIT_MS} ms: ${pass ? 'PASS' : 'FAIL'}`;
    return { text, pass };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
