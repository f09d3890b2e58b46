// The checks `gameday audit` runs on each alerting rule by itself: whether its PromQL parses, can
// ever be true, waits out the lookback, goes blind when its series vanishes, fires on a restart;
// whether it names a runbook that exists; and its detection floor and worst case, as `gameday
// check` computes them. Pure but for `exists`, which looks for a runbook file.

import { isAbsolute, join, dirname } from 'node:path';
import { formatDuration } from '../plan/duration.ts';
import { neverTrue } from '../alerting/never-true.ts';
import { COMPARISONS, type Expr, parsePromQL, walk } from '../alerting/promql.ts';
import { queryShape } from '../alerting/query-shape.ts';
import { ruleBounds } from '../alerting/rule-bounds.ts';
import { scrapeInterval, type ScrapeSettingsRead } from '../alerting/scrape-interval.ts';
import type { AuditFinding, AuditRule } from './model.ts';

export interface RuleCheckContext {
  scrape: ScrapeSettingsRead;
  /** Whether a file exists (runbook paths). */
  exists(path: string): Promise<boolean>;
  /** The working directory: runbook paths may be relative to it (the repository root) too. */
  cwd: string;
}

export async function checkRule(rule: AuditRule, context: RuleCheckContext): Promise<AuditFinding[]> {
  const at = { alert: rule.name, group: rule.group, file: rule.file, ...(rule.line === undefined ? {} : { line: rule.line }) };
  const findings: AuditFinding[] = [];
  const add = (finding: Omit<AuditFinding, 'alert' | 'group' | 'file' | 'line'>) => findings.push({ ...at, ...finding });

  const runbook = await runbookProblem(rule, context);
  if (runbook) add({ check: 'runbook', ...runbook });

  const parsed = parsePromQL(rule.query);
  if (!parsed.ok) {
    add({
      check: 'syntax',
      severity: 'error',
      message: `the expression does not parse: ${parsed.error}`,
      hint: 'fix the expression (promtool check rules shows the same)',
    });
    return findings;
  }
  const never = neverTrue(rule.query);
  if (never !== undefined) {
    add({
      check: 'impossible',
      severity: 'error',
      message: `the expression can never return a sample, so the alert can never fire: ${never}`,
      hint: 'fix the comparison (an alert fires for every sample its expression returns)',
    });
    return findings;
  }

  const shape = queryShape(rule.query);
  const scrape = scrapeInterval(shape, context.scrape);
  const absents = calls(parsed.expr, 'absent');
  if (absents.length > 0 && shape.absentOnPushed) {
    add({
      check: 'absent-lookback',
      severity: 'warning',
      message: `${absents[0]?.text} reads a series k6 sends by remote write, which carries no stale markers: absent() sees it vanish only after the 5m lookback`,
      hint: `use absent_over_time(…[1m]) instead: it fires once no sample arrived for that long`,
    });
  } else if (absents.length > 0 && rule.forSeconds < 2 * scrape.seconds) {
    add({
      check: 'absent-for',
      severity: 'warning',
      message: `${absents[0]?.text} with for ${formatDuration(rule.forSeconds)}, under twice the scrape interval (2 × ${formatDuration(scrape.seconds)}, ${scrape.source}): a restart or one missed scrape makes it fire`,
      hint: `set for to at least ${formatDuration(2 * scrape.seconds)}${scrape.caveat ? ` (${scrape.caveat})` : ''}`,
    });
  }

  const blind = rateZero(parsed.expr);
  if (blind !== undefined) {
    add({
      check: 'rate-zero',
      severity: 'warning',
      message: `${blind} cannot fire when the series disappears (a crashed target, a renamed metric): there is then no rate to compare`,
      hint: 'add a fallback for the vanished series, e.g. `… or absent_over_time(metric[5m])`, or alert on the absence of success',
    });
  }

  const bounds = ruleBounds(rule, context.scrape);
  const { chain, times } = bounds;
  const stretches = [
    `scrape ${formatDuration(chain.scrapeSeconds)} (${bounds.scrapeSource})`,
    `eval ${formatDuration(chain.evalSeconds)}`,
    `for ${formatDuration(chain.forSeconds)}`,
    ...(chain.windowSeconds > 0 ? [`window ${formatDuration(chain.windowSeconds)}`] : []),
    ...bounds.rangeWindows.map((window) => window.what),
  ];
  add({
    check: 'floor',
    severity: 'info',
    message: `fires ${formatDuration(times.bestFiringSeconds)}–${formatDuration(times.worstFiringSeconds)} after a fault: ${stretches.join(', ')}${bounds.caveat ? `; ${bounds.caveat}` : ''}`,
    hint: '',
  });
  return findings;
}

async function runbookProblem(
  rule: AuditRule,
  context: RuleCheckContext,
): Promise<Pick<AuditFinding, 'severity' | 'message' | 'hint'> | undefined> {
  const url = rule.annotations.runbook_url?.trim() ?? '';
  if (url === '') {
    return {
      severity: 'warning',
      message: 'no runbook_url annotation: whoever is paged has no playbook',
      hint: 'add annotations.runbook_url: a page that says what the alert means and what to do',
    };
  }
  if (url.includes('{{') || /^https?:\/\//i.test(url) || (/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('file:'))) return undefined;
  const path = url.startsWith('file://') ? decodeURI(url.slice('file://'.length)) : (url.split('#')[0] ?? url);
  const candidates = isAbsolute(path) ? [path] : [join(dirname(rule.file), path), join(context.cwd, path)];
  for (const candidate of candidates) if (await context.exists(candidate)) return undefined;
  return {
    severity: 'error',
    message: `runbook_url ${url} points to a file that does not exist (looked in ${candidates.join(', ')})`,
    hint: 'fix the path (relative to the rule file or to the repository root) or write the runbook',
  };
}

/** The calls of `fn` in the expression. */
function calls(expr: Expr, fn: string): Array<Expr & { kind: 'call' }> {
  const found: Array<Expr & { kind: 'call' }> = [];
  walk(expr, (node) => {
    if (node.kind === 'call' && node.fn === fn) found.push(node);
  });
  return found;
}

const COUNTING = new Set(['rate', 'irate', 'increase']);
const PASS_THROUGH = new Set(['sum', 'avg', 'min', 'max']);

/** `rate(x[w]) == 0` (or `<= 0`, `< c`) with nothing that fires when the series is gone; its text. */
function rateZero(expr: Expr): string | undefined {
  let hasFallback = false;
  let found: string | undefined;
  walk(expr, (node) => {
    if (node.kind === 'call' && (node.fn === 'absent' || node.fn === 'absent_over_time')) hasFallback = true;
    if (node.kind === 'binary' && node.op === 'or' && calls(node.right, 'vector').length > 0) hasFallback = true;
    if (node.kind !== 'binary' || !COMPARISONS.has(node.op) || node.bool || node.right.kind !== 'number') return;
    const low = (node.op === '==' || node.op === '<=') && node.right.value === 0 ? true : node.op === '<' && node.right.value > 0;
    if (!low) return;
    let tested: Expr | undefined = node.left;
    while (tested?.kind === 'aggregate' && PASS_THROUGH.has(tested.op)) tested = tested.args.at(-1);
    if (tested?.kind === 'call' && COUNTING.has(tested.fn)) found ??= node.text;
  });
  return hasFallback ? undefined : found;
}
