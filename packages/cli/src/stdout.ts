import { writeSync } from "node:fs";

let stream: NodeJS.WriteStream | undefined;
let onFailure: (error: NodeJS.ErrnoException) => void = endOnStdoutFailure;

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
    if (failure.code === "EAGAIN") stdoutStream().write(bytes.subarray(written));
    else onFailure(failure);
  }
}

/**
 * `process.stdout`, for what streams into it (a run's output); from then on {@link writeStdout} writes
 * there too, so that nothing overtakes what it queued.
 */
export function stdoutStream(): NodeJS.WriteStream {
  if (!stream) {
    stream = process.stdout;
    stream.on("error", (error: NodeJS.ErrnoException) => onFailure(error));
  }
  return stream;
}

/**
 * What happens when stdout refuses a write, from now on. `run` and `attach` stop their run first
 * (commands/run.ts); every other command ends with {@link endOnStdoutFailure}.
 */
export function whenStdoutFails(handler: (error: NodeJS.ErrnoException) => void): void {
  onFailure = handler;
}

/**
 * When the reader of stdout goes away (`infrablocks schema | head`), the command ends quietly with
 * 141, as a Unix tool killed by SIGPIPE does. Any other failure (a full disk, `> /dev/full`) ends it
 * with 1 and the reason: output was lost, which a script must not take for success.
 */
function endOnStdoutFailure(error: NodeJS.ErrnoException): never {
  if (error.code !== "EPIPE") process.stderr.write(`error: unable to write to stdout: ${error.message}\n`);
  process.exit(error.code === "EPIPE" ? 141 : 1);
}
