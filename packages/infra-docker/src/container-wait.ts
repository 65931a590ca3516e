import type { IncomingMessage } from "node:http";
import type Docker from "dockerode";
import { statusOf } from "./engine-errors.js";

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
