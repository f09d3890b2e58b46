// What an alert rule's PromQL says about its detection time, read with a few patterns rather than
// a PromQL parser: which scrape jobs it reads, whether it reads k6 series that arrive by remote
// write, and how long an absence window it waits.

import { parsePrometheusDuration } from './scrape-settings.ts';

export interface QueryShape {
  /** Values of `job="…"` equality matchers, in order of appearance, without repeats. */
  jobs: string[];
  /** k6 metrics the query reads (`k6_…`): pushed by k6's remote write, never scraped. */
  pushedMetrics: string[];
  /** The longest W of an `absent_over_time(…[W])`, in seconds; 0 when there is none. */
  absentOverTimeSeconds: number;
  /** `absent(…)` over a pushed k6 series: without stale markers it waits the 5-minute lookback. */
  absentOnPushed: boolean;
}

/** Prometheus's `--query.lookback-delta` default: how long a series without stale markers stays visible. */
export const LOOKBACK_SECONDS = 300;

export function queryShape(query: string): QueryShape {
  const code = blankStringsAndComments(query);
  // A `job=` inside a string literal (label_replace's arguments) is not a matcher: keep only hits in code.
  const jobs = unique(
    [...query.matchAll(/(?<![\w])job\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|`([^`]*)`)/g)]
      .filter((match) => code.startsWith('job', match.index))
      .map((match) => match[1] ?? match[2] ?? match[3] ?? ''),
  );
  const pushedMetrics = unique([...code.matchAll(/(?<![\w:])k6_[\w:]*/g)].map((m) => m[0]));

  let absentOverTimeSeconds = 0;
  for (const argument of callArguments(code, 'absent_over_time')) {
    const ranges = [...argument.matchAll(/\[\s*([0-9a-z.]+)\s*(?::[^\]]*)?\]/g)];
    const last = ranges.at(-1)?.[1];
    const seconds = last === undefined ? undefined : rangeSeconds(last);
    if (seconds !== undefined) absentOverTimeSeconds = Math.max(absentOverTimeSeconds, seconds);
  }
  const absentOnPushed = callArguments(code, 'absent').some((argument) => /(?<![\w:])k6_/.test(argument));

  return { jobs, pushedMetrics, absentOverTimeSeconds, absentOnPushed };
}

/** The text between the parentheses of every call of `fn` (not of longer names like `fn_over_time`). */
function callArguments(code: string, fn: string): string[] {
  const out: string[] = [];
  for (const match of code.matchAll(new RegExp(`(?<![\\w:])${fn}\\s*\\(`, 'g'))) {
    const open = match.index + match[0].length - 1;
    let depth = 0;
    for (let i = open; i < code.length; i++) {
      if (code[i] === '(') depth++;
      else if (code[i] === ')' && --depth === 0) {
        out.push(code.slice(open + 1, i));
        break;
      }
    }
  }
  return out;
}

/** PromQL ranges are durations ("5m", "1m30s"); Prometheus 3 also takes plain seconds ("300"). */
function rangeSeconds(text: string): number | undefined {
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  return parsePrometheusDuration(text);
}

/** The query with string literals' contents and comments replaced by spaces, positions kept. */
function blankStringsAndComments(query: string): string {
  let out = '';
  let quote: string | undefined;
  let comment = false;
  for (let i = 0; i < query.length; i++) {
    const char = query[i] ?? '';
    if (comment) {
      if (char === '\n') comment = false;
      out += char === '\n' ? char : ' ';
    } else if (quote !== undefined) {
      if (char === '\\' && quote !== '`') {
        out += '  ';
        i++;
      } else if (char === quote) {
        quote = undefined;
        out += char;
      } else out += ' ';
    } else if (char === '"' || char === "'" || char === '`') {
      quote = char;
      out += char;
    } else if (char === '#') {
      comment = true;
      out += ' ';
    } else out += char;
  }
  return out;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
