import type * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBusyboxImage, type KubeTestServer, startKubeTestServer } from "../../src/index.js";
import {
  type Clients,
  clientsFor,
  jobBody,
  jobFinished,
  raw,
  rawStream,
  readLog,
  shouldRunDockerSuite,
  waitForObject,
} from "./helpers.js";

const runSuite = await shouldRunDockerSuite();
const NS = "default";
const podsPath = `/api/v1/namespaces/${NS}/pods`;
const jobsPath = `/apis/batch/v1/namespaces/${NS}/jobs`;
const podsOf = (job: string) => ({ labelSelector: `job-name=${job}` });
const TIMESTAMPED = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) (.*)$/;

describe.runIf(runSuite)("pods, logs and kubelet faults on Docker", () => {
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

  const runningPod = (job: string) =>
    waitForObject<k8s.V1Pod>(c.kc, podsPath, podsOf(job), (p) => p.status?.phase === "Running");
  const finished = (name: string) =>
    waitForObject<k8s.V1Job>(c.kc, jobsPath, { fieldSelector: `metadata.name=${name}` }, jobFinished);

  it("follows logs with kubelet timestamps until the container exits, and honours sinceTime", async () => {
    const script = "for i in 1 2 3; do echo line-$i; echo err-$i >&2; sleep 0.3; done";
    await c.batch.createNamespacedJob({ namespace: NS, body: jobBody(image, script, { name: "logs" }) });
    const pod = await runningPod("logs");
    const name = pod.metadata?.name ?? "";
    const followed = await readLog(c.kc, NS, name, "main", { follow: true, timestamps: true });
    const lines = followed.trimEnd().split("\n");
    const texts = lines.map((l) => TIMESTAMPED.exec(l)?.[2]);
    // Docker reads stdout and stderr through separate pipes, so only the order within each is certain.
    expect(texts.filter((t) => t?.startsWith("line-"))).toEqual(["line-1", "line-2", "line-3"]);
    expect(texts.filter((t) => t?.startsWith("err-"))).toEqual(["err-1", "err-2", "err-3"]);
    const second = lines.find((l) => l.endsWith(" line-2")) ?? "";
    const secondAt = TIMESTAMPED.exec(second)?.[1] ?? "";
    // As through a real apiserver, which passes sinceTime on in whole seconds: every line from the
    // start of that second on.
    const since = await readLog(c.kc, NS, name, "main", { sinceTime: secondAt, timestamps: true });
    const wholeSecond = Date.parse(secondAt.replace(/\.\d+Z$/, "Z"));
    const expected = lines.filter(
      (l) => Date.parse((TIMESTAMPED.exec(l)?.[1] ?? "").replace(/\.\d+Z$/, "Z")) >= wholeSecond,
    );
    expect(since.trimEnd().split("\n")).toEqual(expected);
    expect(expected).toContain(second);
    expect((await readLog(c.kc, NS, name, "main", { tailLines: 2 })).split("\n").sort()).toEqual([
      "",
      "err-3",
      "line-3",
    ]);
    expect(await readLog(c.kc, NS, name, "main", { limitBytes: 3 })).toMatch(/^(lin|err)$/);
  });

  it("requires a container name for a pod with several, and refuses logs of a waiting container", async () => {
    await c.batch.createNamespacedJob({
      namespace: NS,
      body: {
        ...jobBody(image, "true", { name: "two" }),
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: "Never",
              containers: [
                { name: "a", image, args: ["sh", "-c", "echo from-a"] },
                { name: "b", image: "ceci-nest-pas-une-image:2", imagePullPolicy: "IfNotPresent" },
              ],
            },
          },
        },
      },
    });
    const pod = await waitForObject<k8s.V1Pod>(c.kc, podsPath, podsOf("two"), (p) =>
      Boolean(p.status?.containerStatuses?.some((s) => s.state?.waiting?.reason === "ErrImagePull")),
    );
    const name = pod.metadata?.name ?? "";
    const noContainer = await raw(server, "GET", `${podsPath}/${name}/log`);
    expect(noContainer.status).toBe(400);
    expect(noContainer.json().message).toBe(
      `a container name must be specified for pod ${name}, choose one of: [a b]`,
    );
    const waiting = await raw(server, "GET", `${podsPath}/${name}/log?container=b`);
    expect(waiting.status).toBe(400);
    expect(waiting.json().message).toMatch(`container "b" in pod "${name}" is waiting to start`);
    await c.batch.deleteNamespacedJob({
      name: "two",
      namespace: NS,
      body: { propagationPolicy: "Background" },
    });
  });

  it("cuts follow streams after N bytes, as many times as asked", async () => {
    await c.batch.createNamespacedJob({
      namespace: NS,
      body: jobBody(image, "echo 0123456789; sleep 2; echo tail", { name: "cut" }),
    });
    const pod = await runningPod("cut");
    const path = `${podsPath}/${pod.metadata?.name}/log?container=main&follow=true`;
    server.faults.cutLogStreamsAfterBytes(4, 2);
    expect(await rawStream(server, path)).toEqual({ text: "0123", complete: false });
    expect(await rawStream(server, path)).toEqual({ text: "0123", complete: false });
    expect(await rawStream(server, path)).toEqual({ text: "0123456789\ntail\n", complete: true });
    // Non-follow reads are never cut.
    server.faults.cutLogStreamsAfterBytes(4);
    expect(await readLog(c.kc, NS, pod.metadata?.name ?? "", "main", {})).toBe("0123456789\ntail\n");
    // Clean cuts end the answer properly; seeded cuts repeat with the seed.
    server.faults.cutLogStreams({ bytes: 6 });
    expect(await rawStream(server, path)).toEqual({ text: "012345", complete: true });
    const seeded = async () => {
      server.faults.cutLogStreams({ bytes: { seed: 7, min: 1, max: 15 } });
      return [await rawStream(server, path), await rawStream(server, path), await rawStream(server, path)];
    };
    const first = await seeded();
    expect(await seeded()).toEqual(first);
    for (const { text, complete } of first) {
      expect(complete).toBe(true);
      expect("0123456789\ntail\n".startsWith(text) && text.length >= 1 && text.length <= 15).toBe(true);
    }
    // A cut at the end: the stream holds back its last bytes and loses them when the log is over.
    server.faults.cutLogStreams({ bytes: 3, at: "end" });
    expect(await rawStream(server, path)).toEqual({ text: "0123456789\nta", complete: true });
    server.faults.cutLogStreams({ bytes: 3, at: "end", end: "drop" });
    expect(await rawStream(server, path)).toEqual({ text: "0123456789\nta", complete: false });
    server.faults.cutLogStreams(null);
  });

  it("evicts a pod through the fault: Failed/Evicted with no exit code, and the job retries", async () => {
    await c.batch.createNamespacedJob({
      namespace: NS,
      body: jobBody(image, "sleep 30", { name: "evicted", backoffLimit: 1 }),
    });
    const pod = await runningPod("evicted");
    await server.faults.evictPod(NS, pod.metadata?.name ?? "", "node pressure");
    const evicted = await c.core.readNamespacedPod({ namespace: NS, name: pod.metadata?.name ?? "" });
    expect(evicted.status).toMatchObject({ phase: "Failed", reason: "Evicted", message: "node pressure" });
    expect(evicted.status?.containerStatuses?.[0]?.state?.terminated).toBeUndefined();
    const retry = await waitForObject<k8s.V1Pod>(
      c.kc,
      podsPath,
      podsOf("evicted"),
      (p) => p.metadata?.name !== pod.metadata?.name && p.status?.phase === "Running",
    );
    expect(retry.metadata?.name).not.toBe(pod.metadata?.name);
    await c.batch.deleteNamespacedJob({
      name: "evicted",
      namespace: NS,
      body: { propagationPolicy: "Background", gracePeriodSeconds: 0 },
    });
  });

  it("evicts through the policy/v1 Eviction API", async () => {
    await c.batch.createNamespacedJob({
      namespace: NS,
      body: jobBody(image, "sleep 30", { name: "api-evict" }),
    });
    const pod = await runningPod("api-evict");
    const name = pod.metadata?.name ?? "";
    await c.core.createNamespacedPodEviction({
      name,
      namespace: NS,
      body: {
        apiVersion: "policy/v1",
        kind: "Eviction",
        metadata: { name, namespace: NS },
        deleteOptions: { gracePeriodSeconds: 0 },
      },
    });
    const job = await finished("api-evict");
    expect(job.status?.conditions?.find((x) => x.type === "Failed")?.reason).toBe("BackoffLimitExceeded");
  });

  it("keeps pods Pending and Unschedulable while asked, then runs them", async () => {
    server.faults.keepPodsPending(true);
    await c.batch.createNamespacedJob({ namespace: NS, body: jobBody(image, "echo late", { name: "held" }) });
    const held = await waitForObject<k8s.V1Pod>(c.kc, podsPath, podsOf("held"), (p) =>
      Boolean(p.status?.conditions?.some((x) => x.type === "PodScheduled" && x.status === "False")),
    );
    expect(held.status?.phase).toBe("Pending");
    expect(held.status?.conditions?.[0]?.reason).toBe("Unschedulable");
    server.faults.keepPodsPending(false);
    const job = await finished("held");
    expect(job.status?.succeeded).toBe(1);
  });

  it("restarts containers under restartPolicy OnFailure and serves the previous attempt's log", async () => {
    await c.batch.createNamespacedJob({
      namespace: NS,
      body: jobBody(image, "echo attempt; exit 1", {
        name: "on-failure",
        backoffLimit: 1,
        pod: { restartPolicy: "OnFailure" },
      }),
    });
    const restarted = await waitForObject<k8s.V1Pod>(
      c.kc,
      podsPath,
      podsOf("on-failure"),
      (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
    );
    expect(restarted.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({ exitCode: 1 });
    const job = await finished("on-failure");
    expect(job.status?.conditions?.find((x) => x.type === "Failed")?.reason).toBe("BackoffLimitExceeded");
  });

  it("runs a memory-limited container into OOMKilled", async () => {
    await c.batch.createNamespacedJob({
      namespace: NS,
      body: jobBody(image, "x=a; while true; do x=$x$x; done", {
        name: "oom",
        container: { resources: { limits: { memory: "16Mi" } } },
      }),
    });
    await finished("oom");
    const pod = (await c.core.listNamespacedPod({ namespace: NS, ...podsOf("oom") })).items[0];
    expect(pod?.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 137,
      reason: "OOMKilled",
    });
  });
});
