// Durations as plans write them, Prometheus style: 500ms, 30s, 5m, 1h, 1d, or combined with the
// largest unit first (1m30s, 2h15m). The pattern lives in the schema so editors and the loader
// agree on what a duration is.

import schema from './plan.schema.json' with { type: 'json' };

const DURATION = new RegExp(schema.definitions.duration.pattern);

const UNIT_SECONDS = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
  ['ms', 0.001],
] as const;

/** Seconds in a duration such as "1m30s"; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  let seconds = 0;
  for (const [index, [, perUnit]] of UNIT_SECONDS.entries()) {
    const amount = match[index + 1];
    if (amount !== undefined) seconds += Number(amount) * perUnit;
  }
  return seconds;
}

/** The shortest duration text for a number of seconds: 90 -> "1m30s", 0.5 -> "500ms". */
export function formatDuration(seconds: number): string {
  let rest = Math.round(seconds * 1000);
  if (rest <= 0) return '0s';
  let text = '';
  for (const [unit, perUnit] of UNIT_SECONDS) {
    const perUnitMs = Math.round(perUnit * 1000);
    const amount = Math.floor(rest / perUnitMs);
    if (amount > 0) {
      text += `${amount}${unit}`;
      rest -= amount * perUnitMs;
    }
  }
  return text;
}
