// `revert: responders` and its `restore`: what loads, and the located errors for what does not.

import { describe, expect, test } from 'vitest';
import { formatDiagnostics, PlanError } from './diagnostics.ts';
import { parsePlan } from './load.ts';

function plan(fault: string[], journeys = true): string {
  return [
    'version: 1',
    'name: p',
    'window: { duration: 4m }',
    'target: { baseUrl: http://127.0.0.1:18080 }',
    'monitoring:',
    '  prometheus: { url: http://127.0.0.1:19090 }',
    '  alertmanager: { url: http://127.0.0.1:19093 }',
    ...(journeys ? ['trace:', '  journeys:', '    - name: checkout', '      steps: [{ path: /checkout }]'] : []),
    'faults:',
    '  - name: f',
    '    at: 0s',
    '    duration: 20s',
    '    maxDuration: 1m',
    '    inject: { exec: { command: [bash, x.sh] } }',
    ...fault.map((line) => `    ${line}`),
    '    expect:',
    '      - alert: A',
    '        within: 5s',
  ].join('\n');
}

function problems(text: string): string {
  try {
    parsePlan(text, 'plan.yaml');
  } catch (error) {
    if (error instanceof PlanError) return formatDiagnostics(error.diagnostics);
    throw error;
  }
  return '';
}

describe('revert: responders', () => {
  test('alone: 5 consecutive iterations of the whole trace, and nothing to revert with', () => {
    const [fault] = parsePlan(plan(['revert: responders']), 'plan.yaml').faults;
    expect(fault?.revert).toBe('none');
    expect(fault?.restore).toEqual({ consecutive: 5 });
  });

  test('with a restore block: its journeys and count, and the fallback is the revert', () => {
    const text = plan([
      'revert: responders',
      'restore:',
      '  consecutive: 3',
      '  journeys: [checkout]',
      '  fallback: { exec: { command: [bash, mend.sh] } }',
    ]);
    const [fault] = parsePlan(text, 'plan.yaml').faults;
    const fallback = { kind: 'exec', command: ['bash', 'mend.sh'] };
    expect(fault?.restore).toMatchObject({ consecutive: 3, journeys: ['checkout'], fallback });
    expect(fault?.revert).toMatchObject(fallback);
  });

  test('restore without revert: responders is refused where it is written', () => {
    expect(problems(plan(['revert: none', 'restore: { consecutive: 3 }']))).toBe(
      'plan.yaml:19:14 faults[0].restore: `restore` without `revert: responders`; write `revert: responders` for a fault the team restores, or remove `restore` (gameday reverts this fault itself)',
    );
  });

  test('a journey the trace does not have is named, with the closest one', () => {
    expect(problems(plan(['revert: responders', 'restore: { journeys: [chekout] }']))).toBe(
      'plan.yaml:19:27 faults[0].restore.journeys[0]: no journey is named "chekout"; did you mean "checkout"?',
    );
    expect(problems(plan(['revert: responders', 'restore: { journeys: [checkout] }'], false))).toMatch(
      /faults\[0\]\.restore\.journeys\[0\]: no journey is named "checkout"; name one of trace\.journeys \(the trace has none/,
    );
  });

  test('a count below 1 and an unknown key are schema errors at their place', () => {
    expect(problems(plan(['revert: responders', 'restore: { consecutive: 0 }']))).toMatch(
      /^plan\.yaml:19:\d+ faults\[0\]\.restore\.consecutive: /,
    );
    expect(problems(plan(['revert: responders', 'restore: { fallbak: { exec: { command: [x] } } }']))).toMatch(
      /^plan\.yaml:19:\d+ faults\[0\]\.restore\.fallbak: unknown key `fallbak`/,
    );
  });
});
