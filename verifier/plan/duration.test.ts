import { describe, expect, test } from 'vitest';
import { formatDuration, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  test.each([
    ['500ms', 0.5],
    ['0s', 0],
    ['30s', 30],
    ['5m', 300],
    ['1h', 3600],
    ['1d', 86_400],
    ['1m30s', 90],
    ['2h15m', 8100],
    ['1h0m1s250ms', 3601.25],
    ['90s', 90],
  ])('%s is %f seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  test.each([['30'], [''], ['-5s'], ['1.5m'], ['30s1m'], ['5 m'], ['5M'], ['1w'], ['s'], ['ms'], ['1m1m'], [' 5s']])(
    '%j is not a duration',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('formatDuration', () => {
  test.each([
    [0, '0s'],
    [0.5, '500ms'],
    [30, '30s'],
    [90, '1m30s'],
    [240, '4m'],
    [3601.25, '1h1s250ms'],
    [90_061, '1d1h1m1s'],
  ])('%f seconds read %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  test('parses back to the same number of seconds', () => {
    for (const seconds of [0.001, 1, 59.999, 61, 3600, 86_399.5]) {
      expect(parseDuration(formatDuration(seconds))).toBeCloseTo(seconds, 6);
    }
  });
});
