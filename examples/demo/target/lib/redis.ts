// A tiny Redis client over node:net: RESP2 commands on one connection, answered in order. The
// demo needs a handful of commands (GET, SET, DEL, WAIT, PING, INFO, SAVE, REPLICAOF) and clear
// failures, not a driver: when the connection breaks (a Toxiproxy proxy disabled, a node
// restarted) every pending command fails at once and the next command connects again. Each
// command has a deadline, so a proxy that holds bytes back (a latency toxic) slows calls down
// without hanging them.

import net from 'node:net';

export class RedisError extends Error {
  override name = 'RedisError';
}

export type Reply = string | number | null | Reply[];

interface Pending {
  resolve(reply: Reply): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class RedisClient {
  readonly name: string;
  readonly port: number;
  readonly #timeoutMs: number;
  #socket: net.Socket | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  readonly #pending: Pending[] = [];

  constructor(name: string, port: number, options: { timeoutMs?: number } = {}) {
    this.name = name;
    this.port = port;
    this.#timeoutMs = options.timeoutMs ?? 2000;
  }

  /** Sends one command; rejects with RedisError on an error reply, a broken connection or the deadline. */
  command(...args: Array<string | number>): Promise<Reply> {
    const socket = this.#connect();
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(new RedisError(`${this.name}: no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
      this.#pending.push({ resolve, reject, timer });
      socket.write(encode(args));
    });
  }

  close(): void {
    this.#fail(new RedisError(`${this.name}: client closed`));
  }

  #connect(): net.Socket {
    if (this.#socket) return this.#socket;
    const socket = net.connect({ host: '127.0.0.1', port: this.port });
    socket.setNoDelay(true);
    // Events of a connection already given up (a new one may be open) are ignored.
    const current = (fn: () => void) => () => this.#socket === socket && fn();
    socket.on('data', (chunk: Buffer) => current(() => this.#onData(chunk))());
    socket.on('error', (error) => current(() => this.#fail(new RedisError(`${this.name} (127.0.0.1:${this.port}): ${error.message}`)))());
    socket.on(
      'close',
      current(() => this.#fail(new RedisError(`${this.name} (127.0.0.1:${this.port}): connection closed`))),
    );
    this.#socket = socket;
    return socket;
  }

  /** Drops the connection and fails every pending command: their answers can no longer be matched. */
  #fail(error: Error): void {
    this.#socket?.destroy();
    this.#socket = undefined;
    this.#buffer = Buffer.alloc(0);
    for (const pending of this.#pending.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      let parsed: Parsed | undefined;
      try {
        parsed = parse(this.#buffer, 0);
      } catch (error) {
        return this.#fail(error as Error);
      }
      if (parsed === undefined) return;
      this.#buffer = this.#buffer.subarray(parsed.end);
      const pending = this.#pending.shift();
      if (!pending) continue;
      clearTimeout(pending.timer);
      if (parsed.reply instanceof RedisError) pending.reject(parsed.reply);
      else pending.resolve(parsed.reply);
    }
  }
}

function encode(args: ReadonlyArray<string | number>): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) {
    const text = String(arg);
    parts.push(`$${Buffer.byteLength(text)}\r\n${text}\r\n`);
  }
  return Buffer.from(parts.join(''));
}

type Parsed = { reply: Reply | RedisError; end: number };

/** One RESP2 reply from `offset`, or undefined when the buffer does not hold all of it yet. */
function parse(buffer: Buffer, offset: number): Parsed | undefined {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd === -1) return undefined;
  const type = String.fromCharCode(buffer[offset] ?? 0);
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { reply: line, end: next };
    case '-':
      return { reply: new RedisError(line), end: next };
    case ':':
      return { reply: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length === -1) return { reply: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { reply: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count === -1) return { reply: null, end: next };
      const items: Reply[] = [];
      let end = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, end);
        if (item === undefined) return undefined;
        if (item.reply instanceof RedisError) return { reply: item.reply, end: item.end };
        items.push(item.reply);
        end = item.end;
      }
      return { reply: items, end };
    }
    default:
      throw new RedisError(`unexpected RESP type ${JSON.stringify(type)}`);
  }
}
