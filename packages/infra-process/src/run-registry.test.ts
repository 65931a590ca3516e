import { mkdtemp, readdir, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isInfrablocksError, processStat, runnerIdentity } from "@infrablocks/core";
import { type RecordedRun, RunRegistry } from "./run-registry.js";

async function registry(): Promise<RunRegistry> {
  return new RunRegistry(await mkdtemp(join(tmpdir(), "ib-runs-")));
}

function entry(runId: string, pid: number, pidStartTime: string): RecordedRun {
  return {
    runId,
    type: "process",
    identifier: `host:${pid}`,
    pid,
    pidStartTime,
    runner: runnerIdentity(),
    startedAt: new Date().toISOString(),
  };
}

describe("the run registry", () => {
  it("records, reads, lists and removes runs, one owner-only folder each", async () => {
    const runs = await registry();
    expect(await runs.list()).toEqual([]);
    const folder = await runs.create("run-1");
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    const recorded = entry("run-1", 4242, "77");
    await runs.record(recorded);
    expect(await runs.read("run-1")).toEqual(recorded);
    expect(await runs.list()).toEqual([recorded]);
    // Written through a temporary file that is renamed: nothing else is left beside the entry.
    expect(await readdir(folder)).toEqual(["run.json"]);
    await runs.remove("run-1");
    expect(await runs.read("run-1")).toBeUndefined();
    expect(await runs.list()).toEqual([]);
  });

  it("refuses a run id in use by a live run, and reuses one whose run ended", async () => {
    const runs = await registry();
    await runs.create("busy");
    await runs.record(entry("busy", process.pid, processStat(process.pid)?.startTime ?? "0"));
    await expect(runs.create("busy")).rejects.toSatisfy(
      (error) => isInfrablocksError(error, "INVALID_RUN_ID") && (error as Error).message.includes("'busy'"),
    );
    await runs.create("stale");
    await runs.record(entry("stale", process.pid, "1"));
    await runs.create("stale");
    expect(await runs.read("stale")).toBeUndefined();
  });

  it("refuses an invalid run id before touching the disk", async () => {
    const runs = await registry();
    await expect(runs.create("../escape")).rejects.toSatisfy((error) =>
      isInfrablocksError(error, "INVALID_RUN_ID"),
    );
  });
});
