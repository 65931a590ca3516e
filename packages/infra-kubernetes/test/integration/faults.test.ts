import { killContext } from "@infrablocks/core";
import { clusterAvailable, REAL_CLUSTER, startCluster, type TestCluster } from "@infrablocks/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { capture, infrastructure, jobBlock, numberedLines, until } from "./helpers.js";

/** A job printing `count` numbered lines, `pauseMs` apart, so that faults land while it runs. */
function countingCommand(count: number, pauseMs: number): string[] {
  return [
    "sh",
    "-c",
    `i=1; while [ $i -le ${count} ]; do echo $i; usleep ${pauseMs * 1000}; i=$((i+1)); done`,
  ];
}

const quietKill = killContext({
  graceSeconds: 0,
  log: { info: () => undefined, warn: () => undefined, error: () => undefined },
});

/** The name of the first pod the run reported running. */
function runningPod(messages: string[]): string | undefined {
  for (const message of messages) {
    const match = /pod '([^']+)' is Running/.exec(message);
    if (match) return match[1];
  }
  return undefined;
}

describe.runIf(!REAL_CLUSTER && (await clusterAvailable()))("kubernetes-job survives faults", () => {
  let cluster: TestCluster;
  let server: NonNullable<TestCluster["server"]>;
  beforeAll(async () => {
    cluster = await startCluster();
    server = cluster.server as NonNullable<TestCluster["server"]>;
  }, 120_000);
  afterAll(() => cluster?.stop());
  afterEach(() => {
    server.faults.closeWatchesAfterMs(null);
    server.faults.cutLogStreamsAfterBytes(null);
    server.faults.keepPodsPending(false);
    server.faults.forbidClusterUidRead(false);
  });

  it("reopens watches the server closes every second", async () => {
    server.faults.closeWatchesAfterMs(1000);
    const run = capture();
    const result = await infrastructure.run(
      jobBlock(cluster, { command: countingCommand(30, 100) }),
      run.context,
    );
    expect(result.statusCode).toBe(0);
    expect(run.stdout()).toBe(numberedLines(30));
    const watches = server.requests.filter((request) => request.query.includes("watch=true"));
    expect(watches.length).toBeGreaterThan(4);
  });

  it("relists after 410 Gone, as an HTTP status and as an ERROR event", async () => {
    server.resetRequests();
    server.faults.closeWatchesAfterMs(700);
    server.faults.goneOnNextWatches(2);
    const run = capture();
    const running = infrastructure.run(
      jobBlock(cluster, { command: [...countingCommand(20, 100)] }),
      run.context,
    );
    await until(() => run.identifiers.length > 0);
    server.faults.goneEventOnNextWatches(2);
    const result = await running;
    expect(result.statusCode).toBe(0);
    expect(run.stdout()).toBe(numberedLines(20));
    const lists = server.requests.filter(
      (request) =>
        request.method === "GET" &&
        /\/(jobs|pods)$/.test(request.path) &&
        !request.query.includes("watch=true"),
    );
    expect(server.requests.filter((request) => request.status === 410)).toHaveLength(2);
    // Two lists to start, one per 410 answer and one per 410 event, one for the exit code.
    expect(lists.length).toBeGreaterThanOrEqual(2 + 2 + 2 + 1);
  });

  it("loses and repeats no line when log streams are cut at random offsets", async () => {
    for (const pauseMs of [0, 5]) {
      const cutBytes = 40 + Math.floor(Math.random() * 300);
      server.faults.cutLogStreamsAfterBytes(cutBytes, 6);
      server.resetRequests();
      const run = capture();
      const result = await infrastructure.run(
        jobBlock(cluster, { command: countingCommand(200, pauseMs) }),
        run.context,
      );
      expect(result.statusCode, `cut after ${cutBytes} bytes`).toBe(0);
      expect(run.stdout(), `cut after ${cutBytes} bytes`).toBe(numberedLines(200));
      const logRequests = server.requests.filter((request) => request.path.endsWith("/log"));
      // More than the two of an uncut run: the follower resumed. How many depends on where the cuts
      // fall: once the container has ended, one catch-up read (which is not cut) may bring the rest.
      expect(logRequests.length).toBeGreaterThan(2);
    }
  }, 60_000);

  it("reports -1 with the reason when the pod is evicted", async () => {
    const run = capture();
    const running = infrastructure.run(jobBlock(cluster, { command: ["sleep", "30"] }), run.context);
    await until(() => runningPod(run.messages) !== undefined);
    await server.faults.evictPod(
      "default",
      runningPod(run.messages) as string,
      "The node was low on resource: memory.",
    );
    const result = await running;
    expect(result.statusCode).toBe(-1);
    expect(result.message).toMatch(/evicted \(Evicted: The node was low on resource: memory\.\)/);
  });

  it("gives up on a pod that stays Pending, and deletes the job", async () => {
    server.faults.keepPodsPending(true);
    const run = capture();
    const result = await infrastructure.run(
      jobBlock(cluster, { command: ["true"], podWatchTimeoutSeconds: 2 }),
      run.context,
    );
    expect(result.statusCode).toBe(-1);
    expect(result.message).toMatch(/did not start within 2s \(Unschedulable/);
    expect(result.message).toContain("the job was deleted");
    await expectJobGone(result.identifier);
  });

  it("reports an image that cannot be pulled long before the pod timeout, and deletes the job", async () => {
    const started = Date.now();
    const run = capture();
    const result = await infrastructure.run(
      jobBlock(cluster, {
        command: ["true"],
        image: "infrablocks-test/does-not-exist:1",
        imagePullPolicy: "IfNotPresent",
        podWatchTimeoutSeconds: 120,
      }),
      run.context,
    );
    expect(result.statusCode).toBe(-1);
    expect(result.message).toMatch(/image cannot be pulled \((ErrImagePull|ImagePullBackOff)/);
    expect(Date.now() - started).toBeLessThan(60_000);
    await expectJobGone(result.identifier);
  }, 90_000);

  it("retries reads, watches and log requests through bursts of 500, 503 and 429", async () => {
    server.faults.failRequests({
      status: 429,
      count: 2,
      retryAfterSeconds: 1,
      match: (method) => method === "POST",
    });
    server.faults.failRequests({ status: 500, count: 4, match: (method) => method === "GET" });
    server.faults.failRequests({ status: 503, count: 2, match: (_, path) => path.endsWith("/log") });
    server.faults.failRequests({ status: 429, count: 3, match: (method) => method === "GET" });
    const run = capture();
    const result = await infrastructure.run(
      jobBlock(cluster, { command: countingCommand(10, 100) }),
      run.context,
    );
    expect(result.statusCode).toBe(0);
    expect(run.stdout()).toBe(numberedLines(10));
    expect(server.requests.filter((request) => request.status >= 429).length).toBeGreaterThanOrEqual(11);
  }, 60_000);

  it("reports -1 when the job is deleted mid-run", async () => {
    const run = capture();
    const block = jobBlock(cluster, { command: ["sleep", "30"] });
    const running = infrastructure.run(block, run.context);
    await until(() => runningPod(run.messages) !== undefined);
    await infrastructure.kill(block, run.identifiers[0] as string, quietKill);
    const result = await running;
    expect(result.statusCode).toBe(-1);
    expect(result.message).toContain("was deleted before it finished");
  });

  it("keeps the output a killed job's pod prints while it stops", async () => {
    const run = capture();
    // busybox sh runs the trap once the running `sleep` ends: well within the grace period.
    const script =
      'trap "echo got TERM; sleep 1; echo last line; exit 3" TERM; echo ready; while true; do sleep 0.2; done';
    const block = jobBlock(cluster, { command: ["sh", "-c", script] });
    const running = infrastructure.run(block, run.context);
    await until(() => run.stdout().includes("ready\n"));
    const graceful = killContext({ graceSeconds: 10, log: quietKill.log });
    await infrastructure.kill(block, run.identifiers[0] as string, graceful);
    const result = await running;
    expect(result.statusCode).toBe(-1);
    expect(result.message).toContain("was deleted before it finished");
    expect(run.stdout()).toBe("ready\ngot TERM\nlast line\n");
  }, 60_000);

  it("ends with the job, not a drain bound later, when its output fails midway", async () => {
    // A full disk or a reader gone: the destination takes nothing more and never drains. The follow
    // drops what was meant for it and reads on; it used to wait for a drain until the 30 s bound.
    const run = capture();
    const heard: string[] = [];
    run.context.stdout.on("error", (error: Error) => heard.push(error.message));
    const block = jobBlock(cluster, { command: ["sh", "-c", "echo first; sleep 1; seq 1 5000; sleep 1"] });
    const running = infrastructure.run(block, run.context);
    await until(() => run.stdout().includes("first\n"));
    run.context.stdout.destroy(
      Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }),
    );
    const failed = Date.now();
    const result = await running;
    expect(result.statusCode).toBe(0);
    expect(Date.now() - failed).toBeLessThan(15_000);
    expect(heard).toEqual(["ENOSPC: no space left on device, write"]);
    expect(run.messages.filter((message) => message.includes("before all its logs arrived"))).toEqual([]);
  }, 60_000);

  it("falls back to INFRABLOCKS_KUBERNETES_CLUSTER_UID when the cluster uid read is forbidden", async () => {
    server.faults.forbidClusterUidRead(true);
    const run = capture({ INFRABLOCKS_KUBERNETES_CLUSTER_UID: "configured-uid" });
    const result = await infrastructure.run(jobBlock(cluster, { command: ["true"] }), run.context);
    expect(result.statusCode).toBe(0);
    expect(result.identifier).toMatch(/^configured-uid:default:/);

    const unconfigured = capture();
    const block = jobBlock(cluster, { command: ["sleep", "30"] });
    const running = infrastructure.run(block, unconfigured.context);
    await until(() => unconfigured.identifiers.length > 0);
    expect(unconfigured.identifiers[0]).toMatch(/^server-[0-9a-f]{16}:default:/);
    expect(unconfigured.messages).toContainEqual(
      expect.stringMatching(/^warn: .*forbidden.*INFRABLOCKS_KUBERNETES_CLUSTER_UID/),
    );
    await infrastructure.kill(block, unconfigured.identifiers[0] as string, quietKill);
    expect((await running).statusCode).toBe(-1);
  });

  async function expectJobGone(identifier: string): Promise<void> {
    const { KubeConfig, BatchV1Api } = await import("@kubernetes/client-node");
    const config = new KubeConfig();
    config.loadFromString(cluster.kubeconfigYaml);
    const [, namespace, name] = identifier.split(":") as [string, string, string];
    const jobs = await config.makeApiClient(BatchV1Api).listNamespacedJob({ namespace });
    const job = jobs.items.find((item) => item.metadata?.name === name);
    expect(job === undefined || job.metadata?.deletionTimestamp !== undefined).toBe(true);
  }
});
