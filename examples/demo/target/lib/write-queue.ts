// The write queue client. The broker is simulated inside the deps process, so "connecting"
// means: the configured host is the broker's address. Pointing the client anywhere else
// (a typo, a stale DNS name such as queue.invalid:5672) leaves it disconnected and every
// publish fails fast, the way a client with a dead connection and no broker to reconnect to does.

export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailableError';
}

export class WriteQueue {
  readonly brokerAddress: string;
  #host: string;

  constructor(brokerAddress: string, host: string = brokerAddress) {
    this.brokerAddress = brokerAddress;
    this.#host = host;
  }

  get host(): string {
    return this.#host;
  }

  get connected(): boolean {
    return this.#host === this.brokerAddress;
  }

  connect(host: string): void {
    this.#host = host;
  }

  /** Runs `deliver` (the consumer applying the message) or throws when the queue is unreachable. */
  publish<T>(deliver: () => T): T {
    if (!this.connected) {
      throw new QueueUnavailableError(`write queue unreachable at ${this.#host}; the broker is at ${this.brokerAddress}`);
    }
    return deliver();
  }
}
