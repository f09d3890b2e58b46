// The last lines of a stream of text chunks: what an error message quotes from a k6 log.

/** The last `size` lines of a stream of text chunks. */
export class LineTail {
  readonly #size: number;
  readonly #lines: string[] = [];
  #partial = '';

  constructor(size: number) {
    this.#size = size;
  }

  push(chunk: string): void {
    const parts = (this.#partial + chunk).split('\n');
    this.#partial = parts.pop() ?? '';
    for (const line of parts) {
      if (line.trim() === '') continue;
      this.#lines.push(line);
      if (this.#lines.length > this.#size) this.#lines.shift();
    }
  }

  lines(): string[] {
    const all = this.#partial.trim() === '' ? [...this.#lines] : [...this.#lines, this.#partial];
    return all.slice(-this.#size);
  }
}
