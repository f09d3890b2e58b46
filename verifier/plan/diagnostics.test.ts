import { describe, expect, test } from 'vitest';
import { type Diagnostic, formatDiagnostics, PlanError } from './diagnostics.ts';
import { parsePlan } from './load.ts';

const at = (line: number, column: number, path: string, message: string, hint: string): Diagnostic => ({
  file: 'plan.yaml',
  line,
  column,
  path,
  message,
  hint,
});

describe('formatDiagnostics', () => {
  test('one line per diagnostic: file:line:column path: message; hint', () => {
    expect(
      formatDiagnostics([
        at(12, 7, 'faults[2].expect[0].within', '"-5s" is not a duration', 'write a positive duration such as 30s'),
        at(1, 1, '', 'the plan is empty', 'start with `version: 1`'),
        { ...at(0, 0, '', 'plan file not found', 'check the path'), file: 'missing.yaml' },
        at(3, 1, 'name', 'something odd', ''),
      ]),
    ).toBe(
      [
        'plan.yaml:12:7 faults[2].expect[0].within: "-5s" is not a duration; write a positive duration such as 30s',
        'plan.yaml:1:1: the plan is empty; start with `version: 1`',
        'missing.yaml: plan file not found; check the path',
        'plan.yaml:3:1 name: something odd',
      ].join('\n'),
    );
  });

  test('formats what the loader reports on a real plan', () => {
    const text = [
      'version: 1',
      'name: demo',
      'window: { duration: 4m }',
      'target: { baseUrl: http://127.0.0.1:18080 }',
      'monitoring:',
      '  prometheus: { url: http://127.0.0.1:19090 }',
      '  alertmanager: { url: http://127.0.0.1:19093 }',
      'faults:',
      '  - name: f',
      '    at: 0s',
      '    duration: 20s',
      '    inject: { exec: { command: [bash, x.sh] } }',
      '    revert: none',
      '    expect:',
      '      - alert: A',
      '        within: -5s',
    ].join('\n');
    let diagnostics: Diagnostic[] = [];
    try {
      parsePlan(text, 'plan.yaml');
    } catch (error) {
      if (error instanceof PlanError) diagnostics = error.diagnostics;
    }
    expect(formatDiagnostics(diagnostics)).toBe(
      'plan.yaml:16:17 faults[0].expect[0].within: "-5s" is not a duration; write a positive duration such as 30s',
    );
  });

  test('nothing to format is the empty string', () => {
    expect(formatDiagnostics([])).toBe('');
  });
});
