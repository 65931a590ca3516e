import { close, open, openSync, rename, writev } from "node:fs";
import { join } from "node:path";

/** The files of one stream's tail in a run's folder: the current one and the one before it. */
export function tailFiles(
  folder: string,
  stream: "stdout" | "stderr",
): { current: string; previous: string } {
  return { current: join(folder, stream), previous: join(folder, `${stream}.1`) };
}

/**
 * How long a tail's writes wait for more output (the native supervisor takes it from the request):
 * a fast command's output mostly rotates out in memory, and only what is still recent when the batch
 * is due costs a disk write.
 */
export const TAIL_BATCH_MS = 100;

/** The cap of one tail file: a run's tail bytes are shared by two streams of two files each. */
export function tailFileBytes(tailBytes: number): number {
  return Math.max(1, Math.floor(tailBytes / 4));
}

/**
 * Keeps the most recent output of one stream on disk, as Docker's json-file logs do with `max-size`
 * and `max-file=2`: the current file grows to `fileCap` bytes, then becomes the previous one and a
 * new current file starts. So the two files hold at least the last `fileCap` bytes and never more
 * than `2 × fileCap`. Writes are batched (what arrived in the last `batchMs`) and never awaited by the
 * producer: the command must not wait on the disk, and what a slow or full disk cannot take in time
 * is dropped from the front (it would have rotated out anyway).
 */
export class OutputTail {
  readonly #files: { current: string; previous: string };
  readonly #fileCap: number;
  readonly #batchMs: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #fd: number | undefined;
  #size = 0;
  #writing = false;
  #timer: NodeJS.Timeout | undefined;
  #failed = false;
  #idle: (() => void)[] = [];

  constructor(folder: string, stream: "stdout" | "stderr", fileCap: number, batchMs = TAIL_BATCH_MS) {
    this.#files = tailFiles(folder, stream);
    this.#fileCap = Math.max(1, fileCap);
    this.#batchMs = batchMs;
    // Created at once, so that `attach` finds the file to follow from the first byte. A file that
    // cannot be created costs the tail, as a failing disk does later.
    try {
      this.#fd = openSync(this.#files.current, "w", 0o600);
    } catch {
      this.#failed = true;
    }
  }

  /** Queues a chunk; it reaches the disk with the next batch. */
  write(chunk: Buffer): void {
    if (this.#failed) return;
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    this.#trimPending();
    if (!this.#writing && this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#flush();
      }, this.#batchMs);
    }
  }

  /** Writes what is queued now, and resolves once it is on disk (or the disk refused it). */
  settled(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#flush();
    }
    if (!this.#writing) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  // More than two files' worth waiting to be written can only end up rotated out.
  #trimPending(): void {
    const keep = 2 * this.#fileCap;
    while (this.#pendingBytes > keep && this.#pending.length > 0) {
      const first = this.#pending[0] as Buffer;
      const excess = this.#pendingBytes - keep;
      if (first.length <= excess) {
        this.#pending.shift();
        this.#pendingBytes -= first.length;
      } else {
        this.#pending[0] = first.subarray(excess);
        this.#pendingBytes -= excess;
      }
    }
  }

  #flush(): void {
    if (this.#pendingBytes === 0 || this.#failed) {
      this.#writing = false;
      for (const resolve of this.#idle.splice(0)) resolve();
      return;
    }
    this.#writing = true;
    const batch = Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#writeBatch(batch, () => {
      // Someone waits in settled(): write the rest at once. Otherwise the next batch is due later.
      if (this.#idle.length > 0 || this.#pendingBytes === 0) return this.#flush();
      this.#writing = false;
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#flush();
      }, this.#batchMs);
    });
  }

  /** Fills the current file up to the cap, rotates, and goes on with the rest. */
  #writeBatch(batch: Buffer, done: () => void): void {
    const room = this.#fileCap - this.#size;
    if (this.#fd !== undefined && room <= 0) {
      this.#rotate(() => this.#writeBatch(batch, done));
      return;
    }
    if (this.#fd === undefined) {
      open(this.#files.current, "w", 0o600, (error, fd) => {
        if (error) return this.#fail(done);
        this.#fd = fd;
        this.#size = 0;
        this.#writeBatch(batch, done);
      });
      return;
    }
    const part = batch.length > room ? batch.subarray(0, room) : batch;
    const rest = batch.subarray(part.length);
    writev(this.#fd, [part], (error) => {
      if (error) return this.#fail(done);
      this.#size += part.length;
      if (rest.length > 0) this.#writeBatch(rest, done);
      else done();
    });
  }

  #rotate(then: () => void): void {
    const fd = this.#fd as number;
    this.#fd = undefined;
    close(fd, () => rename(this.#files.current, this.#files.previous, () => then()));
  }

  // A full or failing disk costs the tail, never the run: the command's output still reaches the runner.
  #fail(done: () => void): void {
    this.#failed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    done();
  }
}
