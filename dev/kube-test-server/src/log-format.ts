/** Nanoseconds since the epoch of an RFC 3339 time with optional fraction, or undefined if malformed. */
export function rfc3339ToNanos(value: string): bigint | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(value.trim());
  if (!m) return undefined;
  const [, whole = "", fraction = "", zone = ""] = m;
  const ms = Date.parse(`${whole}${zone}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt(fraction.padEnd(9, "0"));
}

/** Docker writes fixed nine-digit fractions; the kubelet writes Go's RFC3339Nano, trailing zeros trimmed. */
export function kubeletTimestamp(dockerTimestamp: string): string {
  return dockerTimestamp.replace(/\.(\d*?)0*Z$/, (_, digits: string) => (digits ? `.${digits}Z` : "Z"));
}

/**
 * Splits Docker's multiplexed log stream (8-byte header: stream, 3 zero bytes, big-endian length)
 * into its frames, stdout and stderr interleaved in the order Docker wrote them.
 */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      frames.push(this.pending.subarray(8, 8 + size));
      this.pending = this.pending.subarray(8 + size);
    }
    return frames;
  }
}

/** A frame with Docker's timestamp prefix as [timestamp, rest of the line]. */
export function splitTimestamp(frame: Buffer): [string, Buffer] {
  const space = frame.indexOf(0x20);
  if (space < 0) return ["", frame];
  return [frame.subarray(0, space).toString("latin1"), frame.subarray(space + 1)];
}
