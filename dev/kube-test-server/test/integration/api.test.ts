import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeTestServer, startKubeTestServer } from "../../src/index.js";
import { type Clients, clientsFor, collectWatch, raw } from "./helpers.js";

// Nothing here starts a container, so this suite runs without Docker.
describe("API surface", () => {
  let server: KubeTestServer;
  let c: Clients;

  beforeAll(async () => {
    server = await startKubeTestServer();
    c = clientsFor(server);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("serves HTTPS trusted through the kubeconfig, with the token, and answers a wrong token with 401 Status", async () => {
    const ns = await c.core.readNamespace({ name: "kube-system" });
    expect(ns.metadata?.uid).toBe(server.clusterUid);
    const unauthorized = await raw(server, "GET", "/api/v1/namespaces", { token: "wrong" });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.json()).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "Unauthorized",
      code: 401,
    });
    expect((await raw(server, "GET", "/version", { token: null })).json()).toMatchObject({ major: "1" });
    expect((await raw(server, "GET", "/healthz", { token: null })).text).toBe("ok");
    expect((await raw(server, "GET", "/apis")).json()).toMatchObject({ kind: "APIGroupList" });
  });

  it("writes the kubeconfig as YAML with mode 0600 and context kube-test", async () => {
    const { stat, readFile } = await import("node:fs/promises");
    expect((await stat(server.kubeconfigPath)).mode & 0o777).toBe(0o600);
    expect(await readFile(server.kubeconfigPath, "utf8")).toBe(server.kubeconfigYaml);
    expect(server.kubeconfig).toMatchObject({ "current-context": "kube-test" });
  });

  it("lists, creates and rejects namespaces", async () => {
    const list = await c.core.listNamespace();
    expect(list.items.map((n) => n.metadata?.name)).toEqual(["default", "kube-system"]);
    await c.core.createNamespace({ body: { metadata: { name: "team-a", labels: { tier: "x" } } } });
    const again = c.core.createNamespace({ body: { metadata: { name: "team-a" } } });
    await expect(again).rejects.toMatchObject({ code: 409 });
    const bad = await raw(server, "POST", "/api/v1/namespaces", { body: { metadata: { name: "Bad_Name" } } });
    expect(bad.status).toBe(422);
    expect(bad.json()).toMatchObject({
      reason: "Invalid",
      details: { causes: [{ field: "metadata.name" }] },
    });
    const selected = await c.core.listNamespace({ labelSelector: "tier in (x,y),!missing" });
    expect(selected.items.map((n) => n.metadata?.name)).toEqual(["team-a"]);
    const notX = await c.core.listNamespace({ labelSelector: "tier!=x" });
    expect(notX.items.map((n) => n.metadata?.name)).not.toContain("team-a");
  });

  it("validates jobs and names the failing field", async () => {
    const base = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "ok" },
      spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "x:1" }] } } },
    };
    const cases: [unknown, number, string][] = [
      [{ ...base, metadata: { name: "Not_Valid" } }, 422, "metadata.name"],
      [{ ...base, metadata: { generateName: "-" } }, 422, "metadata.generateName"],
      [{ ...base, metadata: { name: "ok", labels: { "bad key!": "v" } } }, 422, "metadata.labels"],
      [{ ...base, metadata: { name: "ok", labels: { k: "-bad-" } } }, 422, "metadata.labels"],
      [
        { ...base, spec: { template: { spec: { restartPolicy: "Never", containers: [] } } } },
        422,
        "spec.template.spec.containers",
      ],
      [
        {
          ...base,
          spec: { template: { spec: { restartPolicy: "Always", containers: [{ name: "m", image: "x" }] } } },
        },
        422,
        "spec.template.spec.restartPolicy",
      ],
      [
        { ...base, spec: { template: { spec: { restartPolicy: "Never", containers: [{ image: "x" }] } } } },
        422,
        "spec.template.spec.containers[0].name",
      ],
      [{ ...base, metadata: { name: "ok", namespace: "other" } }, 400, ""],
    ];
    for (const [body, status, field] of cases) {
      const res = await raw(server, "POST", "/apis/batch/v1/namespaces/default/jobs", { body });
      expect(res.status, JSON.stringify(body)).toBe(status);
      const statusObject = res.json();
      expect(statusObject).toMatchObject({ kind: "Status", status: "Failure", code: status });
      if (field) expect(JSON.stringify(statusObject.details)).toContain(`"field":"${field}"`);
    }
    const missingNs = await raw(server, "POST", "/apis/batch/v1/namespaces/nope/jobs", { body: base });
    expect(missingNs.status).toBe(404);
  });

  it("records every request in order and can forget them", async () => {
    server.resetRequests();
    await c.core.listNamespace();
    await c.core.readNamespace({ name: "default" }).catch(() => undefined);
    expect(server.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ["GET", "/api/v1/namespaces", 200],
      ["GET", "/api/v1/namespaces/default", 200],
    ]);
  });

  it("watches with ordered events, replays from a resourceVersion and ends on timeoutSeconds", async () => {
    const list = await c.core.listNamespace();
    const from = list.metadata?.resourceVersion;
    await c.core.createNamespace({ body: { metadata: { name: "w-1" } } });
    await c.core.createNamespace({ body: { metadata: { name: "w-2" } } });
    const replay = await collectWatch(
      c.kc,
      "/api/v1/namespaces",
      { resourceVersion: from, timeoutSeconds: 1 },
      () => false,
    );
    expect(replay.endedByServer).toBe(true);
    expect(replay.events.map((e) => [e.type, e.object.metadata?.name])).toEqual([
      ["ADDED", "w-1"],
      ["ADDED", "w-2"],
    ]);
    const versions = replay.events.map((e) => Number(e.object.metadata?.resourceVersion));
    expect(versions[1]).toBeGreaterThan(versions[0] ?? Number.POSITIVE_INFINITY);

    const snapshot = await collectWatch(
      c.kc,
      "/api/v1/namespaces",
      { labelSelector: "kubernetes.io/metadata.name=w-2" },
      (e) => e.length === 1,
    );
    expect(snapshot.events.map((e) => [e.type, e.object.metadata?.name])).toEqual([["ADDED", "w-2"]]);

    const legacy = await collectWatch(
      c.kc,
      "/api/v1/watch/namespaces",
      { fieldSelector: "metadata.name=w-1", timeoutSeconds: 1 },
      () => false,
    );
    expect(legacy.events.map((e) => e.object.metadata?.name)).toEqual(["w-1"]);
  });

  it("answers 410 Gone for a resourceVersion older than the history, and for the faults", async () => {
    const start = (await c.core.listNamespace()).metadata?.resourceVersion;
    for (let i = 0; i < 1001; i++)
      await c.core.createNamespace({ body: { metadata: { name: `churn-${i}` } } });
    const stale = await collectWatch(c.kc, "/api/v1/namespaces", { resourceVersion: start }, () => false);
    expect(stale.error).toMatchObject({ statusCode: 410 });
    const staleRaw = await raw(server, "GET", `/api/v1/namespaces?watch=true&resourceVersion=${start}`);
    expect(staleRaw.json()).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });

    server.faults.goneOnNextWatches(1);
    const gone = await collectWatch(c.kc, "/api/v1/namespaces", {}, () => false);
    expect(gone.error).toMatchObject({ statusCode: 410 });

    server.faults.goneEventOnNextWatches(1);
    const goneEvent = await collectWatch(c.kc, "/api/v1/namespaces", {}, () => false);
    expect(goneEvent.endedByServer).toBe(true);
    expect(goneEvent.events).toEqual([
      { type: "ERROR", object: expect.objectContaining({ kind: "Status", code: 410, reason: "Expired" }) },
    ]);

    server.faults.closeWatchesAfterMs(200);
    const closed = await collectWatch(
      c.kc,
      "/api/v1/namespaces",
      { fieldSelector: "metadata.name=default" },
      () => false,
    );
    server.faults.closeWatchesAfterMs(null);
    expect(closed.error).toBeNull();
    expect(closed.events.map((e) => e.type)).toEqual(["ADDED"]);
  });

  it("sends bookmarks when asked", async () => {
    const quick = await startKubeTestServer({ bookmarkIntervalMs: 100 });
    try {
      const { kc } = clientsFor(quick);
      const watched = await collectWatch(
        kc,
        "/api/v1/namespaces",
        { allowWatchBookmarks: true, fieldSelector: "metadata.name=default" },
        (e) => e.some((x) => x.type === "BOOKMARK"),
      );
      expect(watched.events.map((e) => e.type)).toEqual(["ADDED", "BOOKMARK"]);
    } finally {
      await quick.stop();
    }
  });

  it("injects request failures, with Retry-After on 429", async () => {
    server.faults.failRequests({ status: 429, count: 1, retryAfterSeconds: 3 });
    const limited = await raw(server, "GET", "/api/v1/namespaces");
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("3");
    expect(limited.json()).toMatchObject({ reason: "TooManyRequests", code: 429 });
    expect((await raw(server, "GET", "/api/v1/namespaces")).status).toBe(200);

    server.faults.failRequests({
      status: 500,
      count: 2,
      match: (method, path) => method === "GET" && path.endsWith("/default"),
    });
    expect((await raw(server, "GET", "/api/v1/namespaces")).status).toBe(200);
    const failed = c.core.readNamespace({ name: "default" });
    await expect(failed).rejects.toMatchObject({ code: 500 });
    expect((await raw(server, "GET", "/api/v1/namespaces/default")).json()).toMatchObject({
      reason: "InternalError",
    });
    expect((await raw(server, "GET", "/api/v1/namespaces/default")).status).toBe(200);

    server.faults.failRequests({ status: 503, count: 1 });
    expect((await raw(server, "GET", "/api/v1/namespaces")).status).toBe(503);
  });

  it("forbids reading kube-system on request", async () => {
    server.faults.forbidClusterUidRead(true);
    await expect(c.core.readNamespace({ name: "kube-system" })).rejects.toMatchObject({ code: 403 });
    const forbidden = await raw(server, "GET", "/api/v1/namespaces/kube-system");
    expect(forbidden.json()).toMatchObject({ reason: "Forbidden", code: 403 });
    server.faults.forbidClusterUidRead(false);
    expect((await c.core.readNamespace({ name: "kube-system" })).metadata?.uid).toBe(server.clusterUid);
  });

  it("answers unknown paths and objects with NotFound Status", async () => {
    await expect(c.batch.readNamespacedJob({ name: "nope", namespace: "default" })).rejects.toBeInstanceOf(
      k8s.ApiException,
    );
    const missing = await raw(server, "GET", "/apis/batch/v1/namespaces/default/jobs/nope");
    expect(missing.json()).toMatchObject({
      reason: "NotFound",
      code: 404,
      details: { name: "nope", group: "batch", kind: "jobs" },
    });
    expect((await raw(server, "GET", "/apis/apps/v1/deployments")).status).toBe(404);
  });
});
