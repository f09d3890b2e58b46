import { describe, expect, it } from 'vitest';
import { ReplicatedStore, seedEntries } from './store.ts';

describe('ReplicatedStore', () => {
  it('serves seeded keys from the replicas and unknown keys as not found', () => {
    const store = new ReplicatedStore(2);
    store.seed(seedEntries());
    expect(store.read('burst-99')).toEqual({ source: 'replica', found: expect.objectContaining({ value: 'seed-burst-99' }) });
    expect(store.read('trace-19').found?.value).toBe('seed-trace-19');
    expect(store.read('nope').found).toBeUndefined();
  });

  it('replicates every write at once while replication runs', () => {
    const store = new ReplicatedStore(2);
    expect(store.write('k', 'v1')).toEqual({ created: true, seq: 1 });
    expect(store.write('k', 'v2')).toEqual({ created: false, seq: 2 });
    expect([store.read('k').found?.value, store.read('k').found?.value]).toEqual(['v2', 'v2']);
    expect(store.pendingReplication).toBe(0);
  });

  it('keeps serving old values from the replicas while replication is stopped, then catches up', () => {
    const store = new ReplicatedStore(2);
    store.seed([['trace-1', 'old']]);
    expect(store.setReplicationRunning(false)).toEqual([]);
    store.write('trace-1', 'new');
    store.write('fresh', 'x');
    // both replicas: stale value, and no sign of trouble
    expect([store.read('trace-1'), store.read('trace-1')].map((r) => [r.source, r.found?.value])).toEqual([
      ['replica', 'old'],
      ['replica', 'old'],
    ]);
    expect(store.read('fresh').found).toBeUndefined();
    expect(store.replicasHealthy).toBe(2);
    expect(store.pendingReplication).toBe(2);

    expect(store.setReplicationRunning(true).sort()).toEqual(['fresh', 'trace-1']);
    expect([store.read('trace-1').found?.value, store.read('trace-1').found?.value]).toEqual(['new', 'new']);
    expect(store.pendingReplication).toBe(0);
  });

  it('reads from the primary while replicas are cut off, and they catch up when reachable again', () => {
    const store = new ReplicatedStore(2);
    store.seed([['k', 'old']]);
    store.setReplicasReachable(false);
    expect(store.replicasHealthy).toBe(0);
    store.write('k', 'new');
    expect(store.read('k')).toEqual({ source: 'primary', found: expect.objectContaining({ value: 'new' }) });
    expect(store.setReplicasReachable(true)).toEqual(['k']);
    expect(store.read('k')).toEqual({ source: 'replica', found: expect.objectContaining({ value: 'new' }) });
  });

  it('does not catch up while the replicas are reachable but replication is still stopped', () => {
    const store = new ReplicatedStore(1);
    store.setReplicationRunning(false);
    store.setReplicasReachable(false);
    store.write('k', 'v');
    expect(store.setReplicasReachable(true)).toEqual([]);
    expect(store.read('k').found).toBeUndefined();
  });
});
