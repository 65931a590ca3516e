import { promises, watch } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { Writable } from "node:stream";
import { writableAgain } from "@infrablocks/core/runtime";

// fs.promises is read when a follow opens a file: requiring node:fs/promises would cost every process run
// 1.4 ms (BENCHMARKS.md), and only `attach` follows files.
const open = (path: string, flags: string) => promises.open(path, flags);

/** A file being copied to a stream as it grows. */
export interface FileFollow {
  /** Copies what is left up to the end of the file, then stops; resolves when done. */
  finish(): Promise<void>;
}

/**
 * Copies a growing file to `destination` from its start, following it across rotations (the file
 * renamed away and a new one created at its path, as {@link OutputTail} does): the old file is read
 * to its end, then the new one from its start. Woken by inotify on the folder (fs.watch), not by
 * polling; a full destination pauses the copy until it drains.
 */
export function followFile(path: string, destination: Writable): FileFollow {
  let wake: (() => void) | undefined;
  let changed = true;
  let finishing = false;
  // Watching starts before the first read, so that no change can fall between a read and the wait.
  // The folder is watched, not the file: a watch on the file would follow it to its rotated name.
  const name = basename(path);
  const watcher = watch(dirname(path), (_event, file) => {
    if (file !== null && file !== name) return;
    changed = true;
    wake?.();
  });
  // An error of the watcher (the folder removed under it) ends the wait; the reads say the rest.
  watcher.on("error", () => wake?.());
  const done = (async () => {
    let handle: FileHandle | undefined = await open(path, "r").catch(() => undefined);
    let position = 0;
    const buffer = Buffer.alloc(64 * 1024);
    try {
      for (;;) {
        const last = finishing;
        changed = false;
        for (;;) {
          if (!handle) break;
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
          if (bytesRead === 0) {
            // At the end of a file that is no longer at the path: it was rotated; go on with the new one.
            const next = await replacement(path, handle);
            if (!next) break;
            await handle.close();
            handle = next;
            position = 0;
            continue;
          }
          position += bytesRead;
          // A reader that went away (`| head`) ends the copy; the runner decides what becomes of the run.
          if (destination.destroyed) return;
          if (!destination.write(Buffer.from(buffer.subarray(0, bytesRead))))
            await writableAgain(destination);
        }
        if (last) return;
        if (!changed && !finishing) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        handle ??= await open(path, "r").catch(() => undefined);
      }
    } finally {
      watcher.close();
      await handle?.close();
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

/** The file now at `path`, when it is another one than `handle` holds. */
async function replacement(path: string, handle: FileHandle): Promise<FileHandle | undefined> {
  const next = await open(path, "r").catch(() => undefined);
  if (!next) return undefined;
  const [held, found] = await Promise.all([handle.stat(), next.stat()]);
  if (held.ino !== found.ino || held.dev !== found.dev) return next;
  await next.close();
  return undefined;
}
