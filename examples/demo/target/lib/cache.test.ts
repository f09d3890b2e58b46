import { describe, expect, it } from 'vitest';
import { CacheUnavailableError, ReadCache } from './cache.ts';

const body = (text: string) => Buffer.from(text);

describe('ReadCache', () => {
  it('fills on a miss and serves the body afterwards', () => {
    const cache = new ReadCache();
    expect(cache.get('k')).toBeUndefined();
    expect(cache.fill('k', body('v1'), cache.ticket('k'))).toBe(true);
    expect(cache.get('k')?.toString()).toBe('v1');
  });

  it('refuses a fill that raced with an invalidation', () => {
    const cache = new ReadCache();
    const ticket = cache.ticket('k');
    cache.invalidate(['k']);
    expect(cache.fill('k', body('old'), ticket)).toBe(false);
    expect(cache.get('k')).toBeUndefined();
  });

  it('refuses a fill that raced with a flush', () => {
    const cache = new ReadCache();
    const ticket = cache.ticket('k');
    cache.invalidateAll();
    cache.ticket('k');
    expect(cache.fill('k', body('old'), ticket)).toBe(false);
  });

  it('throws on every call while broken and comes back empty', () => {
    const cache = new ReadCache();
    cache.fill('k', body('v'), cache.ticket('k'));
    cache.setBroken(true);
    expect(() => cache.get('k')).toThrow(CacheUnavailableError);
    expect(() => cache.ticket('k')).toThrow(CacheUnavailableError);
    expect(() => cache.invalidate(['k'])).toThrow(CacheUnavailableError);
    cache.setBroken(false);
    expect(cache.get('k')).toBeUndefined();
  });

  it('flushes instead of growing past its size', () => {
    const cache = new ReadCache(2);
    cache.fill('a', body('a'), cache.ticket('a'));
    cache.fill('b', body('b'), cache.ticket('b'));
    cache.ticket('c');
    expect(cache.get('a')).toBeUndefined();
  });
});
