import { describe, expect, it } from 'vitest';
import { alignColumns, formatSeconds, formatSelector } from './format.ts';

describe('formatSeconds', () => {
  it.each([
    [null, '—'],
    [30, '30 s'],
    [12.4, '12.4 s'],
    [15.218, '15.218 s'],
    [30.04, '30.04 s'],
    [0, '0 s'],
    [-3.2, '-3.2 s'],
    [100, '100 s'],
  ])('%s → %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});

describe('formatSelector', () => {
  it('writes matchers as PromQL does, sorted, without the alertname', () => {
    expect(formatSelector('Down', { role: 'primary', alertname: 'Down', az: 'b' })).toBe('Down{az="b", role="primary"}');
    expect(formatSelector('Down', {})).toBe('Down');
  });
});

describe('alignColumns', () => {
  it('pads to the widest cell, right-aligns numbers, leaves no trailing spaces', () => {
    expect(
      alignColumns(
        [
          ['A', 'NUMBER', 'Z'],
          ['long name', '1 s', 'x'],
          ['b', '12.25 s', ''],
        ],
        new Set([1]),
      ),
    ).toEqual(['A           NUMBER  Z', 'long name      1 s  x', 'b          12.25 s']);
  });

  it('counts — as one column', () => {
    expect(
      alignColumns([
        ['—', 'x'],
        ['ab', 'y'],
      ]),
    ).toEqual(['—   x', 'ab  y']);
  });
});
