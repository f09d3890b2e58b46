// The read cache each API instance holds (cache-aside). It keeps ready-to-send response bodies,
// so a hit costs one Map lookup. The deps process invalidates keys on every write in all
// instances before it acknowledges the write, so a read after a write never comes from the cache
// and can only show what the replicas hold.
//
// A read that misses takes a ticket before going to the store and may fill the cache only if
// no invalidation happened in between (otherwise a slow read could put back an old value).
//
// "Broken" models an unreachable cache cluster: every call throws. When it comes back it is
// empty, as a restarted cache is, so nothing written while it was down can be served stale.

export class CacheUnavailableError extends Error {
  override name = 'CacheUnavailableError';
}

interface Entry {
  gen: number;
  body: Buffer | undefined;
}

export class ReadCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  #clock = 0;
  #broken = false;

  constructor(maxEntries = 10_000) {
    this.#maxEntries = maxEntries;
  }

  get broken(): boolean {
    return this.#broken;
  }

  setBroken(broken: boolean): void {
    if (this.#broken && !broken) this.#clear();
    this.#broken = broken;
  }

  /** The cached body, or undefined on a miss. Throws when the cache is unavailable. */
  get(key: string): Buffer | undefined {
    this.#check();
    return this.#entries.get(key)?.body;
  }

  /** Call before reading from the store; pass the result to fill(). */
  ticket(key: string): number {
    this.#check();
    let entry = this.#entries.get(key);
    if (!entry) {
      if (this.#entries.size >= this.#maxEntries) this.#clear();
      entry = { gen: ++this.#clock, body: undefined };
      this.#entries.set(key, entry);
    }
    return entry.gen;
  }

  /** Stores `body` unless the key was invalidated since `ticket`. Returns whether it stored. */
  fill(key: string, body: Buffer, ticket: number): boolean {
    this.#check();
    const entry = this.#entries.get(key);
    if (!entry || entry.gen !== ticket) return false;
    entry.body = body;
    return true;
  }

  invalidate(keys: Iterable<string>): void {
    this.#check();
    for (const key of keys) {
      const entry = this.#entries.get(key);
      if (entry) {
        entry.gen = ++this.#clock;
        entry.body = undefined;
      }
    }
  }

  /** Drops everything, including outstanding tickets. Works even when broken (a flush on repair). */
  invalidateAll(): void {
    this.#clear();
  }

  #clear(): void {
    this.#entries.clear();
    this.#clock++;
  }

  #check(): void {
    if (this.#broken) throw new CacheUnavailableError('cache unavailable: connection refused');
  }
}
