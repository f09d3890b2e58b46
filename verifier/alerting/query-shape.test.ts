import { describe, expect, it } from 'vitest';
import { recorded } from './fixtures/serve.ts';
import { parsePrometheusDuration, parseScrapeSettings } from './scrape-settings.ts';
import { queryShape } from './query-shape.ts';

interface RulesAnswer {
  data: { groups: Array<{ rules: Array<{ name: string; query: string }> }> };
}

describe('queryShape on the demo rules as Prometheus reports them', () => {
  const queries = new Map(
    recorded<RulesAnswer>('prometheus-rules.json').data.groups.flatMap((group) =>
      group.rules.map((rule) => [rule.name, rule.query] as const),
    ),
  );
  const shape = (name: string) => queryShape(queries.get(name) ?? `missing rule ${name}`);

  it.each([
    ['Watchdog', { jobs: [], pushedMetrics: [], absentOverTimeSeconds: 0, absentOnPushed: false }],
    ['ApiInstancesDown', { jobs: ['demo-api'], pushedMetrics: [], absentOverTimeSeconds: 0, absentOnPushed: false }],
    ['TraceSuccessAbsent', { jobs: [], pushedMetrics: ['k6_trace_success_total'], absentOverTimeSeconds: 10, absentOnPushed: false }],
    ['CacheErrors', { jobs: ['demo-api'], pushedMetrics: [], absentOverTimeSeconds: 0, absentOnPushed: false }],
    ['HighErrorRate', { jobs: ['demo-api'], pushedMetrics: [], absentOverTimeSeconds: 0, absentOnPushed: false }],
  ])('%s', (name, expected) => {
    expect(shape(name)).toEqual(expected);
  });
});

describe('queryShape edge cases', () => {
  it('takes the outer range of a subquery and the longest of several windows', () => {
    expect(queryShape('absent_over_time(rate(x[1m])[5m:30s]) or absent_over_time(y{job="a"}[90s])').absentOverTimeSeconds).toBe(300);
  });

  it('flags absent() over pushed series, but not absent() over scraped ones or absent_over_time', () => {
    expect(queryShape('absent(k6_http_reqs_total{expected_response="true"})').absentOnPushed).toBe(true);
    expect(queryShape('absent(up{job="api"})').absentOnPushed).toBe(false);
    expect(queryShape('absent_over_time(k6_http_reqs_total[1m])').absentOnPushed).toBe(false);
  });

  it('reads job equality matchers only, not regex or negative ones, nor job= inside strings or comments', () => {
    expect(queryShape('up{job="a"} == 0 or up{job =~ "b"} or up{job!="c"} or up{ job = \'d\' }').jobs).toEqual(['a', 'd']);
    expect(queryShape('label_replace(up{instance="x"}, "foo", "job=\\"z\\"", "", "") # job="y"').jobs).toEqual([]);
    expect(queryShape('my_job="x"').jobs).toEqual([]);
  });

  it('finds k6 metrics by name, not inside label values', () => {
    expect(queryShape('sum(rate(k6_http_reqs_total{scenario="k6_trace"}[1m]))').pushedMetrics).toEqual(['k6_http_reqs_total']);
    expect(queryShape('up{job="k6_runner"}').pushedMetrics).toEqual([]);
  });
});

describe('parseScrapeSettings on the recorded /api/v1/status/config', () => {
  const yaml = recorded<{ data: { yaml: string } }>('prometheus-config.json').data.yaml;

  it('reads the global and per-job scrape intervals', () => {
    const settings = parseScrapeSettings(yaml);
    expect(settings.globalScrapeSeconds).toBe(1);
    expect(Object.fromEntries(settings.jobScrapeSeconds)).toEqual({ 'demo-gateway': 1, 'demo-api': 1, 'demo-deps': 1, gameday: 1 });
    expect(settings.externalLabels).toEqual({});
  });

  it('fills a job without scrape_interval from global, and global from the 1m default', () => {
    const settings = parseScrapeSettings(`
global: { scrape_interval: 15s, external_labels: { cluster: eu-1 } }
scrape_configs:
  - { job_name: a }
  - { job_name: b, scrape_interval: 1m30s }
`);
    expect(Object.fromEntries(settings.jobScrapeSeconds)).toEqual({ a: 15, b: 90 });
    expect(settings.externalLabels).toEqual({ cluster: 'eu-1' });
    expect(parseScrapeSettings('scrape_configs: []').globalScrapeSeconds).toBe(60);
  });

  it('parses Prometheus durations', () => {
    expect([
      parsePrometheusDuration('500ms'),
      parsePrometheusDuration('1m30s'),
      parsePrometheusDuration('1w'),
      parsePrometheusDuration('2h'),
    ]).toEqual([0.5, 90, 604_800, 7200]);
    expect(parsePrometheusDuration('')).toBeUndefined();
    expect(parsePrometheusDuration('5 minutes')).toBeUndefined();
  });
});
