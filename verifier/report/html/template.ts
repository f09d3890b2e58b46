// The `markup` tagged template report.html and its SVG timeline are written with. Every string from
// a plan, an alert label or an error message is interpolated into the page, so escaping is the
// default: a plain string is escaped, and only what `markup` itself built (or a constant passed
// through `raw`) goes in as it is. A forgotten escape then shows as visible `&lt;` on the page
// rather than as markup injected from a label.
//
// Not named `html`: Prettier reformats any template tagged `html` as an HTML document, which would
// change the page's bytes (and mangle markup split across templates) on every `npm run format`.

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values: the five characters that can end one. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

/** Markup that is safe to put on the page as it is: built by `markup`, or a constant passed to `raw`. */
export class SafeHtml {
  readonly #markup: string;

  constructor(markup: string) {
    this.#markup = markup;
  }

  toString(): string {
    return this.#markup;
  }
}

/**
 * What a `markup` template takes: text (escaped), numbers, markup, and lists of them. No `null` or
 * `undefined`: a missing figure must be written as the report means it (`—`, `''`), not vanish.
 */
export type HtmlValue = string | number | SafeHtml | readonly HtmlValue[];

export function markup(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Markup written in this code (the stylesheet, say), trusted as it is. Never for data from a run. */
export function raw(trusted: string): SafeHtml {
  return new SafeHtml(trusted);
}

/** Values one after another with a separator: table rows one per line, for a page that reads as source. */
export function joinHtml(values: readonly HtmlValue[], separator: string): SafeHtml {
  return new SafeHtml(values.map(render).join(escapeHtml(separator)));
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number') return String(value);
  return value.map(render).join('');
}
