// The burst's own requests (a plan's `bursts[].requests`), picked by weight. Pure: shared by
// loadtests/burst.ts and its unit test.

/** A plan's burst request as loaded (verifier/plan/types.ts BurstRequest), restated for k6. */
export interface BurstRequest {
  method: string;
  path: string;
  body?: string | Record<string, unknown> | unknown[] | undefined;
  weight: number;
}

/** A request ready to send: URL and body built once at init, so an iteration only picks one. */
export interface PreparedRequest {
  method: string;
  url: string;
  body: string | null;
  json: boolean;
}

export function prepareRequests(baseUrl: string, requests: readonly BurstRequest[]): PreparedRequest[] {
  return requests.map((request) => ({
    method: request.method,
    url: `${baseUrl.replace(/\/+$/, '')}${request.path}`,
    body: request.body === undefined ? null : typeof request.body === 'string' ? request.body : JSON.stringify(request.body),
    json: request.body !== undefined && typeof request.body !== 'string',
  }));
}

/** Picks an item with probability weight / total for `random` uniform in [0, 1). */
export function weightedPicker<T>(items: readonly T[], weights: readonly number[]): (random: number) => T {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let sum = 0;
  const bounds = weights.map((weight) => (sum += weight / total));
  return (random) => {
    const index = bounds.findIndex((bound) => random < bound);
    return items[index === -1 ? items.length - 1 : index] as T;
  };
}
