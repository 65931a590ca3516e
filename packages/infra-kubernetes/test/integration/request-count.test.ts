import { clusterAvailable, REAL_CLUSTER, startCluster, type TestCluster } from "@infrablocks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capture, infrastructure, jobBlock } from "./helpers.js";

describe.runIf(!REAL_CLUSTER && (await clusterAvailable()))("kubernetes-job API requests", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(() => cluster?.stop());

  /** The requests one run makes, by method and path (names and versions blanked out). */
  async function requestsOfRun(seconds: number): Promise<string[]> {
    const server = cluster.server as NonNullable<TestCluster["server"]>;
    server.resetRequests();
    const run = capture();
    const result = await infrastructure.run(
      jobBlock(cluster, { name: "timed", command: ["sh", "-c", `echo start; sleep ${seconds}; echo end`] }),
      run.context,
    );
    expect(result.statusCode).toBe(0);
    expect(run.stdout()).toBe("start\nend\n");
    return server.requests.map(
      (request) => `${request.method} ${request.path.replace(/timed-[a-z0-9]{5}(-[a-z0-9]{5})?/g, "<job>")}`,
    );
  }

  it("makes as many requests for a 10 s job as for a 2 s one: watches, not polling", async () => {
    const short = await requestsOfRun(2);
    const long = await requestsOfRun(10);
    expect(long.sort()).toEqual(short.sort());
    // Cluster uid, create, two lists, two watches, a follow and its closing read per pod, the final pod list.
    expect(short.length).toBeLessThanOrEqual(10);
  }, 60_000);
});
