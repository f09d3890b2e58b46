import { describe, expect, it } from 'vitest';
import { CapacityConfigError, parseCapacityConfig, TokenBucket, watchCapacityFile } from './capacity.ts';

describe('parseCapacityConfig', () => {
  it('reads the per-instance limit', () => {
    expect(parseCapacityConfig('{"maxRequestsPerSecondPerInstance": 5000}', 'c.json')).toEqual({ maxRequestsPerSecondPerInstance: 5000 });
  });

  it('says what is wrong with a bad file', () => {
    expect(() => parseCapacityConfig('{"maxRequestsPerSecondPerInstance": "5000"}', 'c.json')).toThrow(
      'invalid capacity config c.json; reason: expected "maxRequestsPerSecondPerInstance" to be a positive number, got "5000"',
    );
    expect(() => parseCapacityConfig('{"maxRequests', 'c.json')).toThrow(CapacityConfigError);
  });
});

describe('TokenBucket', () => {
  it('allows a second of traffic at once, then the configured rate', () => {
    let now = 0;
    const bucket = new TokenBucket(50, () => now);
    const admitted = () => Array.from({ length: 1000 }, () => bucket.take()).filter(Boolean).length;
    expect(admitted()).toBe(50);
    now += 100; // 100 ms refill 5 tokens
    expect(admitted()).toBe(5);
  });

  it('admits a trickle under a tiny limit', () => {
    let now = 0;
    const bucket = new TokenBucket(50, () => now);
    for (let i = 0; i < 100; i++) {
      now += 333;
      expect(bucket.take()).toBe(true);
    }
  });

  it('starts full after a new rate', () => {
    const now = 0;
    const bucket = new TokenBucket(1, () => now);
    bucket.take();
    expect(bucket.take()).toBe(false);
    bucket.setRate(5000);
    expect(bucket.take()).toBe(true);
  });
});

describe('watchCapacityFile', () => {
  it('reports changes and keeps the last good config through a half-written file', async () => {
    const contents = ['{"maxRequestsPerSecondPerInstance": 5000}'];
    const seen: number[] = [];
    const errors: string[] = [];
    const watch = await watchCapacityFile('capacity.json', (c) => seen.push(c.maxRequestsPerSecondPerInstance), {
      intervalMs: 5,
      read: async () => contents[0] as string,
      onError: (e) => errors.push(e.message),
    });
    try {
      contents[0] = '{"maxRequestsPerSecond';
      await until(() => errors.length > 0);
      contents[0] = '{"maxRequestsPerSecondPerInstance": 50}';
      await until(() => seen.length === 2);
      expect(seen).toEqual([5000, 50]);
      expect(errors[0]).toMatch(/^invalid capacity config capacity.json; reason: expected JSON/);
    } finally {
      watch.stop();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
