// Prometheus rule files read offline (`gameday audit --rules FILE…`): every alerting rule with its
// file, group, line, `for`, labels and annotations. Every problem in every file is collected and
// reported at once, located (file:line:column), as a UsageError: bad input, exit 2.

import { readFile } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { parsePrometheusDuration } from '../alerting/scrape-settings.ts';
import { errorMessage, UsageError } from '../errors.ts';
import type { AuditRule } from './model.ts';

export interface RuleFileDefaults {
  /** Prometheus's global evaluation_interval: a group without `interval` uses it (1m by default). */
  evaluationSeconds: number;
}

export async function readRuleFiles(files: readonly string[], defaults: RuleFileDefaults): Promise<AuditRule[]> {
  const problems: string[] = [];
  const rules: AuditRule[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      problems.push(`${file}: cannot read the rule file: ${errorMessage(error)}`);
      continue;
    }
    rules.push(...parseRuleFile(file, text, defaults, problems));
  }
  if (problems.length > 0) {
    throw new UsageError(
      `the rule files have ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.join('\n')}`,
    );
  }
  return rules;
}

/** The alerting rules of one file's text; problems are pushed, located. */
export function parseRuleFile(file: string, text: string, defaults: RuleFileDefaults, problems: string[]): AuditRule[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (node: YamlNode | null | undefined): string => {
    const offset = node?.range?.[0];
    if (offset === undefined) return file;
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const { line, col } = lines.linePos(error.pos[0]);
      problems.push(`${file}:${line}:${col}: not valid YAML: ${error.message.split('\n')[0]}`);
    }
    return [];
  }
  const groups = isMap(doc.contents) ? doc.contents.get('groups', true) : undefined;
  if (!isSeq(groups)) {
    problems.push(`${at(doc.contents)}: not a Prometheus rule file: expected a top-level \`groups:\` list`);
    return [];
  }
  const rules: AuditRule[] = [];
  for (const [groupIndex, groupNode] of groups.items.entries()) {
    if (!isMap(groupNode)) {
      problems.push(`${at(groupNode as YamlNode)}: groups[${groupIndex}] is not a mapping`);
      continue;
    }
    const group = String(groupNode.get('name') ?? '');
    if (group === '') problems.push(`${at(groupNode)}: groups[${groupIndex}] has no name`);
    const interval = groupNode.get('interval');
    let intervalSeconds = defaults.evaluationSeconds;
    if (interval !== undefined) {
      const seconds = typeof interval === 'string' ? parsePrometheusDuration(interval) : undefined;
      if (seconds === undefined)
        problems.push(
          `${at(groupNode.get('interval', true) as YamlNode)}: interval ${JSON.stringify(interval)} is not a duration (e.g. 30s, 1m)`,
        );
      else intervalSeconds = seconds;
    }
    const list = groupNode.get('rules', true);
    if (!isSeq(list)) {
      problems.push(`${at(groupNode)}: group "${group}" has no \`rules:\` list`);
      continue;
    }
    for (const [ruleIndex, ruleNode] of list.items.entries()) {
      const where = `groups[${groupIndex}].rules[${ruleIndex}]`;
      if (!isMap(ruleNode)) {
        problems.push(`${at(ruleNode as YamlNode)}: ${where} is not a mapping`);
        continue;
      }
      const alert = ruleNode.get('alert');
      if (alert === undefined) continue; // a recording rule
      const expr = ruleNode.get('expr');
      if (typeof alert !== 'string' || alert === '') problems.push(`${at(ruleNode)}: ${where}.alert must be a name`);
      if (typeof expr !== 'string' && typeof expr !== 'number') {
        problems.push(`${at(ruleNode)}: ${where} (alert ${String(alert)}) has no expr`);
        continue;
      }
      const forText = ruleNode.get('for');
      let forSeconds = 0;
      if (forText !== undefined) {
        const seconds = typeof forText === 'string' ? parsePrometheusDuration(forText) : undefined;
        if (seconds === undefined)
          problems.push(
            `${at(ruleNode.get('for', true) as YamlNode)}: ${where}.for ${JSON.stringify(forText)} is not a duration (e.g. 5m)`,
          );
        else forSeconds = seconds;
      }
      rules.push({
        name: String(alert),
        group,
        file,
        line: lines.linePos(ruleNode.range?.[0] ?? 0).line,
        query: String(expr),
        forSeconds,
        intervalSeconds,
        labels: stringMap(ruleNode.get('labels')),
        annotations: stringMap(ruleNode.get('annotations')),
      });
    }
  }
  return rules;
}

function stringMap(node: unknown): Record<string, string> {
  if (!isMap(node)) return {};
  const out: Record<string, string> = {};
  for (const pair of node.items)
    out[String((pair.key as { value?: unknown })?.value ?? pair.key)] = String(
      (pair.value as { value?: unknown })?.value ?? pair.value ?? '',
    );
  return out;
}
