// `gameday audit`: the alerting rules a team has, checked offline (`--rules FILE…`) or against the
// running stack (`--prometheus URL`, or a plan's `monitoring:` with its credentials). Exit 0 no
// problems, 1 problems found, 2 bad input (an unreadable file, a YAML error, an unreachable
// Prometheus).

import { writeFile } from 'node:fs/promises';
import { auditOnline, auditRuleFiles } from '../audit/audit.ts';
import { type AuditFormat, formatAudit, toAuditJunit } from '../audit/format.ts';
import { problems } from '../audit/model.ts';
import { EXIT, errorMessage, UsageError } from '../errors.ts';
import { monitoringClientOptions } from '../observe/credentials.ts';
import { loadPlan } from '../plan/load.ts';
import { defineCommand } from './command.ts';

const FORMATS: readonly AuditFormat[] = ['table', 'json', 'md'];

export const auditCommand = defineCommand({
  name: 'audit',
  usage:
    'audit (--rules FILE… [--alertmanager-config FILE] [--prometheus-config FILE] | --prometheus URL [--alertmanager URL] | --plan plan.yaml) ' +
    '[--runs DIR] [--runbook-hosts HOST,…] [--format table|json|md] [--junit FILE]',
  summary:
    'audit alerting rules: runbooks, routing, absent(), rate()==0, impossible rules, floors; coverage and untested alerts (exit 0 none, 1 problems, 2 bad input)',
  options: {
    rules: { type: 'string', multiple: true },
    'alertmanager-config': { type: 'string' },
    'prometheus-config': { type: 'string' },
    prometheus: { type: 'string' },
    alertmanager: { type: 'string' },
    plan: { type: 'string' },
    runs: { type: 'string' },
    'runbook-hosts': { type: 'string' },
    format: { type: 'string' },
    junit: { type: 'string' },
  },
  positionals: { min: 0, max: Infinity, what: 'rule files (after --rules)' },
  async run({ values, positionals }, io) {
    const format = (values.format ?? 'table') as AuditFormat;
    if (!FORMATS.includes(format)) throw new UsageError(`gameday audit: --format ${values.format} is not one of ${FORMATS.join(', ')}`);
    // `--rules a.yml b.yml`: the flag's values, then the files after it.
    const ruleFiles = [...((values.rules as unknown as string[] | undefined) ?? []), ...positionals];
    const online = values.prometheus !== undefined || values.plan !== undefined;
    if (positionals.length > 0 && values.rules === undefined) {
      throw new UsageError(`gameday audit: unexpected ${positionals.join(' ')}; name rule files with --rules FILE…`);
    }
    if (ruleFiles.length === 0 && !online)
      throw new UsageError('gameday audit: say what to audit: --rules FILE…, --prometheus URL or --plan plan.yaml');
    if (ruleFiles.length > 0 && online)
      throw new UsageError('gameday audit: audit either rule files (--rules) or a running Prometheus (--prometheus, --plan), not both');

    const runs = values.runs === undefined ? {} : { runs: values.runs };
    let report;
    if (!online) {
      report = await auditRuleFiles({
        ruleFiles,
        ...(values['alertmanager-config'] === undefined ? {} : { alertmanagerConfig: values['alertmanager-config'] }),
        ...(values['prometheus-config'] === undefined ? {} : { prometheusConfig: values['prometheus-config'] }),
        ...runs,
      });
    } else {
      let endpoints;
      if (values.plan !== undefined) {
        endpoints = monitoringClientOptions((await loadPlan(values.plan)).monitoring, io.env);
      } else {
        endpoints = {
          prometheus: { baseUrl: values.prometheus ?? '' },
          ...(values.alertmanager === undefined ? {} : { alertmanager: { baseUrl: values.alertmanager } }),
        };
      }
      const hosts = (values['runbook-hosts'] ?? '')
        .split(',')
        .map((host) => host.trim())
        .filter(Boolean);
      report = await auditOnline({ ...endpoints, ...runs, runbookHosts: hosts });
    }
    io.stdout.write(`${formatAudit(report, format)}\n`);
    if (values.junit !== undefined) {
      try {
        await writeFile(values.junit, toAuditJunit(report));
      } catch (error) {
        throw new UsageError(`gameday audit: cannot write --junit ${values.junit}: ${errorMessage(error)}`, { cause: error });
      }
    }
    return problems(report).length > 0 ? EXIT.expectationsFailed : EXIT.ok;
  },
});
