// A plan file -> Plan. Four passes, each reporting every problem it finds: the bytes (text, not
// binary), the YAML syntax, the schema, then the rules a schema cannot say. Any problem throws
// one PlanError carrying them all, each with its line, column and plan path.

import { existsSync } from 'node:fs';
import { readFile as readFileFromDisk } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Document, LineCounter, parseDocument, visit } from 'yaml';
import { packageRoot } from '../package-root.ts';
import { type Diagnostic, PlanError } from './diagnostics.ts';
import { START_HINT } from './finding.ts';
import { schemaFindings } from './schema-check.ts';
import { semanticFindings } from './semantic-check.ts';
import { formatPath, locator, type PathSegment, type Position } from './source.ts';
import { toPlan } from './to-plan.ts';
import type { Plan } from './types.ts';

export type { Diagnostic } from './diagnostics.ts';
export { PlanError } from './diagnostics.ts';

export interface ParseOptions {
  /** Directory a relative plan path resolves against. Default: the process's working directory. */
  cwd?: string;
  /** Where gameday's default scripts (traces/, loadtests/) are; its own package by default. */
  repoRoot?: string;
  /** When given, scripts the plan names must exist. `loadPlan` checks the disk. */
  fileExists?: (absolutePath: string) => boolean;
}

export interface LoadOptions extends ParseOptions {
  readFile?: (absolutePath: string) => Promise<Uint8Array>;
}

/** Read and validate a plan file. Throws PlanError listing every problem found. */
export async function loadPlan(file: string, options: LoadOptions = {}): Promise<Plan> {
  const { readFile = readFileFromDisk, fileExists = existsSync, ...rest } = options;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(resolve(options.cwd ?? process.cwd(), file));
  } catch (error) {
    throw new PlanError(file, [unreadableFile(file, error)], { cause: error });
  }
  return parsePlan(decodeText(bytes, file), file, { ...rest, fileExists });
}

/**
 * Validate plan text. `file` names the plan in diagnostics; relative script paths resolve
 * against its directory. Throws PlanError listing every problem found.
 */
export function parsePlan(text: string, file: string, options: ParseOptions = {}): Plan {
  const absoluteFile = resolve(options.cwd ?? process.cwd(), file);
  const at: DiagnosticAt = (position, path, message, hint) => ({ file, ...position, path, message, hint });

  const nul = text.indexOf('\0');
  if (nul >= 0) {
    throw new PlanError(file, [
      at(positionAt(text, nul), '', 'this is a binary file (it contains NUL bytes), not a YAML plan', 'give the path of a .yaml plan'),
    ]);
  }

  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax = syntaxDiagnostics(document, lines, at);
  if (syntax.length > 0) throw new PlanError(file, inFileOrder(syntax));
  if (document.contents === null) throw new PlanError(file, [at({ line: 1, column: 1 }, '', 'the plan is empty', START_HINT)]);

  let data: unknown;
  try {
    data = document.toJS();
  } catch (error) {
    // Aliases can expand without bound ("billion laughs"); yaml refuses past a limit, and so do we.
    throw new PlanError(file, [at({ line: 1, column: 1 }, '', `cannot expand the YAML: ${String(error)}`, 'use fewer aliases')], {
      cause: error,
    });
  }

  const fromSchema = schemaFindings(data);
  const fromRules = semanticFindings(data, {
    planDirectory: dirname(absoluteFile),
    ...(options.fileExists !== undefined && { fileExists: options.fileExists }),
  }).filter((finding) => !fromSchema.some((reported) => startsWith(finding.path, reported.path)));
  const findings = [...fromSchema, ...fromRules];
  if (findings.length > 0) {
    const locate = locator(document, lines);
    const located = findings.map(({ path, anchor, message, hint }) => at(locate(path, anchor), formatPath(path), message, hint));
    throw new PlanError(file, inFileOrder(located));
  }
  return toPlan(data, absoluteFile, options.repoRoot ?? packageRoot);
}

type DiagnosticAt = (position: Position, path: string, message: string, hint: string) => Diagnostic;

