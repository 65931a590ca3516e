import { parseYaml, driverContext } from "@infrablocks/core";
import { clusterAvailable, REAL_CLUSTER, startCluster, type TestCluster } from "@infrablocks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { infrastructure, jobBlock } from "./helpers.js";

describe.runIf(!REAL_CLUSTER && (await clusterAvailable()))("kubernetes-job preview", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(() => cluster?.stop());

  it("is a Job manifest the API server accepts as it is", async () => {
    const block = jobBlock(cluster, {
      name: "previewed",
      command: ["sh", "-c", "echo from the preview"],
      labels: { "example.com/team": "Data Platform" },
      env: { GREETING: "hello" },
    });
    const manifest = parseYaml(
      await infrastructure.preview(block, driverContext({ baseEnvironment: {} })),
    ) as {
      metadata: { namespace?: string };
    };
    const server = cluster.server as NonNullable<TestCluster["server"]>;
    const namespace = manifest.metadata.namespace ?? "default";
    const response = await fetchInsecure(`${server.url}/apis/batch/v1/namespaces/${namespace}/jobs`, {
      method: "POST",
      headers: { Authorization: `Bearer ${tokenOf(server.kubeconfig)}`, "Content-Type": "application/json" },
      body: JSON.stringify(manifest),
    });
    const created = (await response.json()) as {
      kind: string;
      metadata: { name: string; labels: Record<string, string> };
    };
    expect(response.status).toBe(201);
    expect(created.kind).toBe("Job");
    expect(created.metadata.name).toMatch(/^previewed-[a-z0-9]{5}$/);
    expect(created.metadata.labels["example.com/team"]).toBe("Data-Platform");
  });
});

function tokenOf(kubeconfig: object): string {
  return (kubeconfig as { users: { user: { token: string } }[] }).users[0]?.user.token as string;
}

/** The test server's certificate is self-signed; this request trusts it as the kubeconfig does. */
async function fetchInsecure(
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) {
  const { request } = await import("node:https");
  return new Promise<{ status: number; json(): Promise<unknown> }>((resolve, reject) => {
    const call = request(url, { ...init, rejectUnauthorized: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          json: async () => JSON.parse(Buffer.concat(chunks).toString()),
        }),
      );
    });
    call.on("error", reject);
    call.end(init.body);
  });
}
