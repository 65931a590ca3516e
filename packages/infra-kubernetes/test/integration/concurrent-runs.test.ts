import { clusterAvailable, REAL_CLUSTER, startCluster, type TestCluster } from "@infrablocks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capture, infrastructure, jobBlock } from "./helpers.js";

const RUNS = 50;
const LINES = 20;

const LOG_READS = "GET /api/v1/namespaces/default/pods/<job>/log";

/** Requests by method and path (job and pod names blanked out, queries dropped). */
function requestKinds(requests: readonly { method: string; path: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of requests) {
    const path = request.path
      .replace(/(alone|load-[0-9]+)-[a-z0-9]{5}(-[a-z0-9]{5})?/g, "<job>")
      .replace(/\?.*/, "");
    const key = `${request.method} ${path}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Run `index` prints its own numbered lines, then exits with its own status. */
function command(index: number): string[] {
  return ["sh", "-c", `for i in $(seq 1 ${LINES}); do echo "run-${index} line-$i"; done; exit ${index % 7}`];
}

function expectedOutput(index: number): string {
  return Array.from({ length: LINES }, (_, line) => `run-${index} line-${line + 1}\n`).join("");
}

describe.runIf(!REAL_CLUSTER && (await clusterAvailable()))("kubernetes-job runs at once", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(() => cluster?.stop());

  it(`holds ${RUNS} runs from one process: every exit code and line right, no more requests per job than alone`, async () => {
    const server = cluster.server as NonNullable<TestCluster["server"]>;
    server.resetRequests();
    const alone = capture();
    const single = await infrastructure.run(
      jobBlock(cluster, { name: "alone", command: command(3) }),
      alone.context,
    );
    expect(single.statusCode).toBe(3);
    expect(alone.stdout()).toBe(expectedOutput(3));
    const perJobAlone = server.requests.length;
    const aloneShape = requestKinds(server.requests);

    server.resetRequests();
    const runs = Array.from({ length: RUNS }, (_, index) => {
      const run = capture();
      return {
        run,
        result: infrastructure.run(
          jobBlock(cluster, { name: `load-${index}`, command: command(index) }),
          run.context,
        ),
      };
    });
    const results = await Promise.all(runs.map((entry) => entry.result));
    for (const [index, result] of results.entries()) {
      expect(result.statusCode, `run ${index}`).toBe(index % 7);
      const { run } = runs[index] as (typeof runs)[number];
      // The driver's own messages say why, should a run's lines be missing.
      expect(run.stdout(), `run ${index} (${run.messages.join("; ")})`).toBe(expectedOutput(index));
    }
    const perJobLoaded = server.requests.length / RUNS;
    // Every kind of request but the log reads, exactly as often per job as alone: watches, no polling.
    const { [LOG_READS]: loadedLogReads, ...loadedKinds } = requestKinds(server.requests);
    const { [LOG_READS]: aloneLogReads, ...kindsAlone } = aloneShape;
    expect(loadedKinds).toEqual(
      Object.fromEntries(Object.entries(kindsAlone).map(([kind, count]) => [kind, count * RUNS])),
    );
    // The log reads too, though the pods report their containers' ends seconds late under this load
    // (fewer, when a container ends before its pod is seen running: its log is read once).
    expect(loadedLogReads).toBeLessThanOrEqual((aloneLogReads ?? 0) * RUNS);
    // No request storm as runs pile up: watches and follows per job, not polling that grows with load.
    const ratio = perJobLoaded / perJobAlone;
    process.stderr.write(
      `kube-concurrent: ${perJobLoaded.toFixed(2)} requests per job at ${RUNS} at once, ${perJobAlone} alone: ratio ${ratio.toFixed(2)}\n`,
    );
    expect(ratio).toBeLessThanOrEqual(1.0);
  }, 600_000);
});
