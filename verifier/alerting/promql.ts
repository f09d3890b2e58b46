// PromQL read with the Prometheus project's own grammar (@prometheus-io/lezer-promql, the parser
// behind Prometheus's UI), turned into a small expression tree that the rest of gameday walks:
// selectors with their matchers, range selectors and subqueries with their windows, function calls,
// aggregations, binary operations with their `bool` and matching, unary minus, offsets.

import { parser } from '@prometheus-io/lezer-promql';
import type { LabelMatcher, MatchOperator } from './routes.ts';
import { parsePrometheusDuration } from './scrape-settings.ts';

export interface Selector {
  kind: 'selector';
  /** The metric name (`up`, or `{__name__="up"}`), when the selector names one. */
  metric: string | undefined;
  /** Every label matcher except the metric name's own. */
  matchers: LabelMatcher[];
  text: string;
}

export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2' | '==' | '!=' | '>' | '<' | '>=' | '<=' | 'and' | 'or' | 'unless';

export type Expr =
  | { kind: 'number'; value: number; text: string }
  | { kind: 'string'; value: string; text: string }
  | Selector
  | { kind: 'range'; selector: Selector; seconds: number; text: string }
  | { kind: 'subquery'; expr: Expr; seconds: number; stepSeconds: number | undefined; text: string }
  | { kind: 'offset'; expr: Expr; seconds: number; text: string }
  | { kind: 'call'; fn: string; args: Expr[]; text: string }
  | { kind: 'aggregate'; op: string; by: string[] | undefined; without: string[] | undefined; args: Expr[]; text: string }
  | { kind: 'binary'; op: BinaryOperator; bool: boolean; left: Expr; right: Expr; text: string }
  | { kind: 'unary'; op: '-' | '+'; expr: Expr; text: string };

/** A node of the grammar's syntax tree (@lezer/common's SyntaxNode, reached through the parser's types). */
type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export type Parsed = { ok: true; expr: Expr } | { ok: false; error: string };

export const COMPARISONS: ReadonlySet<BinaryOperator> = new Set(['==', '!=', '>', '<', '>=', '<=']);

/** Parses a PromQL expression; a syntax error names its line and column. */
export function parsePromQL(query: string): Parsed {
  const tree = parser.parse(query);
  let error: string | undefined;
  tree.iterate({
    enter(node) {
      if (error !== undefined) return false;
      if (node.type.isError) {
        error = `${position(query, node.from)}: ${node.from >= query.trimEnd().length ? 'unexpected end of expression' : `unexpected ${JSON.stringify(query.slice(node.from, node.from + 12))}`}`;
        return false;
      }
      return undefined;
    },
  });
  if (error !== undefined) return { ok: false, error };
  const root = expressions(tree.topNode)[0];
  if (root === undefined) return { ok: false, error: 'the expression is empty' };
  try {
    return { ok: true, expr: toExpr(root, query) };
  } catch (problem) {
    if (problem instanceof PromQLReadError) return { ok: false, error: `${position(query, problem.at)}: ${problem.message}` };
    throw problem;
  }
}

/** Every node of the tree, depth first, parents before children. */
export function walk(expr: Expr, visit: (node: Expr, parents: readonly Expr[]) => void, parents: Expr[] = []): void {
  visit(expr, parents);
  const inner = [...parents, expr];
  for (const child of children(expr)) walk(child, visit, inner);
}

export function children(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'range':
      return [expr.selector];
    case 'subquery':
    case 'offset':
    case 'unary':
      return [expr.expr];
    case 'call':
    case 'aggregate':
      return expr.args;
    case 'binary':
      return [expr.left, expr.right];
    default:
      return [];
  }
}

class PromQLReadError extends Error {
  readonly at: number;
  constructor(message: string, at: number) {
    super(message);
    this.at = at;
  }
}

const SKIPPED = new Set(['LineComment']);

/** The expression children of a node (not keywords, operators, modifiers or comments). */
function expressions(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child !== null; child = child.nextSibling) {
    if (EXPRESSION_NODES.has(child.name) && !SKIPPED.has(child.name)) out.push(child);
  }
  return out;
}

