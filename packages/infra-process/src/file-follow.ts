import { watch } from "node:fs";
import { open } from "node:fs/promises";
import type { Writable } from "node:stream";

/** A file being copied to a stream as it grows. */
export interface FileFollow {
  /** Copies what is left up to the end of the file, then stops; resolves when done. */
  finish(): Promise<void>;
}

/**
 * Copies a growing file to `destination`, from its start or, with `fromEnd`, from its current end.
 * Woken by inotify (fs.watch), not by polling; a full destination pauses the copy until it drains.
 * The file must exist.
 */
export function followFile(path: string, destination: Writable, options: { fromEnd: boolean }): FileFollow {
  let wake: (() => void) | undefined;
  let changed = true;
  let finishing = false;
  // Watching starts before the first read, so that no change can fall between a read and the wait.
  const watcher = watch(path, () => {
    changed = true;
    wake?.();
  });
  // An error of the watcher (the file removed under it) ends the wait; the reads say the rest.
  watcher.on("error", () => wake?.());
  const done = (async () => {
    const handle = await open(path, "r");
    try {
      let position = options.fromEnd ? (await handle.stat()).size : 0;
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const last = finishing;
        changed = false;
        for (;;) {
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
          if (bytesRead === 0) break;
          position += bytesRead;
          // A reader that went away (`| head`) ends the copy; the runner decides what becomes of the run.
          if (destination.destroyed) return;
          if (!destination.write(Buffer.from(buffer.subarray(0, bytesRead)))) await drained(destination);
        }
        if (last) return;
        if (!changed && !finishing) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      watcher.close();
      await handle.close();
    }
  })();
  // Failures surface through finish(); until it is called, they must not count as unhandled.
  done.catch(() => undefined);
  return {
    finish() {
      finishing = true;
      wake?.();
      return done;
    },
  };
}

/** Resolves when `destination` can take more, or is gone (closed or failed). */
function drained(destination: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      destination.off("drain", done);
      destination.off("close", done);
      destination.off("error", done);
      resolve();
    };
    destination.on("drain", done);
    destination.on("close", done);
    destination.on("error", done);
  });
}
