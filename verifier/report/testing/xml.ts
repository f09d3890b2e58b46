// A strict reader for the XML gameday writes (junit.xml), for tests: elements, attributes, text,
// character and the five predefined entity references, comments, one XML declaration. Anything
// not well-formed throws with the offset, so a test fails on what a CI system would reject.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (not its children's), entities decoded. */
  text: string;
}

const name = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** A character below U+0020 other than tab, newline and carriage return: XML 1.0 cannot carry it. */
const isControlCharacter = (text: string) => [...text].some((c) => c.charCodeAt(0) < 0x20 && !'\t\n\r'.includes(c));

export function parseXml(source: string): XmlElement {
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at offset ${at}: ${why} (near ${JSON.stringify(source.slice(at, at + 30))})`);
  };
  const skipSpace = () => {
    while (at < source.length && /\s/.test(source[at] ?? '')) at++;
  };
  const readName = (): string => {
    name.lastIndex = at;
    const match = name.exec(source);
    if (!match) return fail('expected a name');
    at += match[0].length;
    return match[0];
  };
  const decode = (raw: string): string =>
    raw.replace(/&([^;]*);/g, (_, ref: string) => {
      if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
      if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
      const value = entities[ref];
      if (value === undefined) fail(`unknown entity &${ref};`);
      return value ?? '';
    });
  const checkText = (raw: string) => {
    if (/&(?![a-z]+;|#\d+;|#x[0-9a-fA-F]+;)/.test(raw)) fail('a bare & in text');
    if (isControlCharacter(raw)) fail('a control character XML 1.0 cannot carry');
  };
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (source.startsWith('<!--', at)) {
        const end = source.indexOf('-->', at);
        if (end < 0) fail('unterminated comment');
        at = end + 3;
      } else return;
    }
  };

  if (source.startsWith('<?xml', at)) {
    const end = source.indexOf('?>', at);
    if (end < 0) fail('unterminated XML declaration');
    at = end + 2;
  }
  skipMisc();

  const element = (): XmlElement => {
    if (source[at] !== '<') fail('expected <');
    at++;
    const tag = readName();
    const attributes: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (source.startsWith('/>', at)) {
        at += 2;
        return { name: tag, attributes, children: [], text: '' };
      }
      if (source[at] === '>') {
        at++;
        break;
      }
      const attribute = readName();
      skipSpace();
      if (source[at] !== '=') fail('expected = after an attribute name');
      at++;
      skipSpace();
      const quote = source[at];
      if (quote !== '"' && quote !== "'") return fail('expected a quoted attribute value');
      const end = source.indexOf(quote, at + 1);
      if (end < 0) fail('unterminated attribute value');
      const raw = source.slice(at + 1, end);
      if (raw.includes('<')) fail('a < in an attribute value');
      checkText(raw);
      if (attribute in attributes) fail(`duplicate attribute ${attribute}`);
      attributes[attribute] = decode(raw);
      at = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const next = source.indexOf('<', at);
      if (next < 0) fail(`unclosed <${tag}>`);
      const raw = source.slice(at, next);
      checkText(raw);
      text += decode(raw);
      at = next;
      if (source.startsWith('<!--', at)) {
        skipMisc();
      } else if (source.startsWith('</', at)) {
        at += 2;
        const closing = readName();
        if (closing !== tag) fail(`</${closing}> closes <${tag}>`);
        skipSpace();
        if (source[at] !== '>') fail('expected >');
        at++;
        return { name: tag, attributes, children, text };
      } else {
        children.push(element());
      }
    }
  };

  const root = element();
  skipMisc();
  if (at !== source.length) fail('content after the root element');
  return root;
}
