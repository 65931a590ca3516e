import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { outputFailed, writableAgain } from "./run-output.js";

/** A destination that holds every write until told, so that it is full after one. */
function fullDestination(): Writable & { release(): void } {
  let pending: (() => void) | undefined;
  const destination = new Writable({
    highWaterMark: 1,
    write(_chunk, _encoding, callback) {
      pending = callback;
    },
  });
  destination.on("error", () => undefined);
  destination.write("x");
  return Object.assign(destination, { release: () => pending?.() });
}

describe("a run's output destination", () => {
  it("is writable again once it drains, fails or closes", async () => {
    const drains = fullDestination();
    const drained = writableAgain(drains);
    drains.release();
    await expect(drained).resolves.toBeUndefined();

    const fails = fullDestination();
    const failed = writableAgain(fails);
    fails.destroy(new Error("ENOSPC: no space left on device, write"));
    await expect(failed).resolves.toBeUndefined();
    expect(outputFailed(fails)).toBe(true);

    const closes = fullDestination();
    const closed = writableAgain(closes);
    closes.destroy();
    await expect(closed).resolves.toBeUndefined();
    expect(outputFailed(closes)).toBe(true);
    expect(outputFailed(drains)).toBe(false);
  });

  it("stops waiting with the reason when stopped, before or while it waits", async () => {
    const stopped = new AbortController();
    const waiting = writableAgain(fullDestination(), stopped.signal);
    stopped.abort(new Error("stopped"));
    await expect(waiting).rejects.toThrow("stopped");
    await expect(writableAgain(fullDestination(), stopped.signal)).rejects.toThrow("stopped");
  });
});
