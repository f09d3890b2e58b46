import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../analyze/index.ts';
import { demoJournal } from '../analyze/testing/demo-journal.ts';
import { parseJournal } from '../analyze/testing/journal-builder.ts';
import { toJunit } from './junit.ts';
import { type ReportJson, toReportJson } from './report-json.ts';
import { parseXml, type XmlElement } from './testing/xml.ts';

const demoReport = () => toReportJson(analyzeRun(demoJournal()));
const recorded = () =>
  toReportJson(analyzeRun(parseJournal(readFileSync(new URL('./fixtures/demo-run-1.journal.jsonl', import.meta.url), 'utf8'))));

const children = (element: XmlElement, name: string) => element.children.filter((child) => child.name === name);

/** What Jenkins' JUnit plugin, GitLab and the GitHub test reporters read, checked element by element. */
function expectJunitShape(xml: string): { suite: XmlElement; cases: XmlElement[] } {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const root = parseXml(xml);
  expect(root.name).toBe('testsuites');
  const [suite, ...more] = children(root, 'testsuite');
  expect(more).toEqual([]);
  if (!suite) throw new Error('no testsuite');
  const cases = children(suite, 'testcase');
  const count = (kind: string) => cases.filter((c) => children(c, kind).length > 0).length;
  for (const element of [root, suite]) {
    expect(element.attributes.tests).toBe(String(cases.length));
    expect(element.attributes.failures).toBe(String(count('failure')));
    expect(element.attributes.errors).toBe(String(count('error')));
    expect(element.attributes.skipped).toBe(String(count('skipped')));
    expect(element.attributes.time).toMatch(/^\d+\.\d{3}$/);
  }
  // ISO 8601 without a zone: the form the JUnit XSD's xs:dateTime pattern in Jenkins accepts.
  expect(suite.attributes.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  expect(suite.attributes.name).toBeTruthy();
  for (const testcase of cases) {
    expect(Object.keys(testcase.attributes).sort()).toEqual(['classname', 'name', 'time']);
    expect(testcase.attributes.time).toMatch(/^\d+\.\d{3}$/);
    const outcomes = testcase.children.filter((c) => ['failure', 'error', 'skipped'].includes(c.name));
    expect(outcomes.length).toBeLessThanOrEqual(1);
    for (const outcome of outcomes) expect(outcome.attributes.message).toBeTruthy();
    for (const failure of [...children(testcase, 'failure'), ...children(testcase, 'error')]) expect(failure.attributes.type).toBeTruthy();
  }
  return { suite, cases };
}

describe('toJunit', () => {
  it('has one test case per fault and expectation, with the verdict as the outcome', () => {
    const report = demoReport();
    const { suite, cases } = expectJunitShape(toJunit(report));
    expect(suite.attributes.name).toBe('gameday demo');
    expect(
      cases.map((c) => [c.attributes.classname, c.attributes.name, c.children.find((o) => o.name !== 'system-out')?.name ?? 'passed']),
    ).toEqual([
      ['gameday.demo.kill-primary', 'PrimaryDown{role="primary"} fires within 30 s', 'passed'],
      ['gameday.demo.cut-replica', 'ReplicaLag fires within 60 s', 'failure'],
      ['gameday.demo.break-cache', 'CacheErrors fires within 30 s', 'failure'],
      ['gameday.demo.queue-unreachable', 'QueueUnreachable fires within 45 s', 'error'],
      ['gameday.demo.pool-typo', 'PoolExhausted fires within 30 s', 'passed'],
    ]);
  });

  it('says why a case failed, and times it by the detection latency', () => {
    const { cases } = expectJunitShape(toJunit(demoReport()));
    const byFault = (fault: string) => cases.find((c) => c.attributes.classname === `gameday.demo.${fault}`);
    const late = byFault('cut-replica');
    expect(late?.attributes.time).toBe('75.118');
    expect(children(late as XmlElement, 'failure')[0]?.attributes).toEqual({
      message: 'late: fired after 75.118 s, target 60 s',
      type: 'late',
    });
    const missed = children(byFault('break-cache') as XmlElement, 'failure')[0];
    expect(missed?.attributes.type).toBe('missed');
    expect(missed?.attributes.message).toMatch(/^missed: never fired while the fault was in place/);
    const error = children(byFault('queue-unreachable') as XmlElement, 'error')[0];
    expect(error?.attributes.message).toBe('not tested: the fault was not injected (iptables: exit code 4: permission denied)');
    expect(children(byFault('kill-primary') as XmlElement, 'system-out')[0]?.text).toContain('firing after: 15.218 s');
  });

  it('skips an inconclusive expectation with its reason', () => {
    const report = demoReport();
    const expectation = report.faults[0]?.expectations[0];
    if (!expectation) throw new Error('no expectation');
    Object.assign(expectation, {
      verdict: 'inconclusive',
      inconclusive: [
        { cause: 'alertmanager-unreachable', from: null, to: null, detail: 'Alertmanager did not answer from 02:01:03Z to 02:02:10Z' },
      ],
    });
    const { cases } = expectJunitShape(toJunit(report));
    const skipped = children(cases[0] as XmlElement, 'skipped')[0];
    expect(skipped?.attributes.message).toBe('inconclusive: Alertmanager did not answer from 02:01:03Z to 02:02:10Z');
  });

  it('escapes what it cannot write as is, and drops what XML cannot carry', () => {
    const report: ReportJson = demoReport();
    report.plan.name = 'a<b>&"c"';
    const fault = report.faults[1] as ReportJson['faults'][number];
    fault.name = "x'y";
    (fault.expectations[0] as ReportJson['faults'][number]['expectations'][number]).notes = ['bell \u0007 and\nnewline <tag>'];
    const { suite, cases } = expectJunitShape(toJunit(report));
    expect(suite.attributes.name).toBe('gameday a<b>&"c"');
    expect(cases[1]?.attributes.classname).toBe(`gameday.a<b>&"c".x'y`);
    expect(children(cases[1] as XmlElement, 'system-out')[0]?.text).toContain('note: bell  and\nnewline <tag>');
  });

  it('reads a recorded demo run', () => {
    const report = recorded();
    const { cases } = expectJunitShape(toJunit(report));
    expect(cases).toHaveLength(report.summary.expectations);
    expect(cases.filter((c) => c.children.every((o) => o.name === 'system-out'))).toHaveLength(report.summary.verdicts.detected);
  });

  it('rejects XML that is not well-formed (the checker itself)', () => {
    expect(() => parseXml('<a><b></a>')).toThrow('</a> closes <b>');
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow('duplicate attribute');
    expect(() => parseXml('<a>fish & chips</a>')).toThrow('a bare &');
    expect(() => parseXml('<a/><b/>')).toThrow('content after the root element');
  });
});
