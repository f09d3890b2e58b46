import { describe, expect, it } from 'vitest';
import { MonitoringError } from '../errors.ts';
import { recorded } from './fixtures/serve.ts';
import { parseMatchers, parseRouteTree, routesFor } from './routes.ts';

// alertmanager-routes.yml as a real Alertmanager 0.25 echoes it in /api/v2/status.
const routesStatus = recorded<{ config: { original: string } }>('alertmanager-status-routes.json');
const demoStatus = recorded<{ config: { original: string } }>('alertmanager-status.json');

describe('routesFor on a recorded route tree', () => {
  const tree = parseRouteTree(routesStatus.config.original);
  const walk = (labels: Record<string, string>) =>
    routesFor(tree, labels).map((route) => ({ receiver: route.receiver, groupWait: route.groupWaitSeconds, path: route.path }));

  it('falls back to the root, with the default group_wait of 30s, when no child matches', () => {
    expect(walk({ alertname: 'Other', severity: 'none' })).toEqual([{ receiver: 'default', groupWait: 30, path: 'route' }]);
  });

  it('takes the first matching child and stops there (matchers)', () => {
    expect(walk({ alertname: 'Watchdog', severity: 'page' })).toEqual([{ receiver: 'watchdog', groupWait: 0, path: 'route.routes[0]' }]);
  });

  it('goes on after a child with continue: true, and a grandchild wins inside it (match, match_re)', () => {
    expect(walk({ alertname: 'DbDown', severity: 'page', service: 'replica-2' })).toEqual([
      { receiver: 'pager-db', groupWait: 2, path: 'route.routes[1].routes[0]' },
      { receiver: 'audit', groupWait: 30, path: 'route.routes[2]' },
    ]);
  });

  it('anchors regexes: "db2" is not "db"', () => {
    expect(walk({ alertname: 'X', severity: 'page', service: 'db2' })).toEqual([
      { receiver: 'pager', groupWait: 5, path: 'route.routes[1]' },
      { receiver: 'audit', groupWait: 30, path: 'route.routes[2]' },
    ]);
  });

  it('applies negative matchers, a missing label counting as empty', () => {
    // team!="infra" excludes the audit route; env!~"dev|test" lets a ticket without env through.
    expect(walk({ alertname: 'X', severity: 'ticket', team: 'infra' })).toEqual([
      { receiver: 'tickets', groupWait: 60, path: 'route.routes[3]' },
    ]);
    expect(walk({ alertname: 'X', severity: 'ticket', team: 'infra', env: 'dev' })).toEqual([
      { receiver: 'default', groupWait: 30, path: 'route' },
    ]);
  });

  it('reads the demo configuration: one root route with group_wait 1s', () => {
    const demo = parseRouteTree(demoStatus.config.original);
    expect(routesFor(demo, { alertname: 'ApiInstancesDown' }).map((route) => [route.receiver, route.groupWaitSeconds])).toEqual([
      ['gameday', 1],
    ]);
  });
});

describe('group_wait inheritance', () => {
  it("a child without group_wait takes its parent's", () => {
    const tree = parseRouteTree(`
route:
  receiver: a
  group_wait: 10s
  routes:
    - receiver: b
      matchers: [team="x"]
      routes:
        - matchers: [severity="page"]
`);
    expect(routesFor(tree, { team: 'x', severity: 'page' }).map((route) => [route.path, route.receiver, route.groupWaitSeconds])).toEqual([
      ['route.routes[0].routes[0]', 'b', 10],
    ]);
  });
});

describe('parseMatchers', () => {
  it('reads quoted, unquoted and braced lists', () => {
    expect(parseMatchers('severity="page"')).toEqual([{ name: 'severity', operator: '=', value: 'page' }]);
    expect(parseMatchers('env=prod')).toEqual([{ name: 'env', operator: '=', value: 'prod' }]);
    expect(parseMatchers('{a=~"x|y", b!="q,r", c!~z}')).toEqual([
      { name: 'a', operator: '=~', value: 'x|y' },
      { name: 'b', operator: '!=', value: 'q,r' },
      { name: 'c', operator: '!~', value: 'z' },
    ]);
    expect(parseMatchers('msg="say \\"hi\\""')).toEqual([{ name: 'msg', operator: '=', value: 'say "hi"' }]);
  });

  it('rejects what it cannot read, naming where', () => {
    expect(() => parseMatchers('=oops', 'route.routes[2].matchers[0]')).toThrow(/route\.routes\[2\]\.matchers\[0\]/);
    expect(() => parseMatchers('a=~"("')).toThrow(MonitoringError);
  });

  it('rejects a configuration without a route or with a bad group_wait', () => {
    expect(() => parseRouteTree('receivers: []')).toThrow(/no route/);
    expect(() => parseRouteTree('route: { receiver: a, group_wait: soon }')).toThrow(/route\.group_wait is "soon"/);
  });
});

describe('group_interval', () => {
  it("is inherited like group_wait, defaults to Alertmanager's 5m, and is read from the recorded demo", () => {
    const tree = parseRouteTree(`
route:
  receiver: a
  routes:
    - receiver: b
      group_interval: 40s
      matchers: [team="x"]
      routes:
        - matchers: [severity="page"]
`);
    expect(routesFor(tree, { team: 'x', severity: 'page' }).map((route) => route.groupIntervalSeconds)).toEqual([40]);
    expect(routesFor(tree, { team: 'y' }).map((route) => route.groupIntervalSeconds)).toEqual([300]);
    const demo = parseRouteTree(demoStatus.config.original);
    expect(routesFor(demo, { alertname: 'ApiInstancesDown' }).map((route) => route.groupIntervalSeconds)).toEqual([5]);
  });

  it('names the field when it is not a duration', () => {
    expect(() => parseRouteTree('route: { receiver: a, group_interval: soon }')).toThrow(/route\.group_interval is "soon"/);
  });
});
