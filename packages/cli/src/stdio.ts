import { writeSync } from "node:fs";

/** stdout or stderr. */
export type OutputName = "stdout" | "stderr";

/** What a stdout or stderr refusing a write (its reader gone, a full disk) does, from then on. */
export type OutputFailureHandler = (error: NodeJS.ErrnoException, name: OutputName) => void;

interface Output {
  readonly name: OutputName;
  readonly fd: 1 | 2;
  stream?: NodeJS.WriteStream;
  onFailure: OutputFailureHandler;
}

const outputs: Record<OutputName, Output> = {
  stdout: { name: "stdout", fd: 1, onFailure: endOnStdoutFailure },
  // stderr is where a failure would be told: one of its own is let go, and the command's status stands.
  stderr: { name: "stderr", fd: 2, onFailure: () => undefined },
};

/**
 * Writes to stdout: straight to file descriptor 1 while it takes the bytes. Setting up `process.stdout`
 * (its stream, and the tty or net modules under it) costs a command 2 to 3 ms, and on Linux its writes
 * to files, pipes and terminals are synchronous all the same. A stdout that would block (non-blocking,
 * as a parent may leave it) gets the rest through {@link stdoutStream}, which queues, as does everything
 * written after it.
 */
export function writeStdout(text: string): void {
  write(outputs.stdout, text);
}

/** Writes to stderr, as {@link writeStdout} writes to stdout. */
export function writeStderr(text: string): void {
  write(outputs.stderr, text);
}

/**
 * `process.stdout`, for what streams into it (a run's output); from then on {@link writeStdout} writes
 * there too, so that nothing overtakes what it queued.
 */
export function stdoutStream(): NodeJS.WriteStream {
  return stream(outputs.stdout);
}

/** `process.stderr`, as {@link stdoutStream} is `process.stdout`. */
export function stderrStream(): NodeJS.WriteStream {
  return stream(outputs.stderr);
}

/**
 * What happens when stdout or stderr refuses a write, from now on. `run` and `attach` stop their run
 * (commands/run.ts); every other command ends with {@link endOnStdoutFailure} when stdout fails, and
 * goes on when stderr does.
 */
export function whenOutputFails(handler: OutputFailureHandler): void {
  outputs.stdout.onFailure = handler;
  outputs.stderr.onFailure = handler;
}

// --- Internal helpers ---

function write(output: Output, text: string): void {
  if (output.stream) {
    output.stream.write(text);
    return;
  }
  const bytes = Buffer.from(text);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(output.fd, bytes, written);
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    if (failure.code === "EAGAIN") stream(output).write(bytes.subarray(written));
    else output.onFailure(failure, output.name);
  }
}

function stream(output: Output): NodeJS.WriteStream {
  if (!output.stream) {
    const opened = output.name === "stdout" ? process.stdout : process.stderr;
    opened.on("error", (error: NodeJS.ErrnoException) => output.onFailure(error, output.name));
    output.stream = opened;
  }
  return output.stream;
}

/**
 * When the reader of stdout goes away (`infrablocks schema | head`), the command ends quietly with
 * 141, as a Unix tool killed by SIGPIPE does. Any other failure (a full disk, `> /dev/full`) ends it
 * with 1 and the reason: output was lost, which a script must not take for success.
 */
function endOnStdoutFailure(error: NodeJS.ErrnoException): never {
  if (error.code !== "EPIPE") writeStderr(`error: unable to write to stdout: ${error.message}\n`);
  process.exit(error.code === "EPIPE" ? 141 : 1);
}
