// Globals the k6 runtime provides that @types/k6 2.2 does not declare. Type-checking only:
// k6 never loads this file.

interface K6Console {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

declare const console: K6Console;

/** k6's require() in the init context: loads a local module (ES or CommonJS, TypeScript too). */
declare function require(path: string): unknown;
