import type { IncomingMessage } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { InfrablocksError, type Logger } from "@infrablocks/core/runtime";
import type Docker from "dockerode";
import { engineMessage, statusOf } from "./engine-errors.js";

// A broken wait connection is retried this many times (1 s, 2 s, 3 s apart) before the run gives up.
const WAIT_RECOVERY_ATTEMPTS = 3;

/** How a wait for a container's exit ended. */
export type WaitOutcome =
  | { kind: "exited"; statusCode: number; error?: string }
  /** The container no longer exists. */
  | { kind: "gone" }
  /** The connection broke: the container's state is unknown. */
  | { kind: "lost"; reason: string };

/** A wait the engine has registered. */
export interface ExitWatch {
  readonly outcome: Promise<WaitOutcome>;
  cancel(): void;
}

/**
 * Asks the engine to wait for the container (`POST /containers/{id}/wait`) and resolves once the
 * engine has registered the wait: it sends the response headers then and the result at exit. Used
 * with `next-exit` before start, no exit can be missed, however fast.
 */
export async function watchExit(
  docker: Docker,
  containerId: string,
  condition: "next-exit" | "not-running",
): Promise<ExitWatch> {
  const cancelled = new AbortController();
  let response: IncomingMessage;
  try {
    response = await new Promise<IncomingMessage>((resolve, reject) =>
      docker.modem.dial(
        {
          path: `/containers/${containerId}/wait?`,
          method: "POST",
          options: { condition },
          abortSignal: cancelled.signal,
          isStream: true,
          statusCodes: { 200: true, 404: "no such container", 500: "server error" },
        },
        (error: unknown, stream: unknown) => (error ? reject(error) : resolve(stream as IncomingMessage)),
      ),
    );
  } catch (error) {
    if (statusOf(error) === 404) return { outcome: Promise.resolve({ kind: "gone" }), cancel() {} };
    throw error;
  }
  return { outcome: readOutcome(response), cancel: () => cancelled.abort() };
}

/** The engine's wait result; a broken connection is retried with a `not-running` wait, which answers at once for an ended container. */
export async function awaitExit(
  docker: Docker,
  containerId: string,
  watch: ExitWatch,
  log: Logger,
): Promise<WaitOutcome> {
  let outcome = await watch.outcome;
  for (let attempt = 1; outcome.kind === "lost" && attempt <= WAIT_RECOVERY_ATTEMPTS; attempt++) {
    log.warn(
      `Lost the engine's wait for container ${containerId.slice(0, 12)} (${outcome.reason}); asking again (${attempt} of ${WAIT_RECOVERY_ATTEMPTS}).`,
    );
    await sleep(1000 * attempt);
    try {
      outcome = await (await watchExit(docker, containerId, "not-running")).outcome;
    } catch (error) {
      outcome = { kind: "lost", reason: engineMessage(error) };
    }
  }
  if (outcome.kind === "lost") {
    throw new InfrablocksError(
      "INFRASTRUCTURE_ERROR",
      `Lost contact with the Docker Engine while container ${containerId.slice(0, 12)} ran (${outcome.reason}); its state is unknown. Check it with 'docker inspect ${containerId.slice(0, 12)}'.`,
      { blockType: "docker-container" },
    );
  }
  return outcome;
}

async function readOutcome(response: IncomingMessage): Promise<WaitOutcome> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) chunks.push(chunk);
  } catch (error) {
    return { kind: "lost", reason: (error as Error).message };
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    const body = JSON.parse(text) as { StatusCode?: unknown; Error?: { Message?: string } | null };
    if (typeof body.StatusCode === "number") {
      return {
        kind: "exited",
        statusCode: body.StatusCode,
        ...(body.Error?.Message ? { error: body.Error.Message } : {}),
      };
    }
  } catch {
    // Handled below: a cut-off body is a lost wait.
  }
  return { kind: "lost", reason: `the engine's answer to the wait was incomplete` };
}
