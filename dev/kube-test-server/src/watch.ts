import type { Exchange } from "./exchange.js";
import type { FaultState } from "./faults.js";
import type { Selector } from "./selectors.js";
import { badRequest, expired } from "./status.js";
import type { Store, StoreEvent } from "./store.js";
import { RESOURCES, type ResourceName } from "./types.js";

export interface WatchRequest {
  resource: ResourceName;
  namespace: string | undefined;
  selector: Selector;
  resourceVersion: string | null;
  timeoutSeconds: number | undefined;
  allowBookmarks: boolean;
}

/** The apiserver's default when the client names no timeout (its minimum request timeout). */
const DEFAULT_TIMEOUT_SECONDS = 1800;

/**
 * Streams newline-delimited watch events. The snapshot or replay and the live subscription happen in
 * one synchronous step, so no change can slip between them.
 */
export function serveWatch(
  ex: Exchange,
  store: Store,
  faults: FaultState,
  request: WatchRequest,
  bookmarkIntervalMs: number,
): void {
  const current = store.resourceVersion;
  const fromVersion = parseVersion(request.resourceVersion);
  if (faults.takeGoneWatch()) {
    ex.fail(expired(request.resourceVersion ?? "0", current));
    return;
  }
  if (fromVersion !== undefined && fromVersion < store.oldestResumableVersion) {
    ex.fail(expired(String(fromVersion), current));
    return;
  }

  ex.head(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
  const res = ex.res;
  // The apiserver flushes the head at once; clients (client-go's reflector, so `kubectl wait`) block on it.
  res.flushHeaders();
  const send = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
  const matches = (resource: ResourceName, object: StoreEvent["object"]) =>
    resource === request.resource &&
    (request.namespace === undefined || object.metadata.namespace === request.namespace) &&
    request.selector(object);

  if (faults.takeGoneEventWatch()) {
    send("ERROR", expired(request.resourceVersion ?? "0", current).toStatus());
    res.end();
    return;
  }

  if (fromVersion === undefined) {
    for (const object of store.list(request.resource, request.namespace)) {
      if (request.selector(object)) send("ADDED", object);
    }
  } else {
    for (const event of store.eventsSince(fromVersion)) {
      if (matches(event.resource, event.object)) send(event.type, event.object);
    }
  }

  const timers: NodeJS.Timeout[] = [];
  const delayMs = faults.watchEventDelayMs(request.resource);
  const unsubscribe = store.subscribe((event) => {
    if (!matches(event.resource, event.object)) return;
    if (delayMs === 0) {
      send(event.type, event.object);
      return;
    }
    // Written as the object is now; timers of one delay fire in the order they were set, so the
    // stream stays in order, only late.
    const line = `${JSON.stringify({ type: event.type, object: event.object })}\n`;
    timers.push(setTimeout(() => res.writableEnded || res.write(line), delayMs));
  });
  const finish = () => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    if (!res.writableEnded) res.end();
  };
  res.on("close", finish);

  const lifetimes = [(request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000];
  const faultLifetime = faults.takeWatchLifetime();
  if (faultLifetime !== null) lifetimes.push(faultLifetime);
  timers.push(setTimeout(finish, Math.min(...lifetimes)));
  if (request.allowBookmarks) {
    const type = RESOURCES[request.resource];
    const bookmark = () => {
      send("BOOKMARK", {
        kind: type.kind,
        apiVersion: type.apiVersion,
        metadata: { resourceVersion: String(store.resourceVersion) },
      });
    };
    timers.push(setInterval(bookmark, bookmarkIntervalMs));
  }
}

/** Unset, empty and "0" all mean "start from the current state", as for the apiserver. */
function parseVersion(value: string | null): number | undefined {
  if (value === null || value === "" || value === "0") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid resource version: ${value}`);
  return n;
}
