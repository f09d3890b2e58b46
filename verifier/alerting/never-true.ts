// Can an alert rule's expression ever return a sample? An alerting rule fires for every sample its
// expression returns (whatever its value), so a rule whose result is always empty can never fire:
// `vector(0) > 1`, `vector(1) and (2 > bool 3) == 1`, a comparison of constants. This evaluates the
// parts made of constants and keeps "unknown" for anything that reads series.

import { type BinaryOperator, COMPARISONS, type Expr, parsePromQL } from './promql.ts';

type Presence = 'always-empty' | 'never-empty' | 'unknown';

type Value =
  | { type: 'scalar'; value: number | undefined }
  /** `value`: the one label-less sample's value, when the vector is a known constant. */
  | { type: 'vector'; presence: Presence; value?: number; why?: string }
  | { type: 'other' };

/** Why the expression can never return a sample, or undefined when it can (or when that is unknown). */
export function neverTrue(query: string): string | undefined {
  const parsed = parsePromQL(query);
  if (!parsed.ok) return undefined;
  const result = evaluate(parsed.expr);
  return result.type === 'vector' && result.presence === 'always-empty' ? (result.why ?? 'its result is always empty') : undefined;
}

const UNKNOWN: Value = { type: 'vector', presence: 'unknown' };

function evaluate(expr: Expr): Value {
  switch (expr.kind) {
    case 'number':
      return { type: 'scalar', value: expr.value };
    case 'string':
    case 'range':
    case 'subquery':
      return { type: 'other' };
    case 'selector':
      return UNKNOWN;
    case 'offset':
      return evaluate(expr.expr);
    case 'unary': {
      const inner = evaluate(expr.expr);
      if (expr.op === '+') return inner;
      if (inner.type === 'scalar') return { type: 'scalar', value: inner.value === undefined ? undefined : -inner.value };
      if (inner.type === 'vector' && inner.value !== undefined) return { ...inner, value: -inner.value };
      return inner;
    }
    case 'call':
      return call(expr.fn, expr.args.map(evaluate), expr.text);
    case 'aggregate':
      return aggregate(expr.op, expr.args.map(evaluate), expr.by);
    case 'binary':
      return binary(expr.op, expr.bool, evaluate(expr.left), evaluate(expr.right), expr.text);
  }
}

function call(fn: string, args: Value[], text: string): Value {
  const [first] = args;
  if (fn === 'vector') {
    if (first?.type === 'scalar')
      return { type: 'vector', presence: 'never-empty', ...(first.value === undefined ? {} : { value: first.value }) };
    return { type: 'vector', presence: 'never-empty' };
  }
  if (fn === 'scalar') return { type: 'scalar', value: first?.type === 'vector' ? first.value : undefined };
  if (fn === 'absent') {
    if (first?.type !== 'vector' || first.presence === 'unknown') return UNKNOWN;
    if (first.presence === 'always-empty') return { type: 'vector', presence: 'never-empty', value: 1 };
    return { type: 'vector', presence: 'always-empty', why: `${text} is always empty: its argument always returns a sample` };
  }
  // Every other function maps the samples of its vector argument: nothing in, nothing out.
  const empty = args.find((arg) => arg.type === 'vector' && arg.presence === 'always-empty');
  if (empty?.type === 'vector') return { type: 'vector', presence: 'always-empty', ...(empty.why === undefined ? {} : { why: empty.why }) };
  return fn === 'time' || fn === 'pi' ? { type: 'scalar', value: undefined } : UNKNOWN;
}

const KEEPS_VALUE = new Set(['sum', 'min', 'max', 'avg', 'quantile', 'topk', 'bottomk', 'limitk']);

