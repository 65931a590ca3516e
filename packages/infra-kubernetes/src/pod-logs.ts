import type { IncomingMessage } from "node:http";
import type { Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { Logger } from "@infrablocks/core";
import { KubeApiError, type KubeClient } from "./kube-client.js";
import { podLogPath } from "./kube-types.js";
import { LogDeduplicator } from "./log-timestamps.js";
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

/** Streams that end without bringing a new line before the follower gives up on the logs. */
const MAX_FRUITLESS_STREAMS = 10;

/**
 * Writes one container's log to `output`, line by line, without gaps or repeats. The stream is
 * requested with timestamps; when it ends early (a dropped connection, log rotation, an idle
 * timeout) it is requested again from the last timestamp and the lines already written are dropped.
 * A clean end only proves the log complete when the request began after the container had ended,
 * so the follower finishes with one such request. Resolves when done, when the pod is gone, or when
 * `signal` aborts; never rejects (logs are best effort, the exit code comes from the Job).
 */
export async function followPodLogs(options: FollowOptions): Promise<void> {
  const { client, signal } = options;
  const deduplicator = new LogDeduplicator();
  let fruitless = 0;
  let waits = 0;
  while (!signal.aborted) {
    const endedAtStart = options.ended();
    deduplicator.restart();
    let response: IncomingMessage;
    try {
      response = await client.stream(podLogPath(options.namespace, options.pod), {
        query: {
          container: options.container,
          follow: true,
          timestamps: true,
          sinceTime: deduplicator.sinceTime,
        },
        signal,
      });
    } catch (error) {
      if (signal.aborted || (error instanceof KubeApiError && error.status === 404)) return;
      // 400 while the container is still being created; there is nothing to read yet.
      if (error instanceof KubeApiError && error.status === 400 && !endedAtStart) {
        await options.nextChange(retryDelayMs(waits++));
        continue;
      }
      if (!endedAtStart) {
        options.log.warn(
          `Logs of pod '${options.pod}' can no longer be streamed (${client.describe(error)}); the job keeps running and its exit code is still reported.`,
        );
      }
      return;
    }
    const { clean, lines } = await copyLines(response, deduplicator, options.output, signal);
    if (clean && endedAtStart) return;
    fruitless = lines > 0 ? 0 : fruitless + 1;
    if (fruitless >= MAX_FRUITLESS_STREAMS) {
      options.log.warn(
        `Logs of pod '${options.pod}' stopped arriving; the job's exit code is still reported.`,
      );
      return;
    }
    if (clean) {
      // Most likely the container just ended: wait until the pod says so, then read the rest once.
      // A stream that ended for another reason (log rotation, an idle timeout) resumes after the wait.
      await waitForEnd(options);
    } else if (lines === 0) {
      await pause(retryDelayMs(fruitless - 1), signal).catch(() => undefined);
    }
  }
}

/** How long a cleanly ended stream waits for the pod to report its container ended before resuming. */
const END_WAIT_MS = 5_000;

async function waitForEnd(options: FollowOptions): Promise<void> {
  const deadline = Date.now() + END_WAIT_MS;
  while (!options.ended() && !options.signal.aborted && Date.now() < deadline) {
    await options.nextChange(deadline - Date.now());
  }
}

/** Copies one log response to the output; `clean` tells a finished response from a dropped one. */
function copyLines(
  response: IncomingMessage,
  deduplicator: LogDeduplicator,
  output: Writable,
  signal: AbortSignal,
): Promise<{ clean: boolean; lines: number }> {
  return new Promise((resolve) => {
    const decoder = new StringDecoder("utf8");
    let pending = "";
    let lines = 0;
    let ended = false;
    const write = (line: string) => {
      const space = line.indexOf(" ");
      const timestamp = space >= 0 ? line.slice(0, space) : line;
      if (!deduplicator.accept(timestamp)) return;
      lines++;
      if (!output.write(`${space >= 0 ? line.slice(space + 1) : ""}\n`)) {
        // Honour a slow consumer rather than buffer a whole log in memory.
        response.pause();
        output.once("drain", () => response.resume());
      }
    };
    const onAbort = () => response.destroy();
    signal.addEventListener("abort", onAbort, { once: true });
    response.on("data", (chunk: Buffer) => {
      pending += decoder.write(chunk);
      let newline = pending.indexOf("\n");
      while (newline >= 0) {
        write(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf("\n");
      }
    });
    response.on("end", () => {
      ended = true;
      // A last line without a newline is complete once the response ended properly.
      pending += decoder.end();
      if (pending !== "") write(pending);
    });
    response.on("error", () => undefined);
    response.on("close", () => {
      signal.removeEventListener("abort", onAbort);
      resolve({ clean: ended && !signal.aborted, lines });
    });
  });
}
