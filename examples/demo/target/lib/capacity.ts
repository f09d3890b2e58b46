// Admission control of an API instance: a token bucket sized from capacity.json, which the
// instance re-reads about twice a second (ops edit the file in place, as with any config that
// "hot reloads"). A typo such as 50 for 5000 changes nothing at a few requests per second and
// sheds almost all of a real burst.

import { readFile } from 'node:fs/promises';

export interface CapacityConfig {
  maxRequestsPerSecondPerInstance: number;
}

export class CapacityConfigError extends Error {
  override name = 'CapacityConfigError';
}

export function parseCapacityConfig(text: string, source: string): CapacityConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new CapacityConfigError(`invalid capacity config ${source}; reason: expected JSON, got ${JSON.stringify(text.slice(0, 40))}`, {
      cause,
    });
  }
  const limit = (data as { maxRequestsPerSecondPerInstance?: unknown } | null)?.maxRequestsPerSecondPerInstance;
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0) {
    throw new CapacityConfigError(
      `invalid capacity config ${source}; reason: expected "maxRequestsPerSecondPerInstance" to be a positive number, got ${JSON.stringify(limit)}`,
    );
  }
  return { maxRequestsPerSecondPerInstance: limit };
}

/** Allows `rate` requests per second on average, and bursts of up to one second's worth. */
export class TokenBucket {
  readonly #now: () => number;
  #rate: number;
  #tokens: number;
  #last: number;

  constructor(ratePerSecond: number, now: () => number = () => performance.now()) {
    this.#now = now;
    this.#rate = ratePerSecond;
    this.#tokens = ratePerSecond;
    this.#last = now();
  }

  get rate(): number {
    return this.#rate;
  }

  /** A new limit starts with a full bucket, as a freshly configured limiter does. */
  setRate(ratePerSecond: number): void {
    this.#rate = ratePerSecond;
    this.#tokens = ratePerSecond;
    this.#last = this.#now();
  }

  take(): boolean {
    const now = this.#now();
    this.#tokens = Math.min(this.#rate, this.#tokens + ((now - this.#last) * this.#rate) / 1000);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

export interface CapacityWatchOptions {
  intervalMs?: number;
  read?: (path: string) => Promise<string>;
  onError?: (error: Error) => void;
}

/**
 * Calls `onChange` with the config now and whenever the file's content changes. A file that is
 * half-written or invalid keeps the last good config (reported once through `onError`).
 */
export async function watchCapacityFile(
  path: string,
  onChange: (config: CapacityConfig) => void,
  options: CapacityWatchOptions = {},
): Promise<{ stop(): void }> {
  const read = options.read ?? ((p: string) => readFile(p, 'utf8'));
  const onError = options.onError ?? ((e: Error) => process.stderr.write(`${e.message}\n`));
  let lastText = await read(path);
  onChange(parseCapacityConfig(lastText, path));
  let lastError = '';
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const text = await read(path);
      if (text === lastText) return;
      const config = parseCapacityConfig(text, path);
      lastText = text;
      lastError = '';
      onChange(config);
    } catch (error) {
      const e = error as Error;
      if (e.message !== lastError) onError(e);
      lastError = e.message;
    } finally {
      busy = false;
    }
  }, options.intervalMs ?? 500);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
