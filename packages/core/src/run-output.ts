import type { Writable } from "node:stream";

/**
 * Whether a run's output destination takes no more writes: it failed (its reader gone, a full disk) or
 * was closed. Its owner hears of that from the stream's own `error` event; a driver drops what was
 * meant for it and reads on, so that the infrastructure never blocks on output nobody takes.
 */
export function outputFailed(destination: Writable): boolean {
  return destination.destroyed || destination.errored !== null;
}

/**
 * Resolves when a full `destination` drains, or fails or closes (it will take no more: see
 * {@link outputFailed}), whichever comes first; rejects with the reason once `stopped` aborts.
 */
export function writableAgain(destination: Writable, stopped?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stopped?.aborted) return reject(stopped.reason);
    const cleanUp = () => {
      destination.off("drain", settle).off("error", settle).off("close", settle);
      stopped?.removeEventListener("abort", abort);
    };
    const settle = () => {
      cleanUp();
      resolve();
    };
    const abort = () => {
      cleanUp();
      reject(stopped?.reason);
    };
    destination.on("drain", settle).on("error", settle).on("close", settle);
    stopped?.addEventListener("abort", abort);
  });
}
