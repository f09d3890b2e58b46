// Where a plan path (faults[2].expect[0].within) sits in the YAML text, so every diagnostic can
// name a line and column. Works on the parsed document, whatever the data turned out to be.

import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

export type PathSegment = string | number;

export interface Position {
  line: number;
  column: number;
}

/** Point at a key (an unknown key, a duplicate name) or at its value (a bad value). */
export type Anchor = 'key' | 'value';

export type Locate = (path: readonly PathSegment[], anchor?: Anchor) => Position;

/** `['faults', 2, 'expect', 0, 'within']` -> `faults[2].expect[0].within` */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/**
 * A function from a path to its position. When the path does not exist in full (a missing key),
 * it answers with the deepest part that does, which is where the key belongs.
 */
export function locator(document: Document, lineCounter: LineCounter): Locate {
  const positionOf = (node: Node | null | undefined): Position | undefined => {
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  return (path, anchor = 'value') => {
    let node: unknown = document.contents;
    let keyNode: Node | undefined;
    let found: Position = positionOf(document.contents as Node | null) ?? { line: 1, column: 1 };
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(document);
      let next: { key?: Node; value: unknown } | undefined;
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (pair !== undefined) next = { key: pair.key as Node, value: pair.value };
      } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        next = { value: node.items[segment] };
      }
      if (next === undefined) return found;
      keyNode = next.key;
      node = next.value;
      const valuePosition = isEmpty(node) ? undefined : positionOf(node as Node);
      found = valuePosition ?? positionOf(keyNode) ?? found;
    }
    if (anchor === 'key') return positionOf(keyNode) ?? found;
    return found;
  };
}

// `duration:` with nothing after it parses to an empty null scalar; point at its key instead.
function isEmpty(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null && node.source === '');
}
