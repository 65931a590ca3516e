/** `2024-05-01T10:20:30.123456789Z` (RFC 3339, as the kubelet prefixes log lines) as nanoseconds since the epoch. */
export function timestampNanos(text: string): bigint | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match) return undefined;
  const [, seconds, fraction = "", zone] = match;
  const millis = Date.parse(`${seconds}${zone}`);
  if (Number.isNaN(millis)) return undefined;
  return BigInt(millis) * 1_000_000n + BigInt(fraction.padEnd(9, "0"));
}

/**
 * Drops the lines a resumed log stream sends again. A resumed request asks for lines since the last
 * timestamp seen; the kubelet may return earlier lines of the same second too (the apiserver passes
 * `sinceTime` on in whole seconds), and lines sharing the exact last timestamp come back as well. So:
 * lines older than the last timestamp are skipped, and of those at exactly that timestamp, as many as
 * were already written.
 */
export class LogDeduplicator {
  #last: bigint | undefined;
  #lastText: string | undefined;
  #seenAtLast = 0;
  #toSkip = 0;

  /** The `sinceTime` for the next request, or undefined before any line. */
  get sinceTime(): string | undefined {
    return this.#lastText;
  }

  /** Call when a new request starts. */
  restart(): void {
    this.#toSkip = this.#seenAtLast;
  }

  /** Whether a line (timestamp text as sent) is new; counts it if so. */
  accept(timestamp: string): boolean {
    const at = timestampNanos(timestamp);
    // A line without a timestamp cannot be placed; better shown twice than lost.
    if (at === undefined) return true;
    if (this.#last !== undefined && at < this.#last) return false;
    if (this.#last !== undefined && at === this.#last) {
      if (this.#toSkip > 0) {
        this.#toSkip--;
        return false;
      }
      this.#seenAtLast++;
      return true;
    }
    this.#last = at;
    this.#lastText = timestamp;
    this.#seenAtLast = 1;
    this.#toSkip = 0;
    return true;
  }
}
