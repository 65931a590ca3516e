import { mkdtemp, readdir, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { processStat, runnerIdentity } from "@infrablocks/core";
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
    expect(runs.list()).toEqual([]);
    const folder = runs.create("run-1");
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    const recorded = entry("run-1", 4242, "77");
    runs.record(recorded);
    expect(runs.read("run-1")).toEqual(recorded);
    expect(runs.list()).toEqual([recorded]);
    // Written through a temporary file that is renamed: nothing else is left beside the entry.
    expect(await readdir(folder)).toEqual(["run.json"]);
    runs.remove("run-1");
    expect(runs.read("run-1")).toBeUndefined();
    expect(runs.list()).toEqual([]);
  });

  it("refuses a run id in use by a live run, and reuses one whose run ended", async () => {
    const runs = await registry();
    runs.create("busy");
    runs.record(entry("busy", process.pid, processStat(process.pid)?.startTime ?? "0"));
    expect(() => runs.create("busy")).toThrow(
      expect.objectContaining({ code: "INVALID_RUN_ID", message: expect.stringContaining("'busy'") }),
    );
    runs.create("stale");
    runs.record(entry("stale", process.pid, "1"));
    runs.create("stale");
    expect(runs.read("stale")).toBeUndefined();
  });

  it("refuses an invalid run id before touching the disk", async () => {
    const runs = await registry();
    expect(() => runs.create("../escape")).toThrow(expect.objectContaining({ code: "INVALID_RUN_ID" }));
  });
});
