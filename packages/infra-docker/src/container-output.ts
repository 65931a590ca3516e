import type { Readable, Writable } from "node:stream";
import { outputFailed, writableAgain } from "@infrablocks/core/runtime";
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
 * returns false) pauses the copy until it drains, which in turn stops reading from the engine. A
 * destination that fails (its reader gone, a full disk) tells its owner itself, by its `error` event:
 * what was meant for it is dropped, and the copy reads on, so that the container never blocks on output
 * nobody takes. `done` rejects only for the engine's stream.
 */
export function copyOutput(source: Readable, stdout: Writable, stderr: Writable): OutputCopy {
  const stopped = new AbortController();
  const copy = async () => {
    const demuxer = new FrameDemuxer();
    for await (const chunk of source as AsyncIterable<Buffer>) {
      for (const { stream, payload } of demuxer.push(chunk)) {
        const target = stream === 2 ? stderr : stdout;
        if (outputFailed(target)) continue;
        if (!target.write(payload)) await writableAgain(target, stopped.signal);
      }
    }
    if (demuxer.incomplete) throw new Error("the output stream ended in the middle of a frame");
  };
  const done = copy();
  // Handled where the run collects the container's exit; it may fail before then (while the container
  // starts), which must not count as an unhandled rejection.
  done.catch(() => undefined);
  return {
    done,
    stop() {
      stopped.abort();
      source.destroy();
    },
  };
}
