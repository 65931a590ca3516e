import type * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBusyboxImage, type KubeTestServer, startKubeTestServer } from "../../src/index.js";
import {
  type Clients,
  clientsFor,
  collectWatch,
  jobBody,
  jobFinished,
  readLog,
  shouldRunDockerSuite,
  waitForObject,
} from "./helpers.js";

const runSuite = await shouldRunDockerSuite();
const NS = "default";
const podsOf = (job: string) => ({ labelSelector: `job-name=${job}` });
const podsPath = `/api/v1/namespaces/${NS}/pods`;
const jobsPath = `/apis/batch/v1/namespaces/${NS}/jobs`;

describe.runIf(runSuite)("jobs on Docker", () => {
  let server: KubeTestServer;
  let c: Clients;
  let image: string;

  beforeAll(async () => {
    image = await ensureBusyboxImage();
    server = await startKubeTestServer();
    c = clientsFor(server);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  const finished = (name: string) =>
    waitForObject<k8s.V1Job>(c.kc, jobsPath, { fieldSelector: `metadata.name=${name}` }, jobFinished);

  it("runs a failing job: logs, exit code, Failed/BackoffLimitExceeded with backoffLimit 0", async () => {
    await c.batch.createNamespacedJob({
      namespace: NS,
      body: jobBody(image, "echo hello; exit 3", { name: "fails" }),
    });
    const job = await finished("fails");
    expect(job.status?.conditions?.find((x) => x.type === "Failed")).toMatchObject({
      status: "True",
      reason: "BackoffLimitExceeded",
    });
    expect(job.status?.failed).toBe(1);
    expect(job.status?.completionTime).toBeUndefined();
    const pods = await c.core.listNamespacedPod({ namespace: NS, ...podsOf("fails") });
    expect(pods.items).toHaveLength(1);
    const pod = pods.items[0] as k8s.V1Pod;
    expect(pod.status?.phase).toBe("Failed");
    expect(pod.metadata?.labels).toMatchObject({
      "job-name": "fails",
      "batch.kubernetes.io/job-name": "fails",
      "controller-uid": job.metadata?.uid,
    });
    expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "Job",
      name: "fails",
      controller: true,
    });
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 3,
      reason: "Error",
    });
    expect(await readLog(c.kc, NS, pod.metadata?.name ?? "", "main", {})).toBe("hello\n");
  });

  it("completes a job made with generateName, with status and pod shapes of the API reference", async () => {
    const created = await c.batch.createNamespacedJob({
      namespace: NS,
      body: jobBody(image, "echo done", { generateName: "gen-" }),
    });
    const name = created.metadata?.name ?? "";
    expect(name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(created.spec).toMatchObject({ backoffLimit: 0, completions: 1, parallelism: 1 });
    expect(created.metadata).toMatchObject({ namespace: NS, generation: 1 });
    const job = await finished(name);
    expect(job.status?.conditions?.find((x) => x.type === "Complete")).toMatchObject({
      status: "True",
      reason: "Completed",
    });
    expect(job.status).toMatchObject({ succeeded: 1, ready: 0 });
    // Watch events carry the wire JSON, so times are RFC 3339 strings here.
    expect(job.status?.completionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const pod = (await c.core.listNamespacedPod({ namespace: NS, ...podsOf(name) })).items[0];
    expect(pod?.status?.phase).toBe("Succeeded");
    const status = pod?.status?.containerStatuses?.[0];
    expect(status?.state?.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    expect(status?.containerID).toMatch(/^docker:\/\//);
    expect(pod?.status?.conditions?.map((x) => x.type)).toEqual(
      expect.arrayContaining(["PodScheduled", "Initialized", "ContainersReady", "Ready"]),
    );
  });

  it("retries failed attempts until failed > backoffLimit", async () => {
    await c.batch.createNamespacedJob({
      namespace: NS,
      body: jobBody(image, "exit 1", { name: "retries", backoffLimit: 1 }),
    });
    const job = await finished("retries");
    expect(job.status?.failed).toBe(2);
    const pods = await c.core.listNamespacedPod({ namespace: NS, ...podsOf("retries") });
    expect(pods.items).toHaveLength(2);
  });

  it("streams pod events through a watch and fails a job past activeDeadlineSeconds", async () => {
    await c.batch.createNamespacedJob({
      namespace: NS,
      body: jobBody(image, "sleep 60", { name: "deadline", spec: { activeDeadlineSeconds: 2 } }),
    });
    const running = await waitForObject<k8s.V1Pod>(
      c.kc,
      podsPath,
      podsOf("deadline"),
      (p) => p.status?.phase === "Running",
    );
    expect(running.status?.containerStatuses?.[0]?.state?.running?.startedAt).toMatch(/Z$/);
    const job = await finished("deadline");
    expect(job.status?.conditions?.find((x) => x.type === "Failed")?.reason).toBe("DeadlineExceeded");
    const pods = await c.core.listNamespacedPod({ namespace: NS, ...podsOf("deadline") });
    expect(pods.items).toHaveLength(0);
  });

  it("deletes a finished job and its pods after ttlSecondsAfterFinished", async () => {
    const from = (await c.batch.listNamespacedJob({ namespace: NS })).metadata?.resourceVersion;
    await c.batch.createNamespacedJob({
      namespace: NS,
      body: jobBody(image, "true", { name: "ttl", spec: { ttlSecondsAfterFinished: 0 } }),
    });
    const { events } = await collectWatch(
      c.kc,
      jobsPath,
      { resourceVersion: from, fieldSelector: "metadata.name=ttl" },
      (e) => e.some((x) => x.type === "DELETED"),
    );
    expect(events[0]?.type).toBe("ADDED");
    expect(events.at(-1)?.type).toBe("DELETED");
    const { events: podEvents } = await collectWatch(
      c.kc,
      podsPath,
      { ...podsOf("ttl"), timeoutSeconds: 1 },
      () => false,
    );
    expect(podEvents).toEqual([]);
  });

  it("deletes with propagationPolicy in the body (pods gone) and orphans pods by default", async () => {
    await c.batch.createNamespacedJob({ namespace: NS, body: jobBody(image, "sleep 60", { name: "bg" }) });
    await c.batch.createNamespacedJob({
      namespace: NS,
      body: jobBody(image, "sleep 60", { name: "orphan" }),
    });
    const bgPod = await waitForObject<k8s.V1Pod>(
      c.kc,
      podsPath,
      podsOf("bg"),
      (p) => p.status?.phase === "Running",
    );
    await waitForObject<k8s.V1Pod>(c.kc, podsPath, podsOf("orphan"), (p) => p.status?.phase === "Running");

    const from = (await c.core.listNamespacedPod({ namespace: NS })).metadata?.resourceVersion;
    await c.batch.deleteNamespacedJob({
      name: "bg",
      namespace: NS,
      body: { propagationPolicy: "Background", gracePeriodSeconds: 0 },
    });
    const { events } = await collectWatch(c.kc, podsPath, { ...podsOf("bg"), resourceVersion: from }, (e) =>
      e.some((x) => x.type === "DELETED"),
    );
    expect(events.at(-1)?.object.metadata?.name).toBe(bgPod.metadata?.name);
    await expect(c.batch.readNamespacedJob({ name: "bg", namespace: NS })).rejects.toMatchObject({
      code: 404,
    });

    await c.batch.deleteNamespacedJob({ name: "orphan", namespace: NS });
    const orphaned = await c.core.listNamespacedPod({ namespace: NS, ...podsOf("orphan") });
    expect(orphaned.items).toHaveLength(1);
    expect(orphaned.items[0]?.metadata?.ownerReferences).toBeUndefined();
    await c.core.deleteNamespacedPod({
      name: orphaned.items[0]?.metadata?.name ?? "",
      namespace: NS,
      gracePeriodSeconds: 0,
    });
  });

  it("keeps a pod Pending with ErrImagePull then ImagePullBackOff for an image that cannot be pulled", async () => {
    await c.batch.createNamespacedJob({
      namespace: NS,
      body: jobBody("ceci-nest-pas-une-image:latest", "true", { name: "no-image" }),
    });
    const pulling = await waitForObject<k8s.V1Pod>(
      c.kc,
      podsPath,
      podsOf("no-image"),
      (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ErrImagePull",
    );
    expect(pulling.status?.phase).toBe("Pending");
    const backoff = await waitForObject<k8s.V1Pod>(
      c.kc,
      podsPath,
      podsOf("no-image"),
      (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ImagePullBackOff",
    );
    expect(backoff.status?.phase).toBe("Pending");
    const logs = readLog(c.kc, NS, backoff.metadata?.name ?? "", "main", {});
    await expect(logs).rejects.toMatchObject({ code: 400 });
    const events = await c.core.listNamespacedEvent({ namespace: NS });
    expect(events.items.map((e) => e.reason)).toEqual(
      expect.arrayContaining(["Scheduled", "Pulling", "Failed", "BackOff"]),
    );

    await c.batch.createNamespacedJob({
      namespace: NS,
      body: jobBody("ceci-nest-pas-une-image:1", "true", {
        name: "never-pull",
        container: { imagePullPolicy: "Never" },
      }),
    });
    await waitForObject<k8s.V1Pod>(
      c.kc,
      podsPath,
      podsOf("never-pull"),
      (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ErrImageNeverPull",
    );
    await c.batch.deleteNamespacedJob({
      name: "no-image",
      namespace: NS,
      body: { propagationPolicy: "Foreground" },
    });
    await c.batch.deleteNamespacedJob({
      name: "never-pull",
      namespace: NS,
      body: { propagationPolicy: "Background" },
    });
  });
});
