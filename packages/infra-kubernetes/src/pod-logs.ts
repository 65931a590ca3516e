import type { IncomingMessage } from "node:http";
import type { Writable } from "node:stream";
import { type Logger, outputFailed, writableAgain } from "@infrablocks/core/runtime";
import { KubeApiError, type KubeClient } from "./kube-client.js";
import { podLogPath } from "./kube-types.js";
import { LogLines } from "./log-lines.js";
import { pause, retryDelayMs } from "./retry.js";

export interface FollowOptions {
  client: KubeClient;
  namespace: string;
  pod: string;
  container: string;
  output: Writable;
  /** Whether the container is known to have ended, or its pod to be gone. */
  ended(): boolean;
  /** Resolves at the next change of the pod, or after `ms`. */
  nextChange(ms: number): Promise<void>;
  signal: AbortSignal;
  log: Logger;
}

/**
 * How long a follow stream that ended cleanly at a line's end waits for the pod to report its
 * container ended, while this pod's streams have not been seen cut. That is how a follow ends when
 * its container does, and the pod's status says so later: the kubelet notices the exit at its next
 * relist (every second), then writes the status; a busy API server or runner adds seconds (up to 5 s
 * with 50 runs at once in one process against the test server). A read before the status arrives is
 * repeated by the closing read; a wait that proves too long delays lines once per pod, never loses one.
 */
const END_WAIT_MS = 10_000;
/** How long a stream waits before catching up once streams are known to be cut: cuts pace the rounds. */
const ROUND_MS = 250;
/** The longest pause between rounds that bring nothing new while the container runs. */
const MAX_QUIET_PAUSE_MS = 4_000;
/** Reads after the container ended that fail before the follower gives up on the logs. */
const MAX_FAILED_CLOSING_READS = 10;

/**
 * Writes one container's log to `output`, line by line, without gaps or repeats, whatever the server
 * does: a response may end, cleanly or not, at any byte, any number of times. Lines are requested with
 * timestamps; every new request resumes at the last complete line's `sinceTime` (which the apiserver
 * passes on in whole seconds) and the lines already written are dropped by their timestamps. A line
 * cut short is not written until a later response brings it whole.
 *
 * A follow stream that ends cleanly at a line's end most likely ended with its container: until this
 * pod's streams have been seen cut, the pod is given time to report that before anything more is
 * read. While the container runs, a follow stream that ended early is followed by one read that does
 * not follow (it brings everything up to now, however short the follow streams are cut), then a new
 * follow stream. After the container ended, reads go on until one brings nothing new; only then is
 * the log known complete and an unterminated last line written. With nothing cut, a container costs
 * two requests, however long it runs and however many run at once. Resolves when done, when the pod
 * is gone, or when `signal` aborts; never rejects (logs are best effort, the exit code comes from the
 * Job).
 */
export async function followPodLogs(options: FollowOptions): Promise<void> {
  const { signal } = options;
  const lines = new LogLines((text) => options.output.write(text));
  let partial = "";
  let waits = 0;
  let quiet = 0;
  let failed = 0;
  /** Whether a follow stream of this pod has ended early: dropped, mid-line, or while the container ran. */
  let cut = false;
  /** Reads once: whether it brought anything new; "waiting" before the container started; false to stop. */
  const read = async (
    follow: boolean,
  ): Promise<{ progress: boolean; clean: boolean } | "waiting" | false> => {
    const result = await readLog(options, lines, follow);
    if (result.kind === "gone") return false;
    if (result.kind === "waiting") return follow && "waiting";
    if (result.kind === "failed") {
      // After the end the exit code is all that is left to report; a warning would only add noise.
      if (!options.ended()) {
        options.log.warn(
          `Logs of pod '${options.pod}' can no longer be streamed (${options.client.describe(result.error)}); the job keeps running and its exit code is still reported.`,
        );
      }
      return false;
    }
    const progress = result.lines > 0 || result.partial !== partial;
    partial = result.partial;
    return { progress, clean: result.clean };
  };

  while (!signal.aborted) {
    if (options.ended()) {
      const closing = await read(false);
      if (!closing || closing === "waiting") return;
      if (closing.progress) {
        failed = 0;
      } else if (closing.clean) {
        // A whole read after the end that brings nothing new: the log is complete.
        lines.finish(partial);
        return;
      } else if (++failed >= MAX_FAILED_CLOSING_READS) {
        options.log.warn(
          `Logs of pod '${options.pod}' stopped arriving; the job's exit code is still reported.`,
        );
        return;
      } else {
        await pause(retryDelayMs(failed - 1), signal).catch(() => undefined);
      }
      continue;
    }
    const followed = await read(true);
    if (!followed) return;
    if (followed === "waiting") {
      await options.nextChange(retryDelayMs(waits++));
      continue;
    }
    // The container may just have ended, or the stream was cut: give the pod a moment to tell. A
    // stream that ended mid-line was most likely cut (a command's output mostly ends with a newline).
    cut ||= !followed.clean || partial !== "";
    await waitForEnd(options, cut ? ROUND_MS : END_WAIT_MS);
    if (options.ended() || signal.aborted) continue;
    cut = true;
    const caughtUp = await read(false);
    if (!caughtUp || caughtUp === "waiting") return;
    quiet = followed.progress || caughtUp.progress ? 0 : quiet + 1;
    if (quiet > 0) await options.nextChange(Math.min(MAX_QUIET_PAUSE_MS, ROUND_MS * 2 ** quiet));
  }
}

async function waitForEnd(options: FollowOptions, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!options.ended() && !options.signal.aborted && Date.now() < deadline) {
    await options.nextChange(deadline - Date.now());
  }
}

type LogRead =
  | { kind: "read"; clean: boolean; lines: number; partial: string }
  | { kind: "gone" }
  | { kind: "waiting" }
  | { kind: "failed"; error: unknown };

/** One log request from the last complete line on, its new lines written. */
async function readLog(options: FollowOptions, lines: LogLines, follow: boolean): Promise<LogRead> {
  const { signal } = options;
  lines.begin();
  let response: IncomingMessage;
  try {
    response = await options.client.stream(podLogPath(options.namespace, options.pod), {
      query: {
        container: options.container,
        follow: follow || undefined,
        timestamps: true,
        sinceTime: lines.sinceTime,
      },
      signal,
    });
  } catch (error) {
    if (signal.aborted || (error instanceof KubeApiError && error.status === 404)) return { kind: "gone" };
    // 400 while the container is still being created; there is nothing to read yet.
    if (error instanceof KubeApiError && error.status === 400) return { kind: "waiting" };
    return { kind: "failed", error };
  }
  return new Promise((resolve) => {
    let ended = false;
    const onAbort = () => response.destroy();
    signal.addEventListener("abort", onAbort, { once: true });
    response.on("data", (chunk: Buffer) => {
      // Honour a slow consumer rather than buffer a whole log in memory; one that failed (its reader
      // gone, a full disk) takes nothing more, and the log is read on to its end all the same.
      if (!lines.push(chunk) && !outputFailed(options.output)) {
        response.pause();
        void writableAgain(options.output).then(() => response.resume());
      }
    });
    response.on("end", () => {
      ended = true;
    });
    response.on("error", () => undefined);
    response.on("close", () => {
      signal.removeEventListener("abort", onAbort);
      resolve({ kind: "read", clean: ended && !signal.aborted, ...lines.end() });
    });
  });
}
