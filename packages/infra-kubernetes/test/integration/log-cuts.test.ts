import { clusterAvailable, type LogCut, REAL_CLUSTER, startCluster } from "@infrablocks/test-support";
import { describe, expect, it } from "vitest";
import { capture, infrastructure, jobBlock } from "./helpers.js";

const LINES = 500;
/** 500 lines over about 5 s: ten lines, then a tenth of a second's pause. */
const COMMAND = [
  "sh",
  "-c",
  `i=1; while [ $i -le ${LINES} ]; do echo "log-line-$i"; [ $((i % 10)) -eq 0 ] && usleep 100000; i=$((i+1)); done`,
];
const EXPECTED = Array.from({ length: LINES }, (_, i) => `log-line-${i + 1}\n`).join("");

/** Each case gets a test server of its own (faults are per server), so that the cases run at once. */
const CASES: [string, LogCut][] = [
  ...[1, 37, 150, 4096].map((bytes): [string, LogCut] => [
    `every follow stream ends after ${bytes} bytes`,
    { bytes },
  ]),
  ...[1, 2].map((seed): [string, LogCut] => [
    `every follow stream ends after 1-400 bytes (seed ${seed})`,
    { bytes: { seed, min: 1, max: 400 } },
  ]),
  [
    "every follow stream is dropped after 1-400 bytes (seed 3)",
    { bytes: { seed: 3, min: 1, max: 400 }, end: "drop" },
  ],
  ...[1, 37, 150, 4096].map((bytes): [string, LogCut] => [
    `every follow stream ends ${bytes} bytes short once the container ended`,
    { bytes, at: "end" },
  ]),
  [
    "every follow stream is dropped 150 bytes short once the container ended",
    { bytes: 150, at: "end", end: "drop" },
  ],
];

describe.runIf(!REAL_CLUSTER && (await clusterAvailable()))("kubernetes-job log following under cuts", () => {
  it.concurrent.each(CASES)(
    "writes 500 lines exactly once, in order, no blank line, when %s",
    async (_, cut) => {
      const cluster = await startCluster();
      try {
        const server = cluster.server as NonNullable<typeof cluster.server>;
        server.faults.cutLogStreams(cut);
        const run = capture();
        const result = await infrastructure.run(jobBlock(cluster, { command: COMMAND }), run.context);
        expect(result.statusCode).toBe(0);
        expect(run.stdout()).toBe(EXPECTED);
        expect(run.messages.filter((message) => message.startsWith("warn"))).toEqual([]);
        const logRequests = server.requests.filter((request) => request.path.endsWith("/log")).length;
        // Cuts pace the follower's rounds (a quarter of a second or more each): no request storm.
        expect(logRequests).toBeLessThan(120);
      } finally {
        await cluster.stop();
      }
    },
    90_000,
  );

  const TAIL_CASES: [string, LogCut | null][] = [
    ["nothing is cut", null],
    ["every follow stream ends after 30 bytes", { bytes: 30 }],
    ["every follow stream ends 3 bytes short once the container ended", { bytes: 3, at: "end" }],
  ];
  it.concurrent.each(TAIL_CASES)(
    "writes the command's empty lines, and its last line without a newline as it is, when %s",
    async (_, cut) => {
      const cluster = await startCluster();
      try {
        (cluster.server as NonNullable<typeof cluster.server>).faults.cutLogStreams(cut);
        const run = capture();
        const command = ["sh", "-c", "printf 'a\\n\\nb\\n'; usleep 300000; printf 'the end'"];
        const result = await infrastructure.run(jobBlock(cluster, { command }), run.context);
        expect(result.statusCode).toBe(0);
        expect(run.stdout()).toBe("a\n\nb\nthe end");
      } finally {
        await cluster.stop();
      }
    },
    60_000,
  );

  // Uncut, the follower waits up to 10 s for the pod to report the end, then reads: a status 3 s
  // late costs no request (the follow and its closing read), one 12 s late a catch-up read.
  const LATE_CASES: [number, string, LogCut | null, number | undefined][] = [
    [3, "nothing is cut", null, 2],
    [12, "nothing is cut", null, undefined],
    [3, "every follow stream ends after 150 bytes", { bytes: 150 }, undefined],
  ];
  it.concurrent.each(LATE_CASES)(
    "writes 500 lines exactly once when the pod reports the container's exit %i s after its log ended and %s",
    async (seconds, _, cut, logReads) => {
      const cluster = await startCluster();
      try {
        const server = cluster.server as NonNullable<typeof cluster.server>;
        server.faults.delayPodStatus(seconds * 1000);
        server.faults.cutLogStreams(cut);
        const run = capture();
        const result = await infrastructure.run(jobBlock(cluster, { command: COMMAND }), run.context);
        expect(result.statusCode).toBe(0);
        expect(run.stdout()).toBe(EXPECTED);
        expect(run.messages.filter((message) => message.startsWith("warn"))).toEqual([]);
        if (logReads !== undefined) {
          expect(server.requests.filter((request) => request.path.endsWith("/log"))).toHaveLength(logReads);
        }
      } finally {
        await cluster.stop();
      }
    },
    90_000,
  );

  // The Job's watch and its pods' are two streams: under load the Job's end can arrive before the
  // pods' watch has said their containers ran (seen once in 50 runs at once, with every line lost).
  const SHORT: string[] = ["sh", "-c", 'for i in $(seq 1 20); do echo "short-$i"; done; exit 3'];
  it.concurrent.each([
    ["a short command", "", SHORT, 3, false],
    ["the 500-line command", "", COMMAND, 0, false],
    ["a short command", ", its pod made after the first list", SHORT, 3, true],
  ] as [string, string, string[], number, boolean][])(
    "writes every line of %s when the pods' watch lags 4 s behind the Job's%s",
    async (_, _after, command, statusCode, late) => {
      const cluster = await startCluster();
      try {
        const server = cluster.server as NonNullable<typeof cluster.server>;
        server.faults.delayWatchEvents({ resource: "pods", ms: 4_000 });
        // The pod comes after the driver's first list of them, so that only the lagging watch tells of it.
        if (late) server.faults.delayPodCreation(500);
        const run = capture();
        const result = await infrastructure.run(jobBlock(cluster, { command }), run.context);
        expect(result.statusCode).toBe(statusCode);
        const expected =
          command === COMMAND ? EXPECTED : Array.from({ length: 20 }, (_, i) => `short-${i + 1}\n`).join("");
        expect(run.stdout()).toBe(expected);
        expect(run.messages.filter((message) => message.startsWith("warn"))).toEqual([]);
      } finally {
        await cluster.stop();
      }
    },
    90_000,
  );
});