const EXPRESSION_NODES = new Set([
  'AggregateExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'OffsetExpr',
  'ParenExpr',
  'StepInvariantExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
  'AnchoredExpr',
  'SmoothedExpr',
]);

function toExpr(node: SyntaxNode, query: string): Expr {
  const text = query.slice(node.from, node.to);
  const only = (): SyntaxNode => {
    const [inner] = expressions(node);
    if (inner === undefined) throw new PromQLReadError(`cannot read ${JSON.stringify(text)}`, node.from);
    return inner;
  };
  switch (node.name) {
    case 'NumberDurationLiteral':
      return { kind: 'number', value: numberValue(text, node.from), text };
    case 'StringLiteral':
      return { kind: 'string', value: unquote(text), text };
    case 'VectorSelector':
      return selector(node, query);
    case 'MatrixSelector': {
      const inner = toExpr(only(), query);
      if (inner.kind !== 'selector') throw new PromQLReadError(`a range needs a selector: ${text}`, node.from);
      return { kind: 'range', selector: inner, seconds: durationOf(node.getChild('DurationExpr'), query), text };
    }
    case 'SubqueryExpr': {
      const [range, step] = node.getChildren('DurationExpr');
      const stepSeconds = step === undefined ? undefined : durationOf(step, query);
      return { kind: 'subquery', expr: toExpr(only(), query), seconds: durationOf(range ?? null, query), stepSeconds, text };
    }
    case 'OffsetExpr':
      return { kind: 'offset', expr: toExpr(only(), query), seconds: durationOf(node.getChild('OffsetDurationExpr'), query), text };
    case 'ParenExpr':
    case 'StepInvariantExpr':
    case 'AnchoredExpr':
    case 'SmoothedExpr':
      return toExpr(only(), query);
    case 'UnaryExpr': {
      const op = query.slice(node.firstChild?.from ?? node.from, node.firstChild?.to ?? node.from) === '+' ? '+' : '-';
      return { kind: 'unary', op, expr: toExpr(only(), query), text };
    }
    case 'FunctionCall': {
      const name = node.getChild('FunctionIdentifier');
      const body = node.getChild('FunctionCallBody');
      const fn = name === null ? '' : query.slice(name.from, name.to);
      return { kind: 'call', fn, args: body === null ? [] : expressions(body).map((arg) => toExpr(arg, query)), text };
    }
    case 'AggregateExpr':
      return aggregate(node, query, text);
    case 'BinaryExpr':
      return binary(node, query, text);
    default:
      throw new PromQLReadError(`gameday cannot read ${node.name} yet: ${text}`, node.from);
  }
}

function selector(node: SyntaxNode, query: string): Selector {
  const text = query.slice(node.from, node.to);
  const name = node.getChild('Identifier') ?? node.getChild('MetricName');
  let metric = name === null ? undefined : query.slice(name.from, name.to);
  const matchers: LabelMatcher[] = [];
  const list = node.getChild('LabelMatchers');
  for (let child = list?.firstChild ?? null; child !== null; child = child.nextSibling) {
    if (child.name === 'QuotedLabelName') {
      // {"metric.name"}: Prometheus 3's quoted metric name.
      metric = unquote(query.slice(child.from, child.to));
      continue;
    }
    if (child.name !== 'UnquotedLabelMatcher' && child.name !== 'QuotedLabelMatcher') continue;
    const label = child.getChild('LabelName') ?? child.getChild('QuotedLabelName');
    const op = child.getChild('MatchOp');
    const values = child.getChildren('StringLiteral');
    const value = values.at(-1);
    if (label === null || op === null || value === undefined) continue;
    const labelText = query.slice(label.from, label.to);
    const matcher: LabelMatcher = {
      name: label.name === 'QuotedLabelName' ? unquote(labelText) : labelText,
      operator: query.slice(op.from, op.to) as MatchOperator,
      value: unquote(query.slice(value.from, value.to)),
    };
    if (matcher.name === '__name__' && matcher.operator === '=') metric = matcher.value;
    else matchers.push(matcher);
  }
  return { kind: 'selector', metric, matchers, text };
}

