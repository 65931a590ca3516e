import { killContext, MASK, Redactor, secretValues } from "@infrablocks/core";
import { clusterAvailable, REAL_CLUSTER, startCluster, type TestCluster } from "@infrablocks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubernetesJobBlockType } from "../../src/index.js";
import { capture, infrastructure, jobBlock, numberedLines, until } from "./helpers.js";

describe.runIf(await clusterAvailable())("kubernetes-job runs", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(() => cluster?.stop());

  it("runs a busybox job to completion, streams its logs and reports exit code 0", async () => {
    const run = capture({ INFRABLOCKS_FROM_CALLER: "inherited" });
    const block = jobBlock(cluster, {
      name: "Hello World",
      command: ["sh", "-c", 'seq 1 5; echo "caller says $INFRABLOCKS_FROM_CALLER, block says $OWN"'],
      env: { OWN: "mine" },
    });
    const result = await infrastructure.run(block, run.context);
    expect(result.statusCode).toBe(0);
    expect(run.stdout()).toBe(`${numberedLines(5)}caller says inherited, block says mine\n`);
    expect(run.identifiers).toEqual([result.identifier]);
    const [uid, namespace, name] = result.identifier.split(":");
    if (cluster.clusterUid) expect(uid).toBe(cluster.clusterUid);
    expect(namespace).toBe("default");
    expect(name).toMatch(/^hello-world-[a-z0-9]{5}$/);
  });

  it("propagates a non-zero exit code", async () => {
    const run = capture();
    const result = await infrastructure.run(
      jobBlock(cluster, { command: ["sh", "-c", "echo failing; exit 7"] }),
      run.context,
    );
    expect(result.statusCode).toBe(7);
    expect(run.stdout()).toBe("failing\n");
  });

  it("attaches to a run whose job already ended: its whole log, then its exit code", async () => {
    const block = jobBlock(cluster, { command: ["sh", "-c", "seq 1 5; exit 3"] });
    const first = capture();
    expect((await infrastructure.run(block, first.context)).statusCode).toBe(3);
    const again = capture();
    again.context.runId = first.context.runId;
    const attach = infrastructure.attach as NonNullable<typeof infrastructure.attach>;
    // The job settles before its pods are listed; the log must not be skipped (nor written after the return).
    expect((await attach(block, again.context)).statusCode).toBe(3);
    expect(again.stdout()).toBe(numberedLines(5));
  });

  it("retries a failing pod up to backoffLimit and reports the newest pod's exit code", async () => {
    const run = capture();
    const result = await infrastructure.run(
      jobBlock(cluster, { backoffLimit: 1, command: ["sh", "-c", "echo attempt; exit 3"] }),
      run.context,
    );
    expect(result.statusCode).toBe(3);
    expect(result.message).toContain("BackoffLimitExceeded");
    expect(run.stdout()).toBe("attempt\nattempt\n");
  }, 90_000);

  it("streams only the job's own container when the pod has a sidecar", async () => {
    const block = jobBlock(cluster, { command: ["sh", "-c", "echo main"] });
    const podSpec = (block.job as { spec: { template: { spec: { containers: object[] } } } }).spec.template
      .spec;
    podSpec.containers.push({
      name: "sidecar",
      image: cluster.image,
      imagePullPolicy: cluster.imagePullPolicy,
      command: ["sh", "-c", "echo sidecar noise; exit 0"],
    });
    const run = capture();
    const result = await infrastructure.run(block, run.context);
    expect(result.statusCode).toBe(0);
    expect(run.stdout()).toBe("main\n");
  });

  it("names unnamed jobs infrablocks-job-<hash>- and keeps a manifest's generateName", async () => {
    const unnamed = await infrastructure.run(jobBlock(cluster, { command: ["true"] }), capture().context);
    expect(unnamed.identifier.split(":")[2]).toMatch(/^infrablocks-job-[0-9a-f]{12}-[a-z0-9]{5}$/);
    const block = jobBlock(cluster, { command: ["true"] });
    (block.job as { metadata: Record<string, unknown> }).metadata.generateName = "from-manifest-";
    const named = await infrastructure.run(block, capture().context);
    expect(named.identifier.split(":")[2]).toMatch(/^from-manifest-[a-z0-9]{5}$/);
  });

  it("creates and kills in the manifest's namespace, and refuses another namespace or cluster", async () => {
    const namespace = `infrablocks-test-${Date.now().toString(36)}`;
    await createNamespace(cluster, namespace);
    const block = jobBlock(cluster, { command: ["sleep", "30"] });
    (block.job as { metadata: Record<string, unknown> }).metadata.namespace = namespace;
    const run = capture();
    const running = infrastructure.run(block, run.context);
    await until(() => run.identifiers.length > 0);
    const identifier = run.identifiers[0] as string;
    expect(identifier.split(":")[1]).toBe(namespace);

    const defaultBlock = jobBlock(cluster, { command: ["true"] });
    await expect(infrastructure.kill(defaultBlock, identifier, quietKill())).rejects.toMatchObject({
      code: "INFRASTRUCTURE_NOT_AVAILABLE",
      message: expect.stringContaining(`namespace '${namespace}'`),
    });
    const [, ns, name] = identifier.split(":");
    await expect(
      infrastructure.kill(block, `other-cluster:${ns}:${name}`, quietKill()),
    ).rejects.toMatchObject({
      code: "INFRASTRUCTURE_NOT_AVAILABLE",
    });
    await expect(infrastructure.kill(block, "not an identifier", quietKill())).rejects.toMatchObject({
      code: "INVALID_IDENTIFIER",
    });

    await infrastructure.kill(block, identifier, quietKill());
    const result = await running;
    expect(result.statusCode).toBe(-1);
    expect(result.message).toContain("deleted");
    await expect(infrastructure.kill(block, identifier, quietKill())).rejects.toMatchObject({
      code: "INFRASTRUCTURE_NOT_FOUND",
    });
  }, 90_000);

  it("refuses, as not found, a job infrablocks did not create, and leaves it be", async () => {
    const run = capture();
    const done = await infrastructure.run(jobBlock(cluster, { command: ["true"] }), run.context);
    const [clusterUid] = done.identifier.split(":");
    const { KubeConfig, BatchV1Api } = await import("@kubernetes/client-node");
    const config = new KubeConfig();
    config.loadFromString(cluster.kubeconfigYaml);
    const batch = config.makeApiClient(BatchV1Api);
    const name = `not-ours-${Date.now().toString(36)}`;
    await batch.createNamespacedJob({
      namespace: "default",
      body: {
        metadata: { name },
        spec: {
          template: {
            spec: {
              restartPolicy: "Never",
              containers: [
                {
                  name: "main",
                  image: cluster.image,
                  imagePullPolicy: cluster.imagePullPolicy,
                  command: ["sleep", "30"],
                },
              ],
            },
          },
        },
      },
    });
    try {
      await expect(
        infrastructure.kill(
          jobBlock(cluster, { command: ["true"] }),
          `${clusterUid}:default:${name}`,
          quietKill(),
        ),
      ).rejects.toMatchObject({
        code: "INFRASTRUCTURE_NOT_FOUND",
        message: expect.stringContaining("is not a job infrablocks created"),
      });
      expect((await batch.readNamespacedJob({ name, namespace: "default" })).metadata?.name).toBe(name);
    } finally {
      await batch.deleteNamespacedJob({ name, namespace: "default", propagationPolicy: "Background" });
    }
  }, 90_000);

  it("creates and kills in the namespace field when the manifest names another one", async () => {
    const namespace = `infrablocks-field-${Date.now().toString(36)}`;
    await createNamespace(cluster, namespace);
    const block = jobBlock(cluster, { command: ["sleep", "30"], namespace });
    (block.job as { metadata: Record<string, unknown> }).metadata.namespace = "from-manifest";
    const run = capture();
    const running = infrastructure.run(block, run.context);
    await until(() => run.identifiers.length > 0);
    const identifier = run.identifiers[0] as string;
    expect(identifier.split(":")[1]).toBe(namespace);
    await expect(
      infrastructure.kill(block, identifier.replace(/:[^:]+$/, ":a:b"), quietKill()),
    ).rejects.toMatchObject({
      code: "INVALID_IDENTIFIER",
    });
    await infrastructure.kill(block, identifier, quietKill());
    expect((await running).statusCode).toBe(-1);
  }, 90_000);

  it("ends a silent job at jobWatchTimeoutSeconds, deletes it and reports -1", async () => {
    const run = capture();
    const result = await infrastructure.run(
      jobBlock(cluster, { command: ["sleep", "60"], jobWatchTimeoutSeconds: 3 }),
      run.context,
    );
    expect(result.statusCode).toBe(-1);
    expect(result.message).toMatch(/did not complete within 3s; the job was deleted/);
    expect(run.stdout()).toBe("");
  }, 60_000);

  it("keeps the kubeconfig's token out of every error and message", async () => {
    const token = "t0k3n-that-must-never-show";
    const forged = cluster.kubeconfigYaml.replace(/token: .*/, `token: ${token}`);
    expect(forged).toContain(token);
    const block = jobBlock(cluster, { command: ["true"] });
    const unauthorized = {
      ...block,
      clusterConfig: { type: "kubernetes-cluster-config" as const, config: forged },
    };
    // The context's redact masks the block's secrets, as the CLI's and runBlock's do.
    const redactor = new Redactor();
    redactor.add(...secretValues(kubernetesJobBlockType, unauthorized));
    const run = capture();
    run.context.redact = (text) => redactor.redact(text);
    const error = await infrastructure.run(unauthorized, run.context).catch((caught: Error) => caught);
    expect(error).toMatchObject({ code: "INFRASTRUCTURE_ERROR", message: expect.stringContaining("401") });
    const everything = `${(error as Error).message}\n${(error as Error).stack}\n${run.messages.join("\n")}`;
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(Buffer.from(token).toString("base64"));
  });

  it.skipIf(REAL_CLUSTER)("masks what the API server answers with the context's redact", async () => {
    // A namespace that does not exist stands in for a secret: the server's answer names it.
    const block = jobBlock(cluster, { command: ["true"], namespace: "no-such-namespace" });
    const run = capture();
    run.context.redact = (text) => text.split("no-such-namespace").join(MASK);
    const error = await infrastructure.run(block, run.context).catch((caught: Error) => caught);
    expect(error).toMatchObject({ code: "INFRASTRUCTURE_ERROR" });
    expect((error as Error).message).toContain(`namespaces "${MASK}" not found`);
    expect((error as Error).message).toContain("Is there such a namespace on the cluster at");
    expect((error as Error).message).toContain("kubectl create namespace");
  });

  it.skipIf(REAL_CLUSTER)(
    "kill sends its delete options in the body (none in the query) and returns once accepted",
    async () => {
      const server = cluster.server as NonNullable<TestCluster["server"]>;
      const run = capture();
      const block = jobBlock(cluster, { command: ["sleep", "30"] });
      const running = infrastructure.run(block, run.context);
      await until(() => run.identifiers.length > 0);
      server.resetRequests();
      await infrastructure.kill(block, run.identifiers[0] as string, quietKill(3));
      const deletes = server.requests.filter((request) => request.method === "DELETE");
      expect(deletes).toHaveLength(1);
      expect(deletes[0]?.path).toMatch(/\/apis\/batch\/v1\/namespaces\/default\/jobs\/infrablocks-job-/);
      expect(deletes[0]?.query).toBe("");
      expect((await running).statusCode).toBe(-1);
    },
    60_000,
  );
});

function quietKill(graceSeconds = 5) {
  return killContext({
    graceSeconds,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
}

async function createNamespace(cluster: TestCluster, name: string): Promise<void> {
  const { KubeConfig, CoreV1Api } = await import("@kubernetes/client-node");
  const config = new KubeConfig();
  config.loadFromString(cluster.kubeconfigYaml);
  await config.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
}
