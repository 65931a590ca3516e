import { clusterAvailable, REAL_CLUSTER, startCluster } from "@infrablocks/test-support";
import { describe, expect, it } from "vitest";
import { capture, infrastructure, jobBlock } from "./helpers.js";

/** The seeds the faults are drawn from; INFRABLOCKS_KUBE_FAULT_SEEDS=4,5,6 tries others. */
const SEEDS = (process.env.INFRABLOCKS_KUBE_FAULT_SEEDS ?? "1,2,3").split(",").map(Number);
const LINES = 200;
/** 200 lines over about 2 s. */
const COMMAND = [
  "sh",
  "-c",
  `i=1; while [ $i -le ${LINES} ]; do echo "line-$i"; [ $((i % 10)) -eq 0 ] && usleep 100000; i=$((i+1)); done`,
];
const EXPECTED = Array.from({ length: LINES }, (_, i) => `line-${i + 1}\n`).join("");

describe.runIf(!REAL_CLUSTER && (await clusterAvailable()))("kubernetes-job under seeded faults", () => {
  it.concurrent.each(SEEDS)(
    "prints every line once and exits 0 through random watch closes, bursts of 500/429 and cut log streams (seed %i)",
    async (seed) => {
      const cluster = await startCluster();
      try {
        const server = cluster.server as NonNullable<typeof cluster.server>;
        server.faults.closeWatchesRandomly({ seed, minMs: 50, maxMs: 1_500 });
        // Reads only: creating a Job is rightly not retried after a 5xx (it may exist already).
        server.faults.failInBursts({
          seed,
          chance: 0.05,
          length: 3,
          statuses: [500, 429],
          match: (method) => method === "GET",
        });
        server.faults.cutLogStreams({ bytes: { seed, min: 1, max: 400 } });
        const run = capture();
        const result = await infrastructure.run(jobBlock(cluster, { command: COMMAND }), run.context);
        const failed = server.requests.filter((request) => request.status === 500 || request.status === 429);
        const watches = server.requests.filter((request) => request.query.includes("watch=true"));
        expect(result.statusCode).toBe(0);
        expect(run.stdout()).toBe(EXPECTED);
        expect(run.messages.filter((message) => message.startsWith("warn"))).toEqual([]);
        // The faults did happen.
        expect(failed.length).toBeGreaterThan(0);
        expect(watches.length).toBeGreaterThan(2);
      } finally {
        await cluster.stop();
      }
    },
    120_000,
  );
});
