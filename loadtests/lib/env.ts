// Reading the scripts' settings from __ENV (`k6 run -e RATE=…` or the process environment).
// A bad value stops the script in the init context with a message that names the variable,
// what was expected and what was given, so a typo never silently becomes a default.
//
// k6 evaluates a script once per VU (a burst has hundreds): nothing here is built when the module
// loads, and a regular expression is compiled only by the check that needs it (each costs a VU
// ~6 KB; four at load cost a 2000-VU burst ~50 MB, measured with `/usr/bin/time`).

/** A k6 duration: "500ms", "30s", "5m", "1h", "1m30s". A bare number is taken as seconds. */
export type Duration = string;

function raw(name: string): string | undefined {
  const value = __ENV[name];
  if (value === undefined || value.trim() === '') return undefined;
  return value.trim();
}

function invalid(name: string, expected: string, got: string): Error {
  return new Error(`invalid ${name}; reason: expected ${expected}, got ${JSON.stringify(got)}`);
}

export function envString(name: string, fallback: string): string {
  return raw(name) ?? fallback;
}

/** A number greater than zero (rates may be fractional, e.g. 0.5 for one request every 2 s). */
export function envPositiveNumber(name: string, fallback: number): number {
  const value = raw(name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw invalid(name, 'a number greater than 0', value);
  return parsed;
}

/** A whole number of at least 1 (VU counts). */
export function envPositiveInteger(name: string, fallback: number): number {
  const value = raw(name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw invalid(name, 'a whole number of at least 1', value);
  return parsed;
}

export function envDuration(name: string, fallback: Duration): Duration {
  const value = raw(name);
  if (value === undefined) return fallback;
  if (/^\d+(\.\d+)?$/.test(value)) return `${value}s`;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(value)) throw invalid(name, 'a duration such as "30s", "5m" or "1m30s"', value);
  return value;
}

/** An http:// or https:// URL without a trailing slash, so paths can be appended. */
export function envBaseUrl(name: string, fallback: string): string {
  const value = raw(name) ?? fallback;
  // Checked with string operations: every VU of a burst reads its URL.
  const scheme = value.startsWith('http://') ? 7 : value.startsWith('https://') ? 8 : 0;
  const host = value.charAt(scheme);
  if (scheme === 0 || host === '' || host === '/' || host.trim() === '') throw invalid(name, 'an http:// or https:// URL', value);
  let end = value.length;
  while (value.charAt(end - 1) === '/') end--;
  return value.slice(0, end);
}

/**
 * constant-arrival-rate takes an integer `rate` per `timeUnit`. A fractional rate (0.5/s) is
 * expressed per 1000 s, which schedules iteration i at exactly i / rate seconds just the same.
 */
export function arrivalRate(perSecond: number): { rate: number; timeUnit: string } {
  if (Number.isInteger(perSecond)) return { rate: perSecond, timeUnit: '1s' };
  return { rate: Math.round(perSecond * 1000), timeUnit: '1000s' };
}
