/**
 * The supervisor of a recorded `process` run: a small Node program of its own (it loads nothing but
 * Node's built-ins), the fallback of the native one (native/supervisor.c, the same program in C, used
 * wherever a C compiler built it). Started by the runner in a new session, it starts the command and
 * holds its stdout and stderr pipes for its whole life, as containerd's shim and conmon do. While the
 * runner lives, output goes straight to the runner's destinations (its stdout and stderr, handed down
 * as fds 4 and 5), with backpressure; a bounded tail is kept on disk for `attach`. When the runner
 * goes, output goes to the tail only, so the command never blocks or dies for want of a reader. The
 * exit status is written to the run's folder, which any later runner can read.
 *
 * It talks with the runner on fd 3, as supervisor-protocol.ts describes.
 */
import { createWriteStream, fstatSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { Socket } from "node:net";
import { join } from "node:path";
import { isatty, WriteStream } from "node:tty";
import type { Readable, Writable } from "node:stream";
import { startCommand } from "./command-spawn.js";
import { OutputTail } from "./output-tail.js";
import {
  decodeRequest,
  EXIT_FILE,
  type RecordedExit,
  type SupervisorEvent,
  type SupervisorRequest,
} from "./supervisor-protocol.js";

async function main(control: Socket): Promise<void> {
  // kill's SIGTERM reaches the whole process group: the supervisor outlasts the command to record
  // its end. The command itself starts with default dispositions (libuv resets them in the child).
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, () => undefined);
  // Until the runner has recorded the run, the command's output waits in its pipes: no byte of it
  // reaches anyone before the run can be found again (ps, attach).
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const request = await readRequest(control, () => release());
  let runnerGone = false;
  const tell = (event: SupervisorEvent) => {
    if (!runnerGone) control.write(`${JSON.stringify(event)}\n`);
  };
  const stdio = request.streamOutput ? "pipe" : "ignore";
  const started = await startCommand(request, ["ignore", stdio, stdio], { ownProcessGroup: false }).catch(
    (error: NodeJS.ErrnoException) => {
      tell({ event: "spawn-failed", code: error.code, message: error.message });
      return undefined;
    },
  );
  if (!started) {
    // The runner words the failure from the event: it must be written before the supervisor goes.
    control.end(() => process.exit(0));
    return;
  }
  const { child } = started;
  tell({ event: "started", pid: child.pid as number });
  const exited = started.closed;

  const tails: OutputTail[] = [];
  const relays: Relay[] = [];
  if (child.stdout && child.stderr) {
    for (const [source, destination, name] of [
      [child.stdout, 4, "stdout"],
      [child.stderr, 5, "stderr"],
    ] as const) {
      const tail = new OutputTail(request.folder, name, request.tailFileBytes, request.tailBatchMs);
      tails.push(tail);
      const onFailed = (error: NodeJS.ErrnoException) =>
        tell({ event: "output-failed", stream: name, code: error.code ?? "EIO", message: error.message });
      relays.push(relay(source, openDestination(destination), tail, onFailed, released));
    }
  }
  // The runner died or let go: from now on the tail alone takes the output.
  const onRunnerGone = () => {
    runnerGone = true;
    for (const forwarding of relays) forwarding.stop();
  };
  control.on("end", onRunnerGone);
  control.on("error", onRunnerGone);
  control.on("close", onRunnerGone);
  // An end that came while the command started has been emitted already.
  if (control.readableEnded || control.destroyed) onRunnerGone();

  const exit: RecordedExit = await exited;
  await Promise.all(relays.map((forwarding) => forwarding.finished));
  // Only now has the tail had every byte (some may have waited for the release).
  await Promise.all(tails.map((tail) => tail.settled()));
  await recordExit(request.folder, exit);
  control.end();
  process.exit(0);
}

/** Written aside and renamed: a reader sees the whole file or none. */
async function recordExit(folder: string, exit: RecordedExit): Promise<void> {
  const temporary = join(folder, `${EXIT_FILE}.tmp`);
  const final = join(folder, EXIT_FILE);
  try {
    await writeFile(temporary, `${JSON.stringify(exit)}\n`, { mode: 0o600 });
    await rename(temporary, final);
  } catch (error) {
    throw new Error(`could not record the exit in ${final}: ${(error as Error).message}`);
  }
}