function syntaxDiagnostics(document: Document, lines: LineCounter, at: DiagnosticAt): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const problem of [...document.errors, ...document.warnings]) {
    const position = linePosition(lines, syntaxOffset(document, problem.code, problem.pos[0]));
    // One YAML mistake often trips several parser checks at the same spot; the first says it.
    if (diagnostics.some((seen) => seen.line === position.line && seen.column === position.column)) continue;
    diagnostics.push(at(position, '', `invalid YAML: ${syntaxMessage(problem.code, problem.message)}`, syntaxHint(problem.code)));
  }
  for (const offset of unresolvedAliases(document)) {
    const message = 'invalid YAML: an alias refers to an anchor that is not defined before it';
    diagnostics.push(at(linePosition(lines, offset), '', message, 'define `&name` before using `*name`'));
  }
  return diagnostics;
}

/** The bytes as text, or a PlanError when they are not UTF-8 text. */
function decodeText(bytes: Uint8Array, file: string): string {
  const nul = bytes.indexOf(0);
  const invalid = nul >= 0 ? nul : firstInvalidUtf8(bytes);
  if (invalid === undefined) return new TextDecoder('utf-8').decode(bytes);
  const before = new TextDecoder('utf-8').decode(bytes.subarray(0, invalid));
  const { line, column } = positionAt(`${before}x`, before.length);
  const what = nul >= 0 ? 'it contains NUL bytes' : `invalid UTF-8 at byte ${invalid}`;
  throw new PlanError(file, [
    {
      file,
      line,
      column,
      path: '',
      message: `this is a binary file (${what}), not a YAML plan`,
      hint: 'give the path of a .yaml plan, saved as UTF-8 text',
    },
  ]);
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return undefined;
  } catch {
    // Fall through to find where.
  }
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index] ?? 0;
    const length =
      lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
    if (length === 0) return index;
    for (let next = index + 1; next < index + length; next++) {
      if (((bytes[next] ?? 0) & 0xc0) !== 0x80) return index;
    }
    index += length;
  }
  // An overlong form or a surrogate: valid-looking bytes the decoder still refused.
  return 0;
}

function unreadableFile(file: string, error: unknown): Diagnostic {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const [message, hint] =
    code === 'ENOENT'
      ? ['plan file not found', 'check the path; a plan is a YAML file such as examples/demo/plan.yaml']
      : code === 'EISDIR'
        ? ['this is a directory, not a plan file', 'give the path of the .yaml plan inside it']
        : code === 'EACCES' || code === 'EPERM'
          ? ['permission denied reading the plan file', 'make the file readable by this user']
          : [`cannot read the plan file: ${String(error)}`, 'check the path and the file'];
  return { file, line: 0, column: 0, path: '', message, hint };
}

function syntaxMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return 'the file holds more than one YAML document';
  return message.replace(/^[A-Z](?=[a-z])/, (letter) => letter.toLowerCase());
}

function syntaxHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each key may appear once in a mapping; remove or merge the repeat';
    case 'MULTIPLE_DOCS':
      return 'a plan is one YAML document; remove the extra `---`';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    case 'TAG_RESOLVE_FAILED':
      return 'plans use plain YAML; remove the `!tag`';
    case 'BAD_ALIAS':
      return 'define `&name` before using `*name`';
    case 'MISSING_CHAR':
      return 'close the quote or bracket that opens here';
    default:
      return 'check the indentation, quotes and brackets here and on the line before';
  }
}

// yaml reports an unclosed quote where the text ends; the mistake is where the quote opens.
function syntaxOffset(document: Document, code: string, offset: number): number {
  if (code !== 'MISSING_CHAR') return offset;
  let start = offset;
  visit(document, {
    Scalar(_, scalar) {
      const [from, to] = scalar.range ?? [0, -1];
      const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE';
      if (quoted && from < offset && offset <= to) start = from;
    },
  });
  return start;
}

function unresolvedAliases(document: Document): number[] {
  const offsets: number[] = [];
  visit(document, {
    Alias(_, alias) {
      if (alias.resolve(document) === undefined) offsets.push(alias.range?.[0] ?? 0);
    },
  });
  return offsets;
}

function linePosition(lines: LineCounter, offset: number): Position {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => path[index] === segment);
}

function inFileOrder(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.toSorted((a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path));
}
