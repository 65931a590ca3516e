/** One piece of a container's output: all or part of a frame's payload. */
export interface OutputChunk {
  /** 1 for stdout, 2 for stderr (0, stdin, is written to stdout as the docker CLI does). */
  readonly stream: 0 | 1 | 2;
  readonly payload: Buffer;
}

const HEADER_SIZE = 8;

/**
 * Splits the engine's multiplexed output (Tty false): frames of an 8-byte header, `[stream, 0, 0, 0,
 * size (uint32 big-endian)]`, then `size` bytes. Chunks may cut anywhere, headers included; payload
 * is passed on as it arrives, so a large frame is never buffered whole.
 */
export class FrameDemuxer {
  readonly #header = Buffer.alloc(HEADER_SIZE);
  #headerFilled = 0;
  #remaining = 0;
  #stream: 0 | 1 | 2 = 1;

  push(chunk: Buffer): OutputChunk[] {
    const chunks: OutputChunk[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#remaining === 0) {
        const take = Math.min(HEADER_SIZE - this.#headerFilled, chunk.length - offset);
        chunk.copy(this.#header, this.#headerFilled, offset, offset + take);
        this.#headerFilled += take;
        offset += take;
        if (this.#headerFilled < HEADER_SIZE) break;
        this.#headerFilled = 0;
        this.#stream = this.#readStreamType();
        // A zero-length frame leaves #remaining at 0: the next byte starts another header.
        this.#remaining = this.#header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.#remaining, chunk.length - offset);
      chunks.push({ stream: this.#stream, payload: chunk.subarray(offset, offset + take) });
      this.#remaining -= take;
      offset += take;
    }
    return chunks;
  }

  /** Whether the stream stopped inside a frame (output was cut off). */
  get incomplete(): boolean {
    return this.#headerFilled > 0 || this.#remaining > 0;
  }

  #readStreamType(): 0 | 1 | 2 {
    const type = this.#header[0] as number;
    if (type > 2 || this.#header[1] !== 0 || this.#header[2] !== 0 || this.#header[3] !== 0) {
      throw new Error(
        `the container's output is not a multiplexed stream (header ${this.#header.toString("hex")}); was it created with a TTY?`,
      );
    }
    return type as 0 | 1 | 2;
  }
}
