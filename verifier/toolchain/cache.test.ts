import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolCacheDir } from './index.ts';

describe('toolCacheDir', () => {
  it('is per user and shared by every project: GAMEDAY_CACHE_DIR, then XDG_CACHE_HOME/gameday, then ~/.cache/gameday', () => {
    expect(toolCacheDir({ GAMEDAY_CACHE_DIR: '/srv/cache', XDG_CACHE_HOME: '/x', HOME: '/home/sre' })).toBe('/srv/cache');
    expect(toolCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/home/sre' })).toBe(join('/x', 'gameday'));
    expect(toolCacheDir({ HOME: '/home/sre' })).toBe(join('/home/sre', '.cache', 'gameday'));
  });

  it('resolves a relative override against the working directory', () => {
    expect(toolCacheDir({ GAMEDAY_CACHE_DIR: 'cache' })).toBe(join(process.cwd(), 'cache'));
  });
});
