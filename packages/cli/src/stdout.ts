import { writeSync } from "node:fs";

let stream: NodeJS.WriteStream | undefined;

/**
 * Writes to stdout: straight to file descriptor 1 while it takes the bytes. Setting up `process.stdout`
 * (its stream, and the tty or net modules under it) costs a command 2 to 3 ms, and on Linux its writes
 * to files, pipes and terminals are synchronous all the same. A stdout that would block (non-blocking,
 * as a parent may leave it) gets the rest through {@link stdoutStream}, which queues, as does everything
 * written after it.
 */
export function writeStdout(text: string): void {
  if (stream) {
    stream.write(text);
    return;
  }
  const bytes = Buffer.from(text);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    if (failure.code !== "EAGAIN") endWhenStdoutGone(failure);
    stdoutStream().write(bytes.subarray(written));
  }
}

/**
 * `process.stdout`, for what streams into it (a run's output); from then on {@link writeStdout} writes
 * there too, so that nothing overtakes what it queued. It ends the command when its reader goes away.
 */
export function stdoutStream(): NodeJS.WriteStream {
  if (!stream) {
    stream = process.stdout;
    stream.on("error", endWhenStdoutGone);
  }
  return stream;
}

/**
 * When the reader of stdout goes away (`infrablocks schema | head`), the command ends quietly with
 * 141, as a Unix tool killed by SIGPIPE does, instead of crashing on the write's EPIPE. `run` and
 * `attach` take this over to stop their run first (commands/run.ts).
 */
export function endWhenStdoutGone(error: NodeJS.ErrnoException): void {
  if (error.code !== "EPIPE") throw error;
  process.exit(141);
}