function aggregate(op: string, args: Value[], by: string[] | undefined): Value {
  const vector = args.at(-1);
  if (vector?.type !== 'vector') return UNKNOWN;
  if (vector.presence === 'always-empty') return vector;
  if (vector.value !== undefined && (by === undefined || by.length === 0)) {
    if (KEEPS_VALUE.has(op)) return { type: 'vector', presence: 'never-empty', value: vector.value };
    if (op === 'count' || op === 'group') return { type: 'vector', presence: 'never-empty', value: 1 };
  }
  return { type: 'vector', presence: vector.presence };
}

function binary(op: BinaryOperator, bool: boolean, left: Value, right: Value, text: string): Value {
  if (left.type === 'other' || right.type === 'other') return UNKNOWN;
  if (op === 'and' || op === 'or' || op === 'unless') return setOperation(op, left, right, text);
  const compare = COMPARISONS.has(op);
  if (left.type === 'scalar' && right.type === 'scalar') {
    const value = left.value === undefined || right.value === undefined ? undefined : arithmetic(op, left.value, right.value);
    if (!compare || bool) return { type: 'scalar', value };
    return { type: 'vector', presence: 'always-empty', why: `${text} compares two scalars without bool, which Prometheus refuses to load` };
  }
  const empty = [left, right].find((side) => side.type === 'vector' && side.presence === 'always-empty');
  if (empty?.type === 'vector') return empty;
  const vectors = [left, right].filter((side) => side.type === 'vector');
  // Two vectors meet only where their labels match: known only when both are label-less constants.
  const presence: Presence = vectors.every((side) => side.presence === 'never-empty' && (vectors.length === 1 || side.value !== undefined))
    ? 'never-empty'
    : 'unknown';
  if (left.value === undefined || right.value === undefined) return { type: 'vector', presence: compare && !bool ? 'unknown' : presence };
  const result = arithmetic(op, left.value, right.value);
  if (!compare || bool) return { type: 'vector', presence, value: result };
  if (result !== 1)
    return { type: 'vector', presence: 'always-empty', why: `${text} compares constants: ${left.value} ${op} ${right.value} is false` };
  // A filtering comparison keeps the vector's sample: its value, not 1.
  return { type: 'vector', presence, value: left.type === 'vector' ? left.value : right.value };
}

function setOperation(op: 'and' | 'or' | 'unless', left: Value, right: Value, text: string): Value {
  const l = asVector(left);
  const r = asVector(right);
  if (op === 'and') {
    const empty = [l, r].find((side) => side.presence === 'always-empty');
    if (empty) return { ...empty, why: `${text}: ${empty.why ?? 'one side is always empty'}` };
    const both = l.presence === 'never-empty' && r.presence === 'never-empty' && l.value !== undefined && r.value !== undefined;
    return { type: 'vector', presence: both ? 'never-empty' : 'unknown', ...(l.value === undefined ? {} : { value: l.value }) };
  }
  if (op === 'or') {
    if (l.presence === 'always-empty' && r.presence === 'always-empty')
      return { ...l, why: `both sides of ${text} are always empty: ${l.why ?? ''}` };
    if (l.presence === 'never-empty' || r.presence === 'never-empty') return { type: 'vector', presence: 'never-empty' };
    return UNKNOWN;
  }
  if (l.presence === 'always-empty') return l;
  if (l.value !== undefined && r.value !== undefined && r.presence === 'never-empty') {
    return { type: 'vector', presence: 'always-empty', why: `${text} removes its only sample: the right side always returns one` };
  }
  return { type: 'vector', presence: l.presence === 'never-empty' ? 'unknown' : l.presence };
}

function asVector(value: Value): { type: 'vector'; presence: Presence; value?: number; why?: string } {
  return value.type === 'vector' ? value : { type: 'vector', presence: 'unknown' };
}

function arithmetic(op: BinaryOperator, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return a ** b;
    case 'atan2':
      return Math.atan2(a, b);
    case '==':
      return Number(a === b);
    case '!=':
      return Number(a !== b);
    case '>':
      return Number(a > b);
    case '<':
      return Number(a < b);
    case '>=':
      return Number(a >= b);
    case '<=':
      return Number(a <= b);
    default:
      return NaN;
  }
}
