import { describe, expect, it } from "vitest";
import { FrameDemuxer } from "./demux.js";

function frame(stream: 0 | 1 | 2, payload: Buffer | string): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** Feeds `input` in chunks of `size` bytes and collects each stream's bytes. */
function demux(input: Buffer, size: number): { stdout: Buffer; stderr: Buffer; incomplete: boolean } {
  const demuxer = new FrameDemuxer();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for (let offset = 0; offset < input.length; offset += size) {
    for (const chunk of demuxer.push(input.subarray(offset, offset + size))) {
      (chunk.stream === 2 ? err : out).push(Buffer.from(chunk.payload));
    }
  }
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err), incomplete: demuxer.incomplete };
}

describe("FrameDemuxer", () => {
  // "é" is two bytes in UTF-8; here its bytes land in two frames.
  const eAcute = Buffer.from("é");
  const input = Buffer.concat([
    frame(1, "out 1\n"),
    frame(2, "err 1\n"),
    frame(1, ""),
    frame(1, Buffer.concat([Buffer.from("caf"), eAcute.subarray(0, 1)])),
    frame(1, Buffer.concat([eAcute.subarray(1), Buffer.from("\n")])),
    frame(2, ""),
    frame(2, "err 2\n"),
    frame(0, "stdin echo\n"),
    frame(1, "x".repeat(70_000)),
  ]);
  const expectedStdout = `out 1\ncafé\nstdin echo\n${"x".repeat(70_000)}`;

  it.each([1, 2, 3, 7, 8, 9, 4096, input.length])("splits frames fed in %i-byte chunks", (size) => {
    const { stdout, stderr, incomplete } = demux(input, size);
    expect(stdout.toString("utf8")).toBe(expectedStdout);
    expect(stderr.toString("utf8")).toBe("err 1\nerr 2\n");
    expect(incomplete).toBe(false);
  });

  it("passes payload on as it arrives, without waiting for the whole frame", () => {
    const demuxer = new FrameDemuxer();
    const big = frame(1, "y".repeat(1000));
    const first = demuxer.push(big.subarray(0, 108));
    expect(first).toHaveLength(1);
    expect(first[0]?.payload.length).toBe(100);
    expect(demuxer.incomplete).toBe(true);
    expect(demuxer.push(big.subarray(108)).map((chunk) => chunk.payload.length)).toEqual([900]);
    expect(demuxer.incomplete).toBe(false);
  });

  it("reports a stream cut inside a header or a payload", () => {
    expect(demux(frame(1, "abc").subarray(0, 5), 1).incomplete).toBe(true);
    expect(demux(frame(1, "abc").subarray(0, 10), 1).incomplete).toBe(true);
  });

  it("refuses output that is not multiplexed (a TTY's raw stream)", () => {
    expect(() => new FrameDemuxer().push(Buffer.from("hello world\n"))).toThrow("not a multiplexed stream");
  });
});