function aggregate(node: SyntaxNode, query: string, text: string): Expr {
  const opNode = node.getChild('AggregateOp');
  const op = opNode === null ? '' : query.slice(opNode.from, opNode.to).toLowerCase();
  const body = node.getChild('FunctionCallBody');
  const modifier = node.getChild('AggregateModifier');
  let by: string[] | undefined;
  let without: string[] | undefined;
  if (modifier !== null) {
    const labels = (modifier.getChild('GroupingLabels')?.getChildren('LabelName') ?? []).map((label) => query.slice(label.from, label.to));
    if (modifier.getChild('Without') !== null) without = labels;
    else by = labels;
  }
  const args = body === null ? [] : expressions(body).map((arg) => toExpr(arg, query));
  return { kind: 'aggregate', op, by, without, args, text };
}

const OPERATOR_NODES: Record<string, BinaryOperator> = {
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Pow: '^',
  Atan2: 'atan2',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Lss: '<',
  Gte: '>=',
  Lte: '<=',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
};

function binary(node: SyntaxNode, query: string, text: string): Expr {
  const [left, right] = expressions(node);
  let op: BinaryOperator | undefined;
  for (let child = node.firstChild; child !== null; child = child.nextSibling) op ??= OPERATOR_NODES[child.name];
  if (left === undefined || right === undefined || op === undefined)
    throw new PromQLReadError(`cannot read ${JSON.stringify(text)}`, node.from);
  return { kind: 'binary', op, bool: node.getChild('BoolModifier') !== null, left: toExpr(left, query), right: toExpr(right, query), text };
}

/** Seconds of a range, subquery step or offset: `5m`, `1m30s`, plain seconds, or arithmetic of them. */
function durationOf(node: SyntaxNode | null, query: string): number {
  if (node === null) throw new PromQLReadError('a duration is missing', 0);
  const text = query.slice(node.from, node.to);
  if (node.name === 'NumberDurationLiteralInDurationContext' || node.name === 'NumberDurationLiteral') {
    const seconds = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : parsePrometheusDuration(text);
    if (seconds === undefined) throw new PromQLReadError(`${JSON.stringify(text)} is not a duration`, node.from);
    return seconds;
  }
  const parts: SyntaxNode[] = [];
  let op: string | undefined;
  for (let child = node.firstChild; child !== null; child = child.nextSibling) {
    if (['Add', 'Sub', 'Mul', 'Div'].includes(child.name)) op = child.name;
    else if (child.name === 'UnaryOp') op = 'Neg';
    else parts.push(child);
  }
  const values = parts.map((part) => durationOf(part, query));
  const [a = 0, b = 0] = values;
  if (op === undefined && values.length === 1) return a;
  if (op === 'Neg' && values.length === 1) return -a;
  if (op === 'Add') return a + b;
  if (op === 'Sub') return a - b;
  if (op === 'Mul') return a * b;
  if (op === 'Div' && b !== 0) return a / b;
  throw new PromQLReadError(`gameday cannot read the duration ${JSON.stringify(text)}`, node.from);
}

function numberValue(text: string, at: number): number {
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === 'nan') return NaN;
  const value = /^0x[0-9a-f]+$/.test(lower) ? Number.parseInt(lower, 16) : Number(text);
  if (!Number.isNaN(value)) return value;
  // Prometheus 3 reads a duration where a number goes (`time() - 5m`) as its seconds.
  const seconds = parsePrometheusDuration(text);
  if (seconds === undefined) throw new PromQLReadError(`${JSON.stringify(text)} is not a number`, at);
  return seconds;
}

/** A PromQL string literal's value: "…" and '…' with Go escapes, `…` raw. */
function unquote(text: string): string {
  const quote = text[0];
  const body = text.slice(1, -1);
  if (quote === '`') return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_, escape: string) => {
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };
    if (escape.length === 1) return simple[escape] ?? escape;
    if (/^[0-7]{3}$/.test(escape)) return String.fromCodePoint(Number.parseInt(escape, 8));
    return String.fromCodePoint(Number.parseInt(escape.slice(1), 16));
  });
}

/** `line 2, column 5` of an offset in the query. */
function position(query: string, offset: number): string {
  const before = query.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}
