import type { Readable } from "node:stream";
import type Docker from "dockerode";
import type { Exchange } from "./exchange.js";
import type { FaultState } from "./faults.js";
import type { Kubelet } from "./kubelet.js";
import { FrameReader, kubeletTimestamp, rfc3339ToNanos, splitTimestamp } from "./log-format.js";
import { badRequest, notFound } from "./status.js";
import type { Store } from "./store.js";
import { type Pod, RESOURCES } from "./types.js";

const WAITING_TEXT: Record<string, string> = {
  ErrImagePull: "trying and failing to pull image",
  ImagePullBackOff: "trying and failing to pull image",
  ErrImageNeverPull: "image can't be pulled",
};

const NANOS_PER_SECOND = 1_000_000_000n;

interface LogOptions {
  follow: boolean;
  timestamps: boolean;
  sinceNanos: bigint | undefined;
  tailLines: number | undefined;
  limitBytes: number | undefined;
}

function logOptions(ex: Exchange): LogOptions {
  const sinceTime = ex.param("sinceTime");
  const sinceSeconds = ex.intParam("sinceSeconds");
  if (sinceTime && sinceSeconds !== undefined) {
    throw badRequest("at most one of sinceTime or sinceSeconds may be specified");
  }
  let sinceNanos: bigint | undefined;
  if (sinceTime) {
    const at = rfc3339ToNanos(sinceTime);
    if (at === undefined) throw badRequest(`sinceTime: invalid value ${JSON.stringify(sinceTime)}`);
    // The apiserver passes sinceTime on to the kubelet as RFC 3339 without a fraction: whole seconds.
    sinceNanos = at - (((at % NANOS_PER_SECOND) + NANOS_PER_SECOND) % NANOS_PER_SECOND);
  } else if (sinceSeconds !== undefined) {
    if (sinceSeconds < 1) throw badRequest("sinceSeconds: must be greater than 0");
    sinceNanos = BigInt(Date.now() - sinceSeconds * 1000) * 1_000_000n;
  }
  const tailLines = ex.intParam("tailLines");
  const limitBytes = ex.intParam("limitBytes");
  if (tailLines !== undefined && tailLines < 0)
    throw badRequest("tailLines: must be greater than or equal to 0");
  if (limitBytes !== undefined && limitBytes < 1) throw badRequest("limitBytes: must be greater than 0");
  return { follow: ex.flag("follow"), timestamps: ex.flag("timestamps"), sinceNanos, tailLines, limitBytes };
}

function chooseContainer(ex: Exchange, pod: Pod): string {
  const names = pod.spec.containers.map((c) => c.name);
  const requested = ex.param("container");
  const name = pod.metadata.name;
  if (!requested) {
    if (names.length === 1 && names[0]) return names[0];
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${names.join(" ")}]`,
    );
  }
  if (!names.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

/**
 * GET …/pods/{name}/log: the container's Docker log, stdout and stderr merged in order, filtered and
 * formatted as the kubelet does. With follow the answer streams until the container exits.
 */
export async function serveLogs(
  ex: Exchange,
  store: Store,
  kubelet: Kubelet,
  docker: Docker,
  faults: FaultState,
  namespace: string,
  name: string,
): Promise<void> {
  const pod = store.get<Pod>("pods", namespace, name);
  if (!pod) throw notFound(RESOURCES.pods, name);
  const container = chooseContainer(ex, pod);
  const options = logOptions(ex);
  const previous = ex.flag("previous");
  const id = kubelet.containerId(pod.metadata.uid, container, previous);
  if (!id) {
    if (previous) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    const reason =
      pod.status.containerStatuses?.find((s) => s.name === container)?.state.waiting?.reason ??
      "ContainerCreating";
    throw badRequest(
      `container "${container}" in pod "${name}" is waiting to start: ${WAITING_TEXT[reason] ?? reason}`,
    );
  }

  // Docker's `since` has whole seconds here; the exact cut is made per line below.
  const dockerOptions = {
    stdout: true,
    stderr: true,
    timestamps: true,
    ...(options.sinceNanos !== undefined ? { since: Number(options.sinceNanos / 1_000_000_000n) } : {}),
    ...(options.tailLines !== undefined ? { tail: options.tailLines } : {}),
  };
  let source: Readable | Buffer;
  try {
    const handle = docker.getContainer(id);
    source = options.follow
      ? ((await handle.logs({ ...dockerOptions, follow: true })) as unknown as Readable)
      : await handle.logs({ ...dockerOptions, follow: false });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) throw notFound(RESOURCES.pods, name);
    throw error;
  }

  ex.head(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
  const res = ex.res;
  // As the apiserver does: a follow of a quiet container answers at once, not at its first line.
  res.flushHeaders();
  const cut = options.follow ? faults.takeLogCut() : null;
  const cutAfter = cut?.at === "bytes" ? cut.bytes : Number.POSITIVE_INFINITY;
  const heldBack = cut?.at === "end" ? cut.bytes : 0;
  const limit = options.limitBytes ?? Number.POSITIVE_INFINITY;
  const budget = Math.min(limit, cutAfter);
  let written = 0;
  let held = Buffer.alloc(0);
  let wasCut = false;
  const frames = new FrameReader();
  const stream = Buffer.isBuffer(source) ? undefined : source;

  /** Ends the answer as the fault says: a clean end, or the connection dropped without the chunked terminator. */
  const endCut = () => {
    wasCut = true;
    if (cut?.clean) res.end();
    else res.socket?.end();
  };
  /** Sends what a fault holding back the last bytes lets through. */
  const send = (bytes: Buffer) => {
    if (heldBack === 0) {
      res.write(bytes);
      return;
    }
    held = Buffer.concat([held, bytes]);
    if (held.length > heldBack) {
      res.write(held.subarray(0, held.length - heldBack));
      held = held.subarray(held.length - heldBack);
    }
  };

  /** Returns false once the answer is over (limit reached or stream cut). */
  const emit = (chunk: Buffer): boolean => {
    // Data already on its way after the answer ended is dropped.
    if (wasCut || res.writableEnded) return false;
    for (const frame of frames.push(chunk)) {
      const [ts, text] = splitTimestamp(frame);
      if (options.sinceNanos !== undefined) {
        const at = rfc3339ToNanos(ts);
        if (at !== undefined && at < options.sinceNanos) continue;
      }
      const line = options.timestamps ? Buffer.concat([Buffer.from(`${kubeletTimestamp(ts)} `), text]) : text;
      const room = budget - written;
      if (line.length < room) {
        send(line);
        written += line.length;
        continue;
      }
      send(line.subarray(0, room));
      written += room;
      if (written >= cutAfter && written < limit) endCut();
      else res.end();
      return false;
    }
    return true;
  };

  if (!stream) {
    emit(source as Buffer);
    if (!res.writableEnded) res.end();
    return;
  }
  await new Promise<void>((resolve) => {
    const finish = () => {
      stream.destroy();
      if (!wasCut && !res.writableEnded && !res.destroyed) {
        // Held-back bytes are never sent: the stream is cut short of the log's end.
        if (heldBack > 0 && held.length > 0) endCut();
        else res.end();
      }
      resolve();
    };
    stream.on("data", (chunk: Buffer) => {
      if (!emit(chunk)) finish();
    });
    stream.on("end", finish);
    stream.on("error", finish);
    res.on("close", finish);
  });
}
