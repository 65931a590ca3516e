import { PassThrough, Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { copyOutput } from "./container-output.js";

function frame(stream: 1 | 2, text: string): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([header, Buffer.from(text)]);
}

/** A destination that accepts one write at a time and completes it only when told. */
class SlowSink extends Writable {
  readonly received: string[] = [];
  #pending: (() => void) | undefined;
  constructor() {
    super({ highWaterMark: 1 });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.received.push(chunk.toString());
    this.#pending = callback;
  }
  release(): boolean {
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.();
    return pending !== undefined;
  }
}

describe("copyOutput", () => {
  it("writes each stream's frames to its destination", async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const source = Readable.from([Buffer.concat([frame(1, "a\n"), frame(2, "b\n"), frame(1, "c\n")])]);
    await copyOutput(source, stdout, stderr).done;
    expect(stdout.read()?.toString()).toBe("a\nc\n");
    expect(stderr.read()?.toString()).toBe("b\n");
  });

  it("stops reading while a destination is full, and resumes when it drains", async () => {
    const frames = Array.from({ length: 5 }, (_, index) => frame(1, `line ${index}\n`));
    const source = new PassThrough({ highWaterMark: 1 });
    const sink = new SlowSink();
    const copy = copyOutput(source, sink, new PassThrough());
    for (const chunk of frames) source.write(chunk);
    source.end();
    // Only the first write has been accepted; the copy waits for 'drain' instead of piling up writes.
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.received).toEqual(["line 0\n"]);
    while (sink.received.length < 5) {
      sink.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    sink.release();
    await copy.done;
    expect(sink.received).toEqual(frames.map((_, index) => `line ${index}\n`));
  });

  it("ends when stopped, even while waiting on a full destination", async () => {
    const source = new PassThrough();
    const sink = new SlowSink();
    const copy = copyOutput(source, sink, new PassThrough());
    source.write(Buffer.concat([frame(1, "first\n"), frame(1, "second\n")]));
    await new Promise((resolve) => setImmediate(resolve));
    copy.stop();
    await expect(copy.done).rejects.toThrow();
    expect(sink.received).toEqual(["first\n"]);
  });

  it("drops what a failed destination would get and reads on, to the end, for the other", async () => {
    // A full disk, or the reader of a pipe gone: the destination's owner hears of it from the stream.
    const failing = new SlowSink();
    const heard: string[] = [];
    failing.on("error", (error) => heard.push(error.message));
    const stderr = new PassThrough();
    const source = new PassThrough();
    const copy = copyOutput(source, failing, stderr);
    source.write(Buffer.concat([frame(1, "kept\n"), frame(1, "dropped\n")]));
    await new Promise((resolve) => setImmediate(resolve));
    failing.destroy(Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }));
    source.end(Buffer.concat([frame(1, "dropped too\n"), frame(2, "still copied\n")]));
    await copy.done;
    expect(failing.received).toEqual(["kept\n"]);
    expect(heard).toEqual(["ENOSPC: no space left on device, write"]);
    expect(stderr.read()?.toString()).toBe("still copied\n");
  });

  it("fails when the stream ends inside a frame", async () => {
    const source = Readable.from([frame(1, "cut off").subarray(0, 10)]);
    await expect(copyOutput(source, new PassThrough(), new PassThrough()).done).rejects.toThrow(
      "middle of a frame",
    );
  });
});
