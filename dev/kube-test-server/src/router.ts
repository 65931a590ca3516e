import type Docker from "dockerode";
import type { Deleter, PropagationPolicy } from "./deletion.js";
import {
  API_GROUPS,
  BATCH_GROUP,
  BATCH_V1_RESOURCES,
  CORE_V1_RESOURCES,
  coreGroupVersions,
  VERSION_INFO,
} from "./discovery.js";
import type { Exchange } from "./exchange.js";
import type { FaultState } from "./faults.js";
import { admitJob } from "./job-admission.js";
import { condition, type Kubelet } from "./kubelet.js";
import { serveLogs } from "./logs.js";
import { newUid, timestamp } from "./meta.js";
import { bothSelectors, parseFieldSelector, parseLabelSelector } from "./selectors.js";
import {
  ApiError,
  alreadyExists,
  badRequest,
  failureStatus,
  invalid,
  notFound,
  successStatus,
} from "./status.js";
import type { Store } from "./store.js";
import { type Job, type KubeObject, type Pod, RESOURCES, type ResourceName } from "./types.js";
import { validateDns1123Label, validateLabels } from "./validation.js";
import { serveWatch } from "./watch.js";

export interface RouterContext {
  store: Store;
  faults: FaultState;
  kubelet: Kubelet;
  deleter: Deleter;
  docker: Docker;
  token: string;
  serverAddress: string;
  bookmarkIntervalMs: number;
}

/** Paths anyone may read, as the apiserver's system:public-info-viewer role allows. */
const PUBLIC_PATHS = new Set(["/healthz", "/livez", "/readyz", "/version"]);

const GROUP_OF: Record<ResourceName, string> = { namespaces: "", pods: "", events: "", jobs: "batch" };

interface ResourcePath {
  resource: ResourceName;
  namespace?: string;
  name?: string;
  subresource?: string;
  watch: boolean;
}

function isResource(name: string | undefined): name is ResourceName {
  return name !== undefined && Object.hasOwn(RESOURCES, name);
}

/** Parses the part after `/api/v1` or `/apis/batch/v1`, including the legacy `/watch/` prefix. */
function parseResourcePath(group: string, rest: string[]): ResourcePath | undefined {
  const watch = rest[0] === "watch";
  const parts = watch ? rest.slice(1) : rest;
  let path: ResourcePath | undefined;
  const [a, b, c, d, e] = parts;
  if (a === "namespaces" && parts.length <= 2) {
    path = { resource: "namespaces", ...(b ? { name: b } : {}), watch };
  } else if (a === "namespaces" && b && isResource(c) && parts.length <= 5) {
    path = { resource: c, namespace: b, ...(d ? { name: d } : {}), ...(e ? { subresource: e } : {}), watch };
  } else if (isResource(a) && parts.length === 1) {
    path = { resource: a, watch };
  }
  if (
    !path ||
    GROUP_OF[path.resource] !== group ||
    (path.namespace && !RESOURCES[path.resource].namespaced)
  ) {
    return undefined;
  }
  return path;
}

const NOT_FOUND = new ApiError(404, "NotFound", "the server could not find the requested resource");

function methodNotAllowed(method: string): ApiError {
  return new ApiError(
    405,
    "MethodNotAllowed",
    `the server does not allow this method on the requested resource (${method})`,
  );
}

/** List items carry no kind or apiVersion, as in the apiserver's typed lists. */
function listItem(object: KubeObject): Omit<KubeObject, "kind" | "apiVersion"> {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = object;
  return rest;
}

export class Router {
  constructor(private readonly ctx: RouterContext) {}

  async handle(ex: Exchange): Promise<void> {
    try {
      await this.route(ex);
    } catch (error) {
      if (ex.res.headersSent) {
        ex.res.destroy();
        return;
      }
      if (error instanceof ApiError) ex.fail(error);
      else
        ex.json(
          500,
          failureStatus(500, "InternalError", `Internal error occurred: ${(error as Error).message}`),
        );
    }
  }

  private async route(ex: Exchange): Promise<void> {
    const path = ex.url.pathname.replace(/\/+$/, "") || "/";
    if (!PUBLIC_PATHS.has(path) && ex.req.headers.authorization !== `Bearer ${this.ctx.token}`) {
      ex.json(401, failureStatus(401, "Unauthorized", "Unauthorized"));
      return;
    }
    const injected = this.ctx.faults.takeFailure(ex.method, path);
    if (injected) {
      this.answerInjected(ex, injected.status, injected.retryAfterSeconds);
      return;
    }
    switch (path) {
      case "/healthz":
      case "/livez":
      case "/readyz":
        ex.head(200, { "Content-Type": "text/plain" });
        ex.res.end("ok");
        return;
      case "/version":
        return ex.json(200, VERSION_INFO);
      case "/api":
        return ex.json(200, coreGroupVersions(this.ctx.serverAddress));
      case "/api/v1":
        return ex.json(200, CORE_V1_RESOURCES);
      case "/apis":
        return ex.json(200, API_GROUPS);
      case "/apis/batch":
        return ex.json(200, BATCH_GROUP);
      case "/apis/batch/v1":
        return ex.json(200, BATCH_V1_RESOURCES);
    }
    const segments = path.split("/").filter(Boolean);
    let resourcePath: ResourcePath | undefined;
    if (segments[0] === "api" && segments[1] === "v1")
      resourcePath = parseResourcePath("", segments.slice(2));
    else if (segments[0] === "apis" && segments[1] === "batch" && segments[2] === "v1") {
      resourcePath = parseResourcePath("batch", segments.slice(3));
    }
    if (!resourcePath) throw NOT_FOUND;
    await this.serveResource(ex, resourcePath);
  }

