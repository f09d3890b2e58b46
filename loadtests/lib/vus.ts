// How many VUs a constant-arrival-rate burst needs. k6 gives each scheduled iteration an idle VU;
// none idle and none left to add means a dropped iteration. VUs busy at once ≈ rate × the time of
// one iteration, so the pool is sized from the target's measured latency, with room for the
// jitter of a shared machine: `vus` are allocated before the start (each costs memory: ~0.4 MiB),
// `maxVus` is the safety margin k6 draws on only when the target slows down mid-burst (up to
// 250 ms per request at the full rate), so a fast target does not pay for a slow one's pool.
//
// Plain code with no k6 imports: loadtests/burst.ts and gameday's runner use the same numbers.

/**
 * Below this, a measured latency is noise: k6's own time per iteration, and a target that slows a
 * little under the burst itself (the demo's, measured idle at 0.3 ms, dropped 0.8 % of a 2000 req/s
 * burst with the 40 VUs a 5 ms floor gave it, while k6 grew its pool).
 */
export const latencyFloorMs = 10;
/** Headroom over the measured latency for bursts of arrivals and a busy machine. */
export const headroom = 4;
export const minVus = 20;
/** What maxVus covers: the full rate at this latency per request. */
export const safetyLatencySeconds = 0.25;

export function burstVus(rate: number, latencyMs: number): { vus: number; maxVus: number } {
  const perIterationSeconds = Math.max(latencyMs, latencyFloorMs) / 1000;
  const vus = Math.max(minVus, Math.ceil(rate * perIterationSeconds * headroom));
  const maxVus = Math.max(vus, Math.ceil(rate * safetyLatencySeconds));
  return { vus, maxVus };
}
