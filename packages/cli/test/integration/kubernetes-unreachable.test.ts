import { createServer } from "node:net";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { clusterAvailable, REAL_CLUSTER, startCluster, type TestCluster } from "@infrablocks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, freshHome } from "./cli-support.js";

/** A loopback port that refuses connections: bound to find a free one, then closed. */
async function refusingPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** A kubeconfig of one cluster at `server`, one user (`user` in YAML flow form) and the context `context`. */
async function writeKubeconfig(
  folder: string,
  server: string,
  user: string,
  context: string,
): Promise<string> {
  const path = join(folder, "kubeconfig.yaml");
  await writeFile(
    path,
    [
      "apiVersion: v1",
      "kind: Config",
      `clusters: [{ name: c, cluster: { server: "${server}" } }]`,
      `users: [{ name: u, user: ${user} }]`,
      `contexts: [{ name: ${context}, context: { cluster: c, user: u } }]`,
      `current-context: ${context}`,
    ].join("\n"),
  );
  return path;
}

describe("a Kubernetes API server that refuses connections", () => {
  it("fails run (exit 1) and kill (exit 4) within 5 s, naming the server and the context, without a kube-system warning", async () => {
    const home = await freshHome();
    const server = `https://127.0.0.1:${await refusingPort()}`;
    const kubeconfig = await writeKubeconfig(home, server, "{ token: not-a-real-token }", "refusing");
    const doc = join(home, "job.yaml");
    await writeFile(doc, "type: kubernetes-job\nimage: busybox:1.36\ncommand: [echo, hi]\n");
    const env = { KUBECONFIG: kubeconfig };

    for (const [args, expectedCode] of [
      [["run", doc], 1],
      [["kill", doc, "some-cluster:default:job-1"], 4],
    ] as const) {
      const started = Date.now();
      const result = await cli([...args], { home, env });
      const seconds = (Date.now() - started) / 1000;
      expect(result.code, result.stderr).toBe(expectedCode);
      expect(seconds).toBeLessThan(5);
      expect(result.stderr).toContain(`Cannot reach the Kubernetes API server ${server}`);
      expect(result.stderr).toContain("kubeconfig context 'refusing'");
      expect(result.stderr).toContain("ECONNREFUSED");
      expect(result.stderr).not.toContain("kube-system");
      expect(result.stderr).not.toContain("not-a-real-token");
    }
  }, 30_000);

  it("says a kubeconfig could not give credentials, or has no URL, naming the server and the context", async () => {
    const home = await freshHome();
    const server = `https://127.0.0.1:${await refusingPort()}`;
    const plugin = join(home, "failing-plugin.sh");
    await writeFile(plugin, "#!/bin/sh\necho 'plugin failed: no creds' >&2\nexit 1\n", { mode: 0o755 });
    const doc = join(home, "job.yaml");
    await writeFile(doc, "type: kubernetes-job\nimage: busybox:1.36\ncommand: [echo, hi]\n");
    const cases = [
      [
        server,
        `{ exec: { apiVersion: client.authentication.k8s.io/v1, command: "${plugin}", interactiveMode: Never } }`,
        "Could not get credentials for the Kubernetes API server",
      ],
      [
        server,
        '{ token: "line-ending-token\\n" }',
        "Could not get credentials for the Kubernetes API server",
      ],
      ["https://127.0.0.1:notaport", "{ token: t0k3n-value }", "is not a URL"],
    ];
    for (const [address, user, says] of cases) {
      const kubeconfig = await writeKubeconfig(home, address as string, user as string, "broken");
      const result = await cli(["run", doc], { home, env: { KUBECONFIG: kubeconfig } });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain(says as string);
      expect(result.stderr).toContain("kubeconfig context 'broken'");
      expect(result.stderr).not.toContain("kube-system");
      expect(result.stderr).not.toMatch(/line-ending-token|t0k3n-value/);
    }
  }, 30_000);

  it("fails run with exit 1 and kill with exit 4 when KUBECONFIG names a file that does not exist", async () => {
    const home = await freshHome();
    const doc = join(home, "job.yaml");
    await writeFile(doc, "type: kubernetes-job\nimage: busybox:1.36\ncommand: [echo, hi]\n");
    const env = { KUBECONFIG: join(home, "no-such-kubeconfig.yaml") };
    const run = await cli(["run", doc], { home, env });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain("kubeconfig");
    const kill = await cli(["kill", doc, "some-cluster:default:job-1"], { home, env });
    expect(kill.code, kill.stderr).toBe(4);
    expect(kill.stderr).toBe(run.stderr);
  }, 30_000);
});

describe.runIf(!REAL_CLUSTER && (await clusterAvailable()))(
  "a Kubernetes API server this kubeconfig cannot use",
  () => {
    let cluster: TestCluster;
    beforeAll(async () => {
      cluster = await startCluster();
    }, 120_000);
    afterAll(() => cluster?.stop());

    /** Runs and kills through a variant of the test server's kubeconfig; both fail within 5 s. */
    async function failures(kubeconfigYaml: string): Promise<string[]> {
      const home = await freshHome();
      const kubeconfig = join(home, "kubeconfig.yaml");
      await writeFile(kubeconfig, kubeconfigYaml);
      const doc = join(home, "job.yaml");
      await writeFile(
        doc,
        `type: kubernetes-job\nimage: ${cluster.image}\nimagePullPolicy: Never\ncommand: [echo, hi]\n`,
      );
      const messages: string[] = [];
      for (const [args, expectedCode] of [
        [["run", doc], 1],
        [["kill", doc, "some-cluster:default:job-1"], 4],
      ] as const) {
        const started = Date.now();
        const result = await cli([...args], { home, env: { KUBECONFIG: kubeconfig } });
        expect(result.code, result.stderr).toBe(expectedCode);
        expect((Date.now() - started) / 1000).toBeLessThan(5);
        expect(result.stderr).not.toContain("kube-system");
        messages.push(result.stderr);
      }
      return messages;
    }

    it("says at once that the server's certificate is not trusted, naming the server and the context", async () => {
      const untrusted = cluster.kubeconfigYaml
        .split("\n")
        .filter((line) => !line.includes("certificate-authority"))
        .join("\n");
      for (const message of await failures(untrusted)) {
        expect(message).toContain("failed TLS verification");
        expect(message).toContain("certificate-authority");
        expect(message).toMatch(/kubeconfig context '[^']+'/);
      }
    }, 60_000);

    it("says at once that the credentials were rejected, without showing them", async () => {
      const rejected = cluster.kubeconfigYaml.replace(/token: .*/, "token: rejected-token-5521");
      expect(rejected).toContain("rejected-token-5521");
      for (const message of await failures(rejected)) {
        expect(message).toContain("rejected the credentials (401 Unauthorized)");
        expect(message).not.toContain("rejected-token-5521");
      }
    }, 60_000);
  },
);
