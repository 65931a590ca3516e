/**
 * How a runner and the supervisor of its `process` run talk, on the supervisor's fd 3, a socket pair.
 * There are two supervisors, one protocol: the native one (native/supervisor.c) and the Node one
 * (supervisor.ts), its fallback. The runner writes its {@link SupervisorRequest} in a framing C reads
 * simply ({@link encodeRequest}); the supervisor answers with JSON lines, {@link SupervisorEvent}s.
 * Once the runner has recorded the run, it writes {@link RELEASE}, and only then does the supervisor
 * pass the command's output on. The end of the channel tells the supervisor that its runner is gone
 * (and releases the output to the tail).
 */
import type { ProcessCommand } from "./command-spawn.js";

/** The runner's last write: the run is recorded; output may flow. Any byte after the request counts. */
export const RELEASE = "recorded\n";

export interface SupervisorRequest extends ProcessCommand {
  /** The run's folder: the tail files and the exit status go there. */
  folder: string;
  /** Whether the command's output is wanted at all; without it, stdout and stderr are /dev/null. */
  streamOutput: boolean;
  /** The cap of one tail file (output-tail.ts: tailFileBytes); each stream keeps two. */
  tailFileBytes: number;
  /** How long the tail's writes wait for more output (output-tail.ts: TAIL_BATCH_MS). */
  tailBatchMs: number;
}

export type SupervisorEvent =
  /**
   * The native supervisor runs (its first word, before it reads the request). One that ends without it
   * never ran (a build for another machine): nothing was started, and the Node one may take the run.
   * The Node supervisor, which nothing falls back from, does not say it.
   */
  | { event: "ready" }
  | { event: "started"; pid: number }
  | { event: "spawn-failed"; code: string | undefined; message: string }
  /**
   * The runner's stdout or stderr refused the output: its reader went away (`EPIPE`, as in `| head`) or
   * it failed (`ENOSPC`, a full disk). `message` is the code and its words. The runner decides what to do.
   */
  | { event: "output-failed"; stream: "stdout" | "stderr"; code: string; message: string }
  /** The supervisor cannot go on (its last word): before `started`, nothing was started. */
  | { event: "failed"; message: string };

/** What the supervisor records when the command has ended. */
export interface RecordedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export const EXIT_FILE = "exit.json";

/**
 * The request as bytes: the payload's length in decimal and a newline, then the payload, fields each
 * ended by a NUL: folder, streamOutput (`1` or `0`), tailFileBytes, tailBatchMs, cwd, executable,
 * the number of arguments and each argument, the number of environment entries and each `NAME=value`.
 * No field holds a NUL: no command line or environment can carry one, and the document's checks refuse
 * it.
 */
export function encodeRequest(request: SupervisorRequest): Buffer {
  const environment = Object.entries(request.env).map(([name, value]) => `${name}=${value}`);
  const fields = [
    request.folder,
    request.streamOutput ? "1" : "0",
    String(request.tailFileBytes),
    String(request.tailBatchMs),
    request.cwd,
    request.executable,
    String(request.args.length),
    ...request.args,
    String(environment.length),
    ...environment,
  ];
  const payload = Buffer.from(fields.map((field) => `${field}\0`).join(""), "utf8");
  return Buffer.concat([Buffer.from(`${payload.length}\n`), payload]);
}

/** Far above what exec() takes (ARG_MAX): a longer length is garbage. native/supervisor.c: MAX_REQUEST. */
const MAX_REQUEST_BYTES = 256 * 1024 * 1024;

/**
 * The request at the start of `bytes` and what follows it, or undefined while it is incomplete. A
 * request that is not one throws, worded as the native supervisor words it.
 */
export function decodeRequest(bytes: Buffer): { request: SupervisorRequest; rest: Buffer } | undefined {
  const newline = bytes.indexOf(10);
  if (newline < 0 && bytes.length > 32) throw new Error("the request does not start with its length");
  if (newline < 0) return undefined;
  const header = bytes.subarray(0, newline).toString("latin1");
  if (!/^\d+$/.test(header)) throw new Error("the request is malformed");
  if (Number(header) > MAX_REQUEST_BYTES) throw new Error(`a request of ${header} bytes is too long`);
  const end = newline + 1 + Number(header);
  if (bytes.length < end) return undefined;
  // Every field ends with a NUL: what follows the last one is empty, and nothing may be missing.
  const fields = bytes
    .subarray(newline + 1, end)
    .toString("utf8")
    .split("\0");
  let next = 0;
  const take = () => {
    if (next >= fields.length - 1) throw new Error("the request is malformed");
    return fields[next++] as string;
  };
  const count = () => {
    const text = take();
    if (!/^\d+$/.test(text)) throw new Error("the request is malformed");
    return Number(text);
  };
  const list = () => Array.from({ length: count() }, take);
  const folder = take();
  const streamOutput = take() === "1";
  const tailFileBytes = Number(take());
  const tailBatchMs = Number(take());
  const cwd = take();
  const executable = take();
  const args = list();
  const env = Object.fromEntries(
    list().map((entry) => {
      const equals = entry.indexOf("=");
      return [entry.slice(0, equals), entry.slice(equals + 1)];
    }),
  );
  if (next !== fields.length - 1) throw new Error("the request is malformed");
  return {
    request: { folder, streamOutput, tailFileBytes, tailBatchMs, cwd, executable, args, env },
    rest: bytes.subarray(end),
  };
}
