import type { IncomingMessage } from "node:http";
import { createInterface } from "node:readline";
import { isRecord } from "./is-record.js";
import { KubeApiError, type KubeClient } from "./kube-client.js";
import type { KubeList, ObjectMeta } from "./kube-types.js";
import { pause, retryDelayMs } from "./retry.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface ResourceWatchOptions<T extends { metadata: ObjectMeta }> {
  client: KubeClient;
  /** The collection's path, e.g. `/apis/batch/v1/namespaces/default/jobs`. */
  path: string;
  selector: { labelSelector?: string; fieldSelector?: string };
  /** The full current state: after the first list and after every relist. */
  onList(items: T[]): void;
  onEvent(type: WatchEventType, object: T): void;
  signal: AbortSignal;
}

/**
 * A watch that is silent this long is presumed dead (a connection dropped without a FIN, K2 in
 * reliability.md) and reopened. Long, so that a quiet job does not cost requests.
 */
const INACTIVITY_MS = 5 * 60_000;
/** A watch that ends sooner than this without an event counts towards the back-off, against busy loops. */
const QUICK_END_MS = 1_000;

/**
 * List, then watch from the list's resourceVersion, for as long as `signal` is not aborted.
 * A watch the server ends (its timeout, a load balancer) is reopened from the last resourceVersion
 * seen; an expired resourceVersion, as HTTP 410 or as an ERROR event holding a 410 Status, relists.
 * Transient failures back off with jitter; anything else (403, say) rejects.
 */
export async function watchResource<T extends { metadata: ObjectMeta }>(
  options: ResourceWatchOptions<T>,
): Promise<void> {
  const { client, path, selector, signal } = options;
  let quickEnds = 0;
  while (!signal.aborted) {
    const list = await client.request<KubeList<T>>("GET", path, { query: selector, signal });
    options.onList(list.items ?? []);
    let resourceVersion = list.metadata?.resourceVersion;
    for (;;) {
      let response: IncomingMessage;
      try {
        response = await client.stream(path, {
          query: { ...selector, watch: "true", allowWatchBookmarks: "true", resourceVersion },
          signal,
        });
      } catch (error) {
        if (error instanceof KubeApiError && error.status === 410) break;
        throw error;
      }
      const opened = Date.now();
      const outcome = await readEvents(response, signal, (type, object) => {
        const version =
          isRecord(object) && isRecord(object.metadata) ? object.metadata.resourceVersion : undefined;
        if (typeof version === "string" && version !== "") resourceVersion = version;
        if (type === "ADDED" || type === "MODIFIED" || type === "DELETED") options.onEvent(type, object as T);
      });
      if (signal.aborted) return;
      if (outcome.events === 0 && Date.now() - opened < QUICK_END_MS) {
        await pause(retryDelayMs(quickEnds++), signal);
      } else {
        quickEnds = 0;
      }
      if (outcome.gone) break;
    }
  }
}

interface ReadOutcome {
  /** The server said the resourceVersion expired: relist. */
  gone: boolean;
  events: number;
}

/** Reads one watch response to its end; the callback sees every event but ERROR ones. */
function readEvents(
  response: IncomingMessage,
  signal: AbortSignal,
  onEvent: (type: string, object: unknown) => void,
): Promise<ReadOutcome> {
  return new Promise((resolve, reject) => {
    let events = 0;
    let settled = false;
    const lines = createInterface({ input: response, crlfDelay: Number.POSITIVE_INFINITY });
    const finish = (result: ReadOutcome | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      signal.removeEventListener("abort", onAbort);
      lines.close();
      response.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onAbort = () => finish({ gone: false, events });
    const idle = setTimeout(() => finish({ gone: false, events }), INACTIVITY_MS);
    signal.addEventListener("abort", onAbort, { once: true });
    lines.on("line", (line) => {
      idle.refresh();
      if (line.trim() === "") return;
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        // A line cut by a dropped connection; the resumed watch delivers the event again.
        return;
      }
      if (!isRecord(event) || typeof event.type !== "string") return;
      if (event.type === "ERROR") {
        const status = isRecord(event.object) ? event.object : {};
        if (status.code === 410) finish({ gone: true, events });
        // A server-side hiccup: reopen from the last version, as after a dropped connection.
        else if (typeof status.code === "number" && (status.code >= 500 || status.code === 429))
          finish({ gone: false, events });
        else
          finish(
            new KubeApiError(
              typeof status.code === "number" ? status.code : 500,
              typeof status.reason === "string" ? status.reason : undefined,
              `watch error: ${typeof status.message === "string" ? status.message : "unknown"}`,
            ),
          );
        return;
      }
      events++;
      onEvent(event.type, event.object);
    });
    // A dropped connection ends the stream as surely as a clean end: both reopen from the last version.
    lines.on("close", () => finish({ gone: false, events }));
    response.on("error", () => finish({ gone: false, events }));
    response.on("aborted", () => finish({ gone: false, events }));
  });
}
