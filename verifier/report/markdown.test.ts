import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../analyze/index.ts';
import { demoJournal } from '../analyze/testing/demo-journal.ts';
import { expectAlert, faultSpec, JournalBuilder, testPlan } from '../analyze/testing/journal-builder.ts';
import { toMarkdown } from './markdown.ts';
import { toReportJson } from './report-json.ts';
import { docsHref, linkDocs, runbookHref } from './runbook-link.ts';

const links = { reportDir: '/repo/runs/demo-20261123T020000Z', planDir: '/repo', docsDir: '/repo/docs' };

describe('toMarkdown', () => {
  it('renders the demo run', () => {
    expect(toMarkdown(toReportJson(analyzeRun(demoJournal())), links)).toMatchInlineSnapshot(`
      "# Game day: demo — run demo-20261123T020000Z

      **2 of 5 expectations detected in time (1 late, 1 missed, 1 not injected)**

      - Run: completed, 2026-11-23T01:59:30.000Z → 2026-11-23T02:11:02.000Z
      - Window: 2026-11-23T02:00:00.000Z → 2026-11-23T02:10:00.000Z (times below are UTC)
      - Plan: \`/repo/examples/demo/plan.yaml\`

      ## Detection

      | fault | alert | target | pending | firing | notified | verdict | runbook |
      | --- | --- | ---: | ---: | ---: | ---: | --- | --- |
      | kill-primary | \`PrimaryDown{role="primary"}\` | 30 s | 5.218 s | 15.218 s | 16.4 s | ✅ detected | [runbook](../../examples/demo/runbooks/primary-down.md) |
      | cut-replica | \`ReplicaLag\` | 60 s | 60.118 s | 75.118 s | — | ⚠️ late | [runbook](../../examples/demo/runbooks/replica-lag.md) |
      | break-cache | \`CacheErrors\` | 30 s | — | — | — | ❌ missed | — |
      | queue-unreachable | \`QueueUnreachable\` | 45 s | — | — | — | ⛔ not injected | — |
      | pool-typo | \`PoolExhausted\` | 30 s | 5.418 s | 5.418 s | 6.5 s | ✅ detected | [runbook](https://runbooks.example.com/pool-exhausted) |

      Seconds from the moment the fault was in place (pool-typo from the start of burst peak, which exposes it). **pending**: the rule first saw the condition (\`activeAt\`); **firing**: the alert fired (Alertmanager \`startsAt\`, the detection latency); **notified**: the webhook arrived.

      ### Notes

      - cut-replica / ReplicaLag: no webhook notification carried this firing
      - queue-unreachable: injection failed: iptables: exit code 4: permission denied
      - pool-typo / PoolExhausted: resolved 44.682 s before the revert, while the fault was still in place

      ## The team's clock

      Seconds from the injection (restore also from the first alert firing): detect is the first expected alert firing; acknowledge the first silence created during the fault that mutes its alert, or a \`gameday mark … acknowledged\`; restore the team marking or the trace seeing the service restored, else the revert.

      | fault | detect | acknowledge | restore | restore from first alert | sources |
      |---|---|---|---|---|---|
      | kill-primary | 15.218 s (alert) | — | 119.9 s (revert) | 104.682 s (revert) | detect: PrimaryDown firing (alertmanager-api); restore: scheduled revert (exec) |
      | cut-replica | 75.118 s (alert) | — | 59.9 s (revert) | — | detect: ReplicaLag firing (ALERTS); restore: scheduled revert (exec) |
      | break-cache | — | — | 60.1 s (revert) | — | restore: scheduled revert (exec) |
      | pool-typo | 35.218 s (alert) | — | 99.9 s (revert) | 64.682 s (revert) | detect: PoolExhausted firing (alertmanager-api); restore: scheduled revert (exec) |

      ## Recovery and delivery

      | fault | alert | after the revert | resolved after revert | notification | after firing |
      | --- | --- | --- | ---: | --- | ---: |
      | kill-primary | \`PrimaryDown{role="primary"}\` | resolved | 10.318 s | on time | 1.182 s |
      | cut-replica | \`ReplicaLag\` | resolved | 35.218 s | suppressed by grouping | — |
      | break-cache | \`CacheErrors\` | did not fire | — | — | — |
      | pool-typo | \`PoolExhausted\` | resolved before the revert | −44.682 s | on time | 1.082 s |

      **resolved after revert**: from the revert to the evaluation that no longer saw the alert (negative: it stopped while the fault was in place). **notification**: whether the webhook came within \`group_wait\` of firing; grouping delays or suppresses notifications of alerts that join an existing aggregation group ([why](../../docs/detection-time.md#grouping)), which is not the rule being slow.

      - cut-replica / ReplicaLag: no webhook came: the alert fired and resolved 20 s later, within one group_interval 300 s (Alertmanager's configuration was not read: its defaults assumed). When its aggregation group already existed, Alertmanager found nothing firing at the next tick and sent nothing (see [docs/detection-time.md#grouping](../../docs/detection-time.md#grouping)): grouping, not the rule

      ## Where the seconds went

      | fault | alert | firing | floor–worst | fault → pending | pending → firing | firing → notified | sources (pending / firing / notified / resolved) |
      | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |
      | kill-primary | \`PrimaryDown{role="primary"}\` | 15.218 s | — | — | — | — | ALERTS / alertmanager-api / webhook / ALERTS |
      | cut-replica | \`ReplicaLag\` | 75.118 s | — | — | — | — | ALERTS / ALERTS / — / ALERTS |
      | break-cache | \`CacheErrors\` | — | — | — | — | — | — / — / — / — |
      | pool-typo | \`PoolExhausted\` | 5.418 s | — | — | — | — | ALERTS / alertmanager-api / webhook / ALERTS |

      Measured seconds with, in brackets, what the configuration allows ([how](../../docs/detection-time.md#bounds)): **fault → pending**, the condition reaching a scrape and an evaluation (plus any absence window); **pending → firing**, \`for\` rounded up to whole evaluations; **firing → notified**, \`group_wait\`. **floor–worst**: the fastest and slowest the alert can fire. **sources**: \`ALERTS\` is Prometheus's own record (exact evaluation timestamps); \`prometheus-api\` / \`alertmanager-api\` are polls; \`webhook\` is Alertmanager's notification.

      ## Impact and time to restore

      The trace sends requests for the whole window. Per fault, from injection to revert + grace: failed requests, and latency against the p95 before the first fault. A fault whose p95 exceeds the baseline p95 × the factor (\`impact.latencyFactor\`) counts as impact while requests stay that slow.

      | fault | requests | failed | first failure | latency p50 / p95 / max | baseline p95 ×factor | impact | restored | restored after revert |
      | --- | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: |
      | kill-primary | 180 | 121 | 02:01:02Z | — | — | 121 s (failures) | 02:03:03Z | 3.15 s |
      | cut-replica | 119 | 0 | — | — | — | 0 s | — | — |
      | break-cache | 90 | 0 | — | — | — | 0 s | — | — |
      | pool-typo | 160 | 16 | 02:08:01Z | — | — | 16 s (failures) | 02:08:17Z | 0 s |

      Whole window: 600 requests, 137 failed, 77.2 % success.

      Users saw failures during 2 of 5 faults, 137 s in all; the slowest restore took 3.15 s after the revert (kill-primary).

      ## Timeline

      - 02:00:00Z (t+0.0 s) window started
      - 02:01:00Z (t+60.2 s) **kill-primary** injected
      - 02:01:02Z (t+62.3 s) kill-primary: first failed trace request
      - 02:01:05Z (t+65.4 s) \`PrimaryDown{role="primary"}\` pending (+5.218 s)
      - 02:01:15Z (t+75.4 s) \`PrimaryDown{role="primary"}\` firing (+15.218 s, target 30 s: detected)
      - 02:01:16Z (t+76.6 s) \`PrimaryDown{role="primary"}\` notification received (+16.4 s)
      - 02:03:00Z (t+180.1 s) **kill-primary** reverted
      - 02:03:03Z (t+183.3 s) kill-primary: trace succeeding again
      - 02:03:10Z (t+190.4 s) \`PrimaryDown{role="primary"}\` resolved (10.318 s after the revert)
      - 02:04:00Z (t+240.3 s) **cut-replica** injected
      - 02:05:00Z (t+300.2 s) **cut-replica** reverted
      - 02:05:00Z (t+300.4 s) \`ReplicaLag\` pending (+60.118 s)
      - 02:05:15Z (t+315.4 s) \`ReplicaLag\` firing (+75.118 s, target 60 s: late)
      - 02:05:35Z (t+335.4 s) \`ReplicaLag\` resolved (35.218 s after the revert)
      - 02:06:00Z (t+360.1 s) **break-cache** injected
      - 02:06:10Z (t+370.4 s) unexpected \`HighLatency{route="/api/orders", severity="ticket"}\` fired
      - 02:07:00Z (t+420.2 s) **break-cache** reverted
      - 02:07:30Z (t+450.2 s) **pool-typo** injected
      - 02:08:00Z (t+480.0 s) burst peak started (2000/s)
      - 02:08:01Z (t+481.3 s) pool-typo: first failed trace request
      - 02:08:05Z (t+485.4 s) \`PoolExhausted\` pending (+5.418 s)
      - 02:08:05Z (t+485.4 s) \`PoolExhausted\` firing (+5.418 s, target 30 s: detected)
      - 02:08:06Z (t+486.5 s) \`PoolExhausted\` notification received (+6.5 s)
      - 02:08:17Z (t+497.3 s) pool-typo: trace succeeding again
      - 02:08:25Z (t+505.4 s) \`PoolExhausted\` resolved (44.682 s before the revert)
      - 02:09:01Z (t+541.0 s) burst peak ended (1987.4/s achieved)
      - 02:09:10Z (t+550.1 s) **pool-typo** reverted
      - 02:10:00Z (t+600.0 s) window ended (grace included)

      ## Follow-ups

      - [ ] cut-replica / \`ReplicaLag\`: fired after 75.118 s, target 60 s: shorten the rule's \`for\`, window or scrape interval, or agree on a longer target
      - [ ] break-cache / \`CacheErrors\`: never fired while the fault was in place: does \`CacheErrors\`'s expression see this failure?
      - [ ] queue-unreachable / \`QueueUnreachable\`: not tested: the injection failed (iptables: exit code 4: permission denied)
      - [ ] \`HighLatency{route="/api/orders", severity="ticket"}\` fired during break-cache and no expectation names it: expected collateral (add it to the plan) or noise (tune the rule)

      ## Bursts

      | burst | requested | achieved | dropped | p95 | outcome |
      | --- | --- | ---: | ---: | ---: | --- |
      | peak | 2000/s for 60 s | 1987.4/s | 756 (0.6 %) | 212.7 ms | completed |

      ## Unexpected alerts

      Alerts in the window that match no expectation: collateral damage worth a line, or noise. **during faults**: an alert counts as during a fault when one of its episodes overlaps the fault's span from injection to revert (the grace after the revert does not count).

      | alert | episodes | first started | fired | during faults |
      | --- | ---: | --- | --- | --- |
      | \`HighLatency{route="/api/orders", severity="ticket"}\` | 1 | 02:06:10Z | yes | break-cache |

      ## Runbooks

      - \`PrimaryDown\`: [examples/demo/runbooks/primary-down.md](../../examples/demo/runbooks/primary-down.md)
      - \`ReplicaLag\`: [examples/demo/runbooks/replica-lag.md](../../examples/demo/runbooks/replica-lag.md)
      - \`PoolExhausted\`: [https://runbooks.example.com/pool-exhausted](https://runbooks.example.com/pool-exhausted)

      ## Monitoring health

      - Clock: Prometheus's clock was not read; its timestamps are taken as they are.
      - Blind intervals: none found in what was recorded.

      ## Evidence

      - Prometheus's own record (\`ALERTS\`, \`ALERTS_FOR_STATE\`): reconciled after the window
      - Polls: Prometheus 4, Alertmanager 2; webhooks received: 2
      - Failed observations: none
      "
    `);
  });

  it('renders a run that crashed, with pre-existing alerts and no Prometheus record', () => {
    const plan = testPlan({
      name: 'crash',
      faults: [faultSpec('kill-primary', { expect: [expectAlert('PrimaryDown', 30, { role: 'primary' })] })],
    });
    const primary = { alertname: 'PrimaryDown', role: 'primary' };
    const journal = new JournalBuilder(plan, 'crash-1')
      .windowStarted(0)
      .prometheusPoll(1, [{ labels: primary, activeAt: -10, state: 'firing' }])
      .injected('kill-primary', 60)
      .prometheusPoll(100, [])
      .prometheusPoll(131, [{ labels: primary, activeAt: 130, state: 'pending' }])
      .alertmanagerPoll(141, [{ labels: primary, startsAt: 140 }]);
    expect(toMarkdown(toReportJson(analyzeRun(journal.build())), links)).toMatchInlineSnapshot(`
      "# Game day: crash — run crash-1

      **0 of 1 expectation detected in time (1 inconclusive)**

      - Run: incomplete, 2026-11-23T01:59:30.000Z → no end recorded
      - Window: 2026-11-23T02:00:00.000Z → — (times below are UTC)
      - Plan: \`/repo/examples/demo/plan.yaml\`

      > The journal has no end: gameday stopped, or could not write any more of it, before the run finished. Figures cover what was recorded.

      ## Detection

      | fault | alert | target | pending | firing | notified | verdict | runbook |
      | --- | --- | ---: | ---: | ---: | ---: | --- | --- |
      | kill-primary | \`PrimaryDown{role="primary"}\` | 30 s | 70 s | 80 s | — | ❔ inconclusive | — |

      Seconds from the moment the fault was in place. **pending**: the rule first saw the condition (\`activeAt\`); **firing**: the alert fired (Alertmanager \`startsAt\`, the detection latency); **notified**: the webhook arrived.

      ### Notes

      - kill-primary: never reverted: alerts are counted to the end of the record
      - kill-primary / PrimaryDown: PrimaryDown{role="primary"} was already firing at injection (since 2026-11-23T01:59:50.000Z): not counted as a detection
      - kill-primary / PrimaryDown: measured alone this would be late (the alert fired after 80 s), but the verdict cannot be trusted: PrimaryDown{role="primary"} was already active at injection (since 2026-11-23T01:59:50.000Z) and still active when the target passed: a new episode could not start, so whether this fault would fire it cannot be told

      ## The team's clock

      Seconds from the injection (restore also from the first alert firing): detect is the first expected alert firing; acknowledge the first silence created during the fault that mutes its alert, or a \`gameday mark … acknowledged\`; restore the team marking or the trace seeing the service restored, else the revert.

      | fault | detect | acknowledge | restore | restore from first alert | sources |
      |---|---|---|---|---|---|
      | kill-primary | 80 s (alert) | — | — | — | detect: PrimaryDown firing (alertmanager-api) |

      ## Recovery and delivery

      | fault | alert | after the revert | resolved after revert | notification | after firing |
      | --- | --- | --- | ---: | --- | ---: |
      | kill-primary | \`PrimaryDown{role="primary"}\` | fault never reverted | — | not observed | — |

      **resolved after revert**: from the revert to the evaluation that no longer saw the alert (negative: it stopped while the fault was in place). **notification**: whether the webhook came within \`group_wait\` of firing; grouping delays or suppresses notifications of alerts that join an existing aggregation group ([why](../../docs/detection-time.md#grouping)), which is not the rule being slow.

      - kill-primary / PrimaryDown: the record ends before a notification was due (group_wait 30 s after firing)

      ## Where the seconds went

      | fault | alert | firing | floor–worst | fault → pending | pending → firing | firing → notified | sources (pending / firing / notified / resolved) |
      | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |
      | kill-primary | \`PrimaryDown{role="primary"}\` | 80 s | — | — | — | — | prometheus-api / alertmanager-api / — / — |

      Measured seconds with, in brackets, what the configuration allows ([how](../../docs/detection-time.md#bounds)): **fault → pending**, the condition reaching a scrape and an evaluation (plus any absence window); **pending → firing**, \`for\` rounded up to whole evaluations; **firing → notified**, \`group_wait\`. **floor–worst**: the fastest and slowest the alert can fire. **sources**: \`ALERTS\` is Prometheus's own record (exact evaluation timestamps); \`prometheus-api\` / \`alertmanager-api\` are polls; \`webhook\` is Alertmanager's notification.

      ## Impact and time to restore

      The trace sends requests for the whole window. Per fault, from injection to revert + grace: failed requests, and latency against the p95 before the first fault. A fault whose p95 exceeds the baseline p95 × the factor (\`impact.latencyFactor\`) counts as impact while requests stay that slow.

      | fault | requests | failed | first failure | latency p50 / p95 / max | baseline p95 ×factor | impact | restored | restored after revert |
      | --- | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: |
      | kill-primary | 0 | 0 | — | — | — | — | — | — |

      Whole window: 0 requests, 0 failed, — success.

      The trace recorded no request during the faults: their impact is unknown.

      ## Timeline

      - 02:00:00Z (t+0.0 s) window started
      - 02:01:00Z (t+60.0 s) **kill-primary** injected
      - 02:02:10Z (t+130.0 s) \`PrimaryDown{role="primary"}\` pending (+70 s)
      - 02:02:20Z (t+140.0 s) \`PrimaryDown{role="primary"}\` firing (+80 s, target 30 s: inconclusive)

      ## Follow-ups

      - [ ] kill-primary / \`PrimaryDown{role="primary"}\`: could not be judged (PrimaryDown{role="primary"} was already active at injection (since 2026-11-23T01:59:50.000Z) and still active when the target passed: a new episode could not start, so whether this fault would fire it cannot be told): start from a clean baseline (the alert resolved) and run this fault again

      ## Unexpected alerts

      None: every alert in the window was expected (or the watchdog).

      ## Monitoring health

      - Clock: Prometheus's clock was not read; its timestamps are taken as they are.
      - Blind intervals: none found in what was recorded.

      ## Evidence

      - Prometheus's own record (\`ALERTS\`, \`ALERTS_FOR_STATE\`): **not recorded**; figures come from the polls
      - Polls: Prometheus 3, Alertmanager 1; webhooks received: 0
      - Failed observations: none
      "
    `);
  });
});

describe('runbookHref', () => {
  it.each([
    { url: 'https://runbooks.example.com/x', href: 'https://runbooks.example.com/x' },
    { url: 'examples/demo/runbooks/x.md', href: '../../examples/demo/runbooks/x.md' },
    { url: 'examples/demo/runbooks/x.md#first-steps', href: '../../examples/demo/runbooks/x.md#first-steps' },
    { url: 'docs/run books/x (old).md', href: '../../docs/run%20books/x%20%28old%29.md' },
    { url: '/srv/runbooks/x.md', href: '../../../srv/runbooks/x.md' },
  ])('$url → $href', ({ url, href }) => {
    expect(runbookHref(url, links)).toBe(href);
  });
});

describe('docsHref', () => {
  it('links a docs page and anchor from the run folder', () => {
    expect(docsHref(links, 'detection-time.md#grouping')).toBe('../../docs/detection-time.md#grouping');
  });

  it('makes the docs pages a message names into links, and leaves other paths alone', () => {
    expect(linkDocs('grouping (see docs/detection-time.md#grouping); not my/docs/x.md', links)).toBe(
      'grouping (see [docs/detection-time.md#grouping](../../docs/detection-time.md#grouping)); not my/docs/x.md',
    );
  });
});
