// The target's latency for one read, measured just before a burst starts, to size the burst's
// VU pool (loadtests/lib/vus.ts): a fast target gets a small pool (less memory, less CPU), a slow
// or stalled one the full safety margin.

import { httpRequest } from '../http.ts';

export interface LatencyProbe {
  /** The 90th percentile of the reads that answered, or the probe's whole budget if none did. */
  latencyMs: number;
  answered: number;
  sent: number;
}

export interface ProbeOptions {
  url: string;
  /** Reads to send one after the other. */
  samples?: number;
  /** For the whole probe: a stalled target costs at most this much of the burst's start. */
  budgetMs?: number;
  now?: () => number;
  get?: (url: string, timeoutMs: number) => Promise<unknown>;
}

export async function probeLatency(options: ProbeOptions): Promise<LatencyProbe> {
  const samples = options.samples ?? 20;
  const budgetMs = options.budgetMs ?? 500;
  const now = options.now ?? (() => performance.now());
  const get = options.get ?? ((url: string, timeoutMs: number) => httpRequest({ url, timeoutMs }));
  const started = now();
  const durations: number[] = [];
  let sent = 0;
  while (sent < samples) {
    const left = budgetMs - (now() - started);
    if (left <= 0) break;
    sent += 1;
    const before = now();
    try {
      // Any status is an answer: a 404 or 500 took as long as the target takes.
      await get(options.url, Math.max(1, Math.ceil(left)));
      durations.push(now() - before);
    } catch {
      // No answer within the budget: the target is at least that slow.
      break;
    }
  }
  if (durations.length === 0) return { latencyMs: budgetMs, answered: 0, sent };
  durations.sort((a, b) => a - b);
  const p90 = durations[Math.min(durations.length - 1, Math.ceil(durations.length * 0.9) - 1)] as number;
  return { latencyMs: Math.round(p90 * 1000) / 1000, answered: durations.length, sent };
}
