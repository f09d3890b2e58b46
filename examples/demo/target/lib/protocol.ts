// What the supervisor and its child processes say to each other over the Node IPC channel.
// The supervisor owns the desired state of the world and sends all of it on every change; the
// datastore parts it makes real itself (Toxiproxy, Redis: datastore.ts) before telling the
// children, which apply the rest (the write queue) and look again at what changed, so a message
// can be repeated safely.

export interface World {
  /** The replicas' proxies enabled (fault: replicas cut off). */
  replicasReachable: boolean;
  /** Replicas started with --replicaof (fault: restarted without it, a person forgot; silent). */
  replicationRunning: boolean;
  /** Host:port the write-queue client connects to (fault: pointed at a host that does not exist). */
  queueHost: string;
  /** The cache's proxy disabled (fault: cache broken). */
  cacheBroken: boolean;
}

/** What the deps process reports about itself to the API instances. */
export interface DepsHealth {
  replicasHealthy: number;
  queueConnected: boolean;
}

/** Body of POST /internal/notify on the API instances, sent by deps. */
export interface DepsNotice {
  health?: DepsHealth;
}

export type ToChild = { kind: 'apply'; id: number; world: World };

export type FromChild =
  | { kind: 'ready'; port: number }
  | { kind: 'failed'; error: string }
  | { kind: 'applied'; id: number; ok: true; detail?: Record<string, unknown> }
  | { kind: 'applied'; id: number; ok: false; error: string };

/** The environment variable that carries the initial world to a starting child. */
export const WORLD_ENV = 'GAMEDAY_DEMO_WORLD';

export function isToChild(message: unknown): message is ToChild {
  return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'apply';
}

export function isFromChild(message: unknown): message is FromChild {
  const kind = (message as { kind?: unknown } | null)?.kind;
  return kind === 'ready' || kind === 'failed' || kind === 'applied';
}