/** A command's stream on its way to the runner's destination. */
interface Relay {
  /** Stops the forwarding (the runner is gone); the reading goes on, for the tail. */
  stop(): void;
  /** Resolves when the stream has ended and all of it was forwarded, or the forwarding stopped. */
  finished: Promise<void>;
}

/**
 * Copies a command's stream to the runner's destination and to the tail. A destination that cannot
 * keep up pauses the command (backpressure); one that fails (`EPIPE`, a closed terminal) or a runner
 * that is gone stops the forwarding, not the reading.
 */
function relay(
  source: Readable,
  destination: Writable,
  tail: OutputTail,
  onFailed: (error: NodeJS.ErrnoException) => void,
  released: Promise<void>,
): Relay {
  let forwarding = true;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const stop = () => {
    if (!forwarding) return;
    forwarding = false;
    source.resume();
    // Closing lets go of the runner's terminal or pipe: its reader sees the end once the runner is gone.
    destination.destroy();
    finish();
  };
  destination.on("error", (error: NodeJS.ErrnoException) => {
    onFailed(error);
    stop();
  });
  destination.on("drain", () => {
    if (forwarding) source.resume();
  });
  const pass = (chunk: Buffer) => {
    tail.write(chunk);
    if (forwarding && !destination.write(chunk)) source.pause();
  };
  // Paused until the release, the command's output stays in its pipe. The listener is there from the
  // start: Node discards the unread output of a child that ends with no one listening. It also
  // resumes the streams of a child that ended: what it reads before the release is held until then.
  let held: Buffer[] | undefined = [];
  source.pause();
  source.on("data", (chunk: Buffer) => (held ? held.push(chunk) : pass(chunk)));
  released.then(() => {
    const early = held ?? [];
    held = undefined;
    source.resume();
    for (const chunk of early) pass(chunk);
  });
  // Never end() the destination: on a socket pair (what Node gives a child for a pipe), its shutdown
  // would end the stream for every holder, the runner too. Waiting for the last write is enough: an
  // empty write's callback runs after every earlier one ("drain" would never come for a file, whose
  // last writes are pending without the buffer ever having filled).
  source.on("end", () =>
    released.then(() => {
      if (!forwarding || destination.writableLength === 0) finish();
      else destination.write(Buffer.alloc(0), () => finish());
    }),
  );
  return { stop, finished };
}

/** A writable stream on an inherited fd, of the kind the fd is (what Node does for process.stdout). */
function openDestination(fd: number): Writable {
  if (isatty(fd)) return new WriteStream(fd);
  const info = fstatSync(fd);
  if (info.isFIFO() || info.isSocket()) return new Socket({ fd, readable: false, writable: true });
  return createWriteStream("", { fd });
}

function readRequest(control: Socket, onRelease: () => void): Promise<SupervisorRequest> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      let decoded: ReturnType<typeof decodeRequest>;
      try {
        decoded = decodeRequest(received);
      } catch (error) {
        control.off("data", onData).off("end", onEnd);
        return reject(error);
      }
      if (!decoded) return;
      control.off("data", onData).off("end", onEnd);
      // What follows is the release (see supervisor-protocol.ts); the stream is read on after it
      // only so that its end says the runner is gone.
      let released = decoded.rest.length > 0;
      const release = () => {
        if (released) return;
        released = true;
        onRelease();
      };
      control.on("data", release).once("end", release).once("close", release);
      resolve(decoded.request);
      if (released) onRelease();
    };
    const onEnd = () => reject(new Error("The runner closed the channel before sending the command."));
    control.on("data", onData).once("end", onEnd);
  });
}

// Half open: a runner that ended its side can still hear why the supervisor cannot go on.
const channel = new Socket({ fd: 3, readable: true, writable: true, allowHalfOpen: true });
main(channel).catch((error: Error) => {
  process.stderr.write(`infrablocks supervisor: ${error.message}\n`);
  // The runner words the failure from the event: it must be written before the supervisor goes.
  const event: SupervisorEvent = { event: "failed", message: error.message };
  if (channel.writable) channel.end(`${JSON.stringify(event)}\n`, () => process.exit(70));
  else process.exit(70);
});
