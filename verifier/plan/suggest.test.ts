import { describe, expect, test } from 'vitest';
import { closest, editDistance } from './suggest.ts';

describe('editDistance', () => {
  test.each([
    ['', '', 0],
    ['duration', 'duration', 0],
    ['durration', 'duration', 1],
    ['PSOT', 'POST', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s -> %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closest', () => {
  const keys = ['duration', 'baselineTimeout', 'grace'];

  test('suggests the nearest candidate for a likely typo', () => {
    expect(closest('durration', keys)).toBe('duration');
    expect(closest('baseline_timeout', keys)).toBe('baselineTimeout');
    expect(closest('Grace', keys)).toBe('grace');
    expect(closest('capacity-brust', ['capacity-burst', 'cache-burst'])).toBe('capacity-burst');
  });

  test('suggests nothing when no candidate is near', () => {
    expect(closest('priority', keys)).toBeUndefined();
    expect(closest('x', [])).toBeUndefined();
  });
});