  private answerInjected(ex: Exchange, status: 500 | 429 | 503, retryAfterSeconds: number | undefined): void {
    const retryAfter = retryAfterSeconds ?? (status === 500 ? undefined : 1);
    const reason =
      status === 429 ? "TooManyRequests" : status === 503 ? "ServiceUnavailable" : "InternalError";
    const message =
      status === 429
        ? "Too many requests, please try again later."
        : status === 503
          ? "The server is currently unable to handle the request"
          : "Internal error occurred: injected fault";
    const details = retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : undefined;
    ex.json(
      status,
      failureStatus(status, reason, message, details),
      retryAfter !== undefined ? { "Retry-After": retryAfter } : {},
    );
  }

  private async serveResource(ex: Exchange, p: ResourcePath): Promise<void> {
    const { store } = this.ctx;
    const type = RESOURCES[p.resource];
    if (p.subresource) return this.serveSubresource(ex, p);
    if (p.name === undefined || p.watch) {
      if (ex.method === "GET") return this.serveCollection(ex, p);
      if (ex.method === "POST" && !p.watch) return this.create(ex, p);
      throw methodNotAllowed(ex.method);
    }
    if (ex.method === "GET") {
      if (p.resource === "namespaces" && p.name === "kube-system" && this.ctx.faults.clusterUidForbidden) {
        throw new ApiError(
          403,
          "Forbidden",
          'namespaces "kube-system" is forbidden: User "system:serviceaccount:default:default" cannot get resource "namespaces" in API group "" in the namespace "kube-system"',
          { name: "kube-system", kind: "namespaces" },
        );
      }
      const object = store.get(p.resource, p.namespace, p.name);
      if (!object) throw notFound(type, p.name);
      return ex.json(200, object);
    }
    if (ex.method === "DELETE") return this.remove(ex, p.resource, p.namespace ?? "", p.name);
    throw methodNotAllowed(ex.method);
  }

  private serveCollection(ex: Exchange, p: ResourcePath): void {
    const { store } = this.ctx;
    const type = RESOURCES[p.resource];
    let selector = bothSelectors(
      parseLabelSelector(ex.param("labelSelector")),
      parseFieldSelector(ex.param("fieldSelector")),
    );
    if (p.name !== undefined) {
      // The legacy single-object watch path.
      const name = p.name;
      selector = bothSelectors(selector, (o) => o.metadata.name === name);
    }
    if (p.watch || ex.flag("watch")) {
      serveWatch(
        ex,
        store,
        this.ctx.faults,
        {
          resource: p.resource,
          namespace: p.namespace,
          selector,
          resourceVersion: ex.param("resourceVersion"),
          timeoutSeconds: ex.intParam("timeoutSeconds"),
          allowBookmarks: ex.flag("allowWatchBookmarks"),
        },
        this.ctx.bookmarkIntervalMs,
      );
      return;
    }
    const items = store.list(p.resource, p.namespace).filter(selector).map(listItem);
    ex.json(200, {
      kind: `${type.kind}List`,
      apiVersion: type.apiVersion,
      metadata: { resourceVersion: String(store.resourceVersion) },
      items,
    });
  }

  private async create(ex: Exchange, p: ResourcePath): Promise<void> {
    const { store } = this.ctx;
    const body = await ex.body();
    if (p.resource === "namespaces") return ex.json(201, this.createNamespace(body));
    if (p.resource !== "jobs") throw methodNotAllowed(ex.method);
    const namespace = p.namespace ?? "";
    if (!store.get("namespaces", undefined, namespace)) throw notFound(RESOURCES.namespaces, namespace);
    const job = admitJob(body, namespace);
    if (store.get("jobs", namespace, job.metadata.name))
      throw alreadyExists(RESOURCES.jobs, job.metadata.name);
    if (ex.param("dryRun") === "All") return ex.json(201, job);
    ex.json(201, store.create("jobs", job));
  }

