import { once } from "node:events";
import type { Readable, Writable } from "node:stream";
import { FrameDemuxer } from "./demux.js";

/** A container's output being copied to the caller's streams. */
export interface OutputCopy {
  /** Settles when the engine closes the stream (the container ended) or the copy fails. */
  readonly done: Promise<void>;
  /** Stops copying: closes the engine's stream and stops waiting for the destinations. */
  stop(): void;
}

/**
 * Copies a multiplexed output stream to stdout and stderr. A destination that is full (`write`
 * returns false) pauses the copy until it drains, which in turn stops reading from the engine.
 */
export function copyOutput(source: Readable, stdout: Writable, stderr: Writable): OutputCopy {
  const stopped = new AbortController();
  const copy = async () => {
    const demuxer = new FrameDemuxer();
    for await (const chunk of source as AsyncIterable<Buffer>) {
      for (const { stream, payload } of demuxer.push(chunk)) {
        const target = stream === 2 ? stderr : stdout;
        if (!target.write(payload)) await once(target, "drain", { signal: stopped.signal });
      }
    }
    if (demuxer.incomplete) throw new Error("the output stream ended in the middle of a frame");
  };
  return {
    done: copy(),
    stop() {
      stopped.abort();
      source.destroy();
    },
  };
}
