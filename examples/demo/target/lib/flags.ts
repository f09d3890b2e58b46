// Command-line flags of the demo processes: `--name value` or `--name=value`.
// Every problem is collected, so one run of a bad command line lists all of them.

export type FlagKind = 'string' | 'port' | 'ports';

export type FlagSpec = Readonly<Record<string, FlagKind>>;

type ValueOf<K extends FlagKind> = K extends 'string' ? string : K extends 'port' ? number : number[];

export type ParsedFlags<S extends FlagSpec> = { [N in keyof S]?: ValueOf<S[N]> };

export class FlagError extends Error {
  override name = 'FlagError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid command line:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

export function parseFlags<S extends FlagSpec>(argv: readonly string[], spec: S): ParsedFlags<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      problems.push(`unexpected argument "${arg}"; flags look like --name value`);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const kind = spec[name];
    if (kind === undefined) {
      problems.push(
        `unknown flag --${name}; known flags: ${Object.keys(spec)
          .map((n) => `--${n}`)
          .join(', ')}`,
      );
      if (eq === -1 && i + 1 < argv.length && !argv[i + 1]?.startsWith('--')) i++;
      continue;
    }
    let raw: string | undefined;
    if (eq !== -1) raw = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1]?.startsWith('--')) raw = argv[++i];
    if (raw === undefined) {
      problems.push(`invalid flag --${name}; reason: expected a value, got nothing`);
      continue;
    }
    const value = convert(kind, raw);
    if (typeof value === 'string' && kind !== 'string') {
      problems.push(`invalid flag --${name}; reason: ${value}`);
      continue;
    }
    out[name] = kind === 'string' ? raw : value;
  }
  if (problems.length > 0) throw new FlagError(problems);
  return out as ParsedFlags<S>;
}

/** The converted value, or a reason string when the text does not fit the kind. */
function convert(kind: FlagKind, raw: string): string | number | number[] {
  if (kind === 'string') return raw;
  if (kind === 'port') return parsePort(raw) ?? `expected a port number 1-65535, got "${raw}"`;
  const ports = raw.split(',').map((p) => parsePort(p.trim()));
  if (ports.length === 0 || ports.some((p) => p === undefined)) {
    return `expected comma-separated port numbers such as 18081,18082, got "${raw}"`;
  }
  return ports as number[];
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}