  createNamespace(body: unknown): KubeObject {
    const metadata = (body as { metadata?: { name?: unknown; labels?: unknown } } | undefined)?.metadata;
    const name = typeof metadata?.name === "string" ? metadata.name : "";
    const causes = name
      ? validateDns1123Label("metadata.name", name)
      : [
          {
            reason: "FieldValueRequired",
            message: "Required value: name or generateName is required",
            field: "metadata.name",
          },
        ];
    causes.push(...validateLabels("metadata.labels", metadata?.labels));
    if (causes.length > 0) throw invalid(RESOURCES.namespaces, name, causes);
    if (this.ctx.store.get("namespaces", undefined, name)) throw alreadyExists(RESOURCES.namespaces, name);
    return this.ctx.store.create("namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name,
        uid: newUid(),
        resourceVersion: "",
        creationTimestamp: timestamp(),
        labels: {
          ...(metadata?.labels as Record<string, string> | undefined),
          "kubernetes.io/metadata.name": name,
        },
      },
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    });
  }

  /**
   * DeleteOptions come from the body when there is one, else from the query, never merged: this is
   * the apiserver's rule, and why an empty `{}` body silently overrides `?propagationPolicy=`.
   */
  private async remove(ex: Exchange, resource: ResourceName, namespace: string, name: string): Promise<void> {
    const body = (await ex.body()) as
      | { propagationPolicy?: unknown; gracePeriodSeconds?: unknown; orphanDependents?: unknown }
      | undefined;
    const fromBody = body !== undefined;
    const policyValue = fromBody ? body.propagationPolicy : (ex.param("propagationPolicy") ?? undefined);
    const graceValue = fromBody ? body.gracePeriodSeconds : ex.intParam("gracePeriodSeconds");
    const orphanValue = fromBody ? body.orphanDependents : ex.param("orphanDependents");
    if (
      policyValue !== undefined &&
      !["Foreground", "Background", "Orphan"].includes(policyValue as string)
    ) {
      throw badRequest(
        `propagationPolicy: Unsupported value: ${JSON.stringify(policyValue)}: supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    if (
      graceValue !== undefined &&
      graceValue !== null &&
      (!Number.isInteger(graceValue) || (graceValue as number) < 0)
    ) {
      throw badRequest(
        `gracePeriodSeconds: Invalid value: ${JSON.stringify(graceValue)}: must be a non-negative integer`,
      );
    }
    const grace = graceValue === undefined || graceValue === null ? undefined : (graceValue as number);
    const orphan = orphanValue === true || orphanValue === "true";
    const type = RESOURCES[resource];
    if (resource === "pods") {
      const pod = this.ctx.deleter.deletePod(namespace, name, grace);
      if (!pod) throw notFound(type, name);
      return ex.json(200, pod);
    }
    if (resource === "jobs") {
      const existing = this.ctx.store.get<Job>("jobs", namespace, name);
      if (!existing) throw notFound(type, name);
      // batch/v1 Jobs orphan their pods unless told otherwise (kubernetes/kubernetes#71807).
      const policy =
        (policyValue as PropagationPolicy | undefined) ??
        (orphanValue === false || orphanValue === "false" ? "Background" : "Orphan");
      const remaining = this.ctx.deleter.deleteJob(namespace, name, orphan ? "Orphan" : policy, grace);
      if (remaining) return ex.json(200, remaining);
      return ex.json(200, successStatus({ name, group: "batch", kind: "jobs", uid: existing.metadata.uid }));
    }
    throw methodNotAllowed(ex.method);
  }

  private async serveSubresource(ex: Exchange, p: ResourcePath): Promise<void> {
    const { store } = this.ctx;
    const namespace = p.namespace ?? "";
    const name = p.name ?? "";
    const key = `${p.resource}/${p.subresource}`;
    if (key === "pods/log" && ex.method === "GET") {
      const { kubelet, docker, faults } = this.ctx;
      return serveLogs(ex, store, kubelet, docker, faults, namespace, name);
    }
    if ((key === "pods/status" || key === "jobs/status") && ex.method === "GET") {
      const object = store.get(p.resource, namespace, name);
      if (!object) throw notFound(RESOURCES[p.resource], name);
      return ex.json(200, object);
    }
    if (key === "pods/eviction" && ex.method === "POST") return this.evict(ex, namespace, name);
    if (["pods/log", "pods/status", "jobs/status", "pods/eviction"].includes(key))
      throw methodNotAllowed(ex.method);
    throw NOT_FOUND;
  }

  /** policy/v1 Eviction: marks the pod as disrupted, then deletes it gracefully. */
  private async evict(ex: Exchange, namespace: string, name: string): Promise<void> {
    const body = (await ex.body()) as
      | { metadata?: { name?: string }; deleteOptions?: { gracePeriodSeconds?: number } }
      | undefined;
    if (body?.metadata?.name !== undefined && body.metadata.name !== name) {
      throw badRequest(`name in URL does not match name in Eviction object`);
    }
    const pod = this.ctx.store.get<Pod>("pods", namespace, name);
    if (!pod) throw notFound(RESOURCES.pods, name);
    this.ctx.store.update<Pod>("pods", namespace, name, (p) => {
      const disrupted = condition(
        p,
        "DisruptionTarget",
        "True",
        "EvictionByEvictionAPI",
        "Eviction API: evicting",
      );
      p.status.conditions = [
        ...(p.status.conditions ?? []).filter((c) => c.type !== "DisruptionTarget"),
        disrupted,
      ];
    });
    this.ctx.deleter.deletePod(namespace, name, body?.deleteOptions?.gracePeriodSeconds);
    ex.json(201, successStatus({}, 201));
  }
}
