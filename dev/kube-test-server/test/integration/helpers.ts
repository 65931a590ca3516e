import * as k8s from "@kubernetes/client-node";
import Docker from "dockerode";
import type { KubeTestServer } from "../../src/index.js";

export const dockerRequired = process.env.INFRABLOCKS_REQUIRE_DOCKER === "1";

export async function dockerReachable(): Promise<boolean> {
  try {
    await new Docker().ping();
    return true;
  } catch {
    return false;
  }
}

/** Docker suites run when Docker answers, and fail loudly instead of skipping when it is required. */
export async function shouldRunDockerSuite(): Promise<boolean> {
  const reachable = await dockerReachable();
  if (!reachable && dockerRequired) {
    throw new Error("INFRABLOCKS_REQUIRE_DOCKER=1 but the Docker Engine is not reachable");
  }
  return reachable;
}

export interface Clients {
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  batch: k8s.BatchV1Api;
}

export function clientsFor(server: KubeTestServer): Clients {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(server.kubeconfigYaml);
  return { kc, core: kc.makeApiClient(k8s.CoreV1Api), batch: kc.makeApiClient(k8s.BatchV1Api) };
}

export interface WatchEvent {
  type: string;
  object: { metadata?: { name?: string; resourceVersion?: string }; [key: string]: unknown };
}

/**
 * Opens a watch and resolves with every event received until `until` says stop (or the server ends
 * the watch); rejects after `timeoutMs` so no test can hang.
 */
export function collectWatch(
  kc: k8s.KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  until: (events: WatchEvent[]) => boolean,
  timeoutMs = 20_000,
): Promise<{ events: WatchEvent[]; error: unknown; endedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const events: WatchEvent[] = [];
    let controller: AbortController | undefined;
    let settled = false;
    const settle = (endedByServer: boolean, error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      controller?.abort();
      resolve({ events, error, endedByServer });
    };
    const timer = setTimeout(() => {
      settled = true;
      controller?.abort();
      reject(
        new Error(
          `watch ${path} did not finish in ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.type))}`,
        ),
      );
    }, timeoutMs);
    new k8s.Watch(kc)
      .watch(
        path,
        query,
        (type, object) => {
          events.push({ type, object });
          if (until(events)) settle(false, null);
        },
        (error) => settle(true, error),
      )
      .then((c) => {
        controller = c;
        if (settled) c.abort();
      }, reject);
  });
}

/** Resolves with the first object on the watch that satisfies `predicate`. */
export async function waitForObject<T>(
  kc: k8s.KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  predicate: (object: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const { events } = await collectWatch(
    kc,
    path,
    query,
    (events) => events.some((e) => e.type !== "DELETED" && predicate(e.object as T)),
    timeoutMs,
  );
  const hit = events.find((e) => e.type !== "DELETED" && predicate(e.object as T));
  if (!hit) throw new Error(`watch ${path} ended before the expected object appeared`);
  return hit.object as T;
}

export function jobBody(
  image: string,
  script: string,
  opts: {
    name?: string;
    generateName?: string;
    backoffLimit?: number;
    spec?: Record<string, unknown>;
    pod?: Record<string, unknown>;
    container?: Record<string, unknown>;
  } = {},
): k8s.V1Job {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      ...(opts.name ? { name: opts.name } : {}),
      ...(opts.generateName ? { generateName: opts.generateName } : {}),
      labels: { suite: "kube-test-server" },
    },
    spec: {
      backoffLimit: opts.backoffLimit ?? 0,
      ...opts.spec,
      template: {
        spec: {
          restartPolicy: "Never",
          terminationGracePeriodSeconds: 1,
          ...opts.pod,
          containers: [{ name: "main", image, args: ["sh", "-c", script], ...opts.container }],
        },
      },
    },
  } as k8s.V1Job;
}

export function jobFinished(job: k8s.V1Job): boolean {
  return (job.status?.conditions ?? []).some(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  );
}

/** Reads a stream from the Log API to the end; rejects on timeout. */
export async function readLog(
  kc: k8s.KubeConfig,
  namespace: string,
  pod: string,
  container: string,
  options: k8s.LogOptions,
  timeoutMs = 30_000,
): Promise<string> {
  const { PassThrough } = await import("node:stream");
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on("data", (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`log of ${pod} did not end in ${timeoutMs} ms`)),
      timeoutMs,
    );
    sink.on("end", () => {
      clearTimeout(timer);
      resolve();
    });
    sink.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  await new k8s.Log(kc).log(namespace, pod, container, sink, options);
  await ended;
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads a streamed answer to its end or its cut; `complete` is false when the connection dropped mid-body. */
export async function rawStream(
  server: KubeTestServer,
  path: string,
  timeoutMs = 30_000,
): Promise<{ text: string; complete: boolean }> {
  const https = await import("node:https");
  const config = server.kubeconfig as {
    clusters: { cluster: { "certificate-authority-data": string } }[];
    users: { user: { token: string } }[];
  };
  const ca = Buffer.from(config.clusters[0]?.cluster["certificate-authority-data"] ?? "", "base64");
  return new Promise((resolve, reject) => {
    const req = https.get(
      `${server.url}${path}`,
      { ca, headers: { Authorization: `Bearer ${config.users[0]?.user.token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        const done = () => {
          clearTimeout(timer);
          resolve({ text: Buffer.concat(chunks).toString("utf8"), complete: res.complete });
        };
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", done);
        res.on("error", done);
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`${path} did not end in ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): Record<string, unknown>;
}

/** A plain HTTPS request, for what the client library hides (status lines, headers, raw bodies). */
export async function raw(
  server: KubeTestServer,
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown } = {},
): Promise<RawResponse> {
  const https = await import("node:https");
  const config = server.kubeconfig as {
    clusters: { cluster: { "certificate-authority-data": string } }[];
    users: { user: { token: string } }[];
  };
  const ca = Buffer.from(config.clusters[0]?.cluster["certificate-authority-data"] ?? "", "base64");
  const token = opts.token === undefined ? config.users[0]?.user.token : opts.token;
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${server.url}${path}`,
      {
        method,
        ca,
        timeout: 20_000,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(payload ? { "Content-Type": "application/json" } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on("error", reject);
    req.end(payload);
  });
}
