// The simulated database: one primary and its replicas, with an ordered replication log.
// Writes always land on the primary. While replication runs and the replicas are reachable,
// every write is applied to them at once; otherwise they fall behind and catch up from the log
// when both are true again. Nothing here reports whether replication runs: that is the point of
// the silent fault, where a person forgot to start it and every dashboard stays green.

export interface StoredValue {
  readonly value: string;
  /** Sequence number of the write that produced this value. */
  readonly seq: number;
}

export type ReadSource = 'replica' | 'primary';

export interface ReadResult {
  source: ReadSource;
  found: StoredValue | undefined;
}

export interface WriteResult {
  created: boolean;
  seq: number;
}

interface Replica {
  readonly data: Map<string, StoredValue>;
  appliedSeq: number;
}

interface LogEntry {
  readonly seq: number;
  readonly key: string;
  readonly stored: StoredValue;
}

export class ReplicatedStore {
  readonly #primary = new Map<string, StoredValue>();
  readonly #replicas: Replica[];
  #log: LogEntry[] = [];
  #seq = 0;
  #replicationRunning = true;
  #replicasReachable = true;
  #nextReplica = 0;

  constructor(replicaCount = 2) {
    this.#replicas = Array.from({ length: replicaCount }, () => ({ data: new Map(), appliedSeq: 0 }));
  }

  /** Initial data, present on the primary and every replica, as if restored from a snapshot. */
  seed(entries: Iterable<readonly [string, string]>): void {
    for (const [key, value] of entries) {
      const stored = { value, seq: ++this.#seq };
      this.#primary.set(key, stored);
      for (const replica of this.#replicas) {
        replica.data.set(key, stored);
        replica.appliedSeq = this.#seq;
      }
    }
  }

  write(key: string, value: string): WriteResult {
    const created = !this.#primary.has(key);
    const stored = { value, seq: ++this.#seq };
    this.#primary.set(key, stored);
    this.#log.push({ seq: stored.seq, key, stored });
    this.#replicate();
    return { created, seq: stored.seq };
  }

  /** Reads from a reachable replica (round robin), else from the primary. */
  read(key: string): ReadResult {
    if (this.#replicasReachable && this.#replicas.length > 0) {
      const replica = this.#replicas[this.#nextReplica++ % this.#replicas.length] as Replica;
      return { source: 'replica', found: replica.data.get(key) };
    }
    return { source: 'primary', found: this.#primary.get(key) };
  }

  get replicasHealthy(): number {
    return this.#replicasReachable ? this.#replicas.length : 0;
  }

  get replicationRunning(): boolean {
    return this.#replicationRunning;
  }

  get replicasReachable(): boolean {
    return this.#replicasReachable;
  }

  /** Returns the keys the replicas received while catching up (their caches must be dropped). */
  setReplicationRunning(running: boolean): string[] {
    this.#replicationRunning = running;
    return this.#replicate();
  }

  /** Returns the keys the replicas received while catching up. */
  setReplicasReachable(reachable: boolean): string[] {
    this.#replicasReachable = reachable;
    return this.#replicate();
  }

  /** How many writes the slowest replica has not applied yet (for tests, never exported). */
  get pendingReplication(): number {
    const oldest = Math.min(...this.#replicas.map((r) => r.appliedSeq));
    return this.#log.filter((e) => e.seq > oldest).length;
  }

  #replicate(): string[] {
    if (!this.#replicationRunning || !this.#replicasReachable) return [];
    const keys = new Set<string>();
    for (const replica of this.#replicas) {
      for (const entry of this.#log) {
        if (entry.seq <= replica.appliedSeq) continue;
        replica.data.set(entry.key, entry.stored);
        replica.appliedSeq = entry.seq;
        keys.add(entry.key);
      }
    }
    // Every replica is now current, so the log can be emptied.
    this.#log = [];
    return [...keys];
  }
}

/** The keys the demo serves from the start: the burst reads burst-0..99, the trace writes trace-0..19. */
export function seedEntries(): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  for (let i = 0; i < 100; i++) entries.push([`burst-${i}`, `seed-burst-${i}`]);
  for (let i = 0; i < 20; i++) entries.push([`trace-${i}`, `seed-trace-${i}`]);
  return entries;
}
