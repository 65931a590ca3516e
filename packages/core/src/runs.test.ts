import { spawn } from "node:child_process";
import { once } from "node:events";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { isInfrablocksError } from "./errors.js";
import {
  assertRunId,
  isSameProcess,
  newRunId,
  processStat,
  runEnvironment,
  runnerAlive,
  runnerIdentity,
} from "./runs.js";

describe("run ids", () => {
  it.each(["a", "9f0c2d1e-0b7a-4c1e-9d2f-1a2b3c4d5e6f", "nightly_2026.11.28", "A".repeat(63)])(
    "accept %j",
    (id) => {
      expect(assertRunId(id)).toBe(id);
    },
  );

  it.each(["", "-leading", "trailing.", "has space", "a:b", "A".repeat(64), "ünï"])(
    "reject %j, naming it",
    (id) => {
      let caught: unknown;
      try {
        assertRunId(id);
      } catch (error) {
        caught = error;
      }
      expect(isInfrablocksError(caught, "INVALID_RUN_ID")).toBe(true);
      expect((caught as Error).message).toContain(JSON.stringify(id.slice(0, 80)));
    },
  );

  it("are random version 4 UUIDs", () => {
    const ids = Array.from({ length: 10_000 }, () => newRunId());
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Every random hex digit takes each of its 16 values about equally often (10,000 ids: ~625 each).
    const counts = new Map<string, number>();
    for (const id of ids) for (const digit of id.slice(0, 8)) counts.set(digit, (counts.get(digit) ?? 0) + 1);
    expect(counts.size).toBe(16);
    for (const count of counts.values()) expect(count).toBeGreaterThan(4000);
  });

  it("are generated valid and unique, and passed as INFRABLOCKS_RUN_ID over an inherited one", () => {
    const id = newRunId();
    expect(assertRunId(id)).toBe(id);
    expect(newRunId()).not.toBe(id);
    expect(
      runEnvironment({ baseEnvironment: { INFRABLOCKS_RUN_ID: "outer", INFRABLOCKS_X: "1" }, runId: id }),
    ).toEqual({
      INFRABLOCKS_RUN_ID: id,
      INFRABLOCKS_X: "1",
    });
  });
});

describe("runner identity", () => {
  it("is this host, pid and start time, and alive", () => {
    const start = processStat(process.pid)?.startTime;
    expect(start).toMatch(/^[0-9]+$/);
    expect(runnerIdentity()).toBe(`${hostname()}:${process.pid}:${start}`);
    expect(runnerAlive(runnerIdentity())).toBe("yes");
  });

  it("is dead once its process ended, or when its pid was reused by a later process", async () => {
    const child = spawn("true");
    await once(child, "spawn");
    const identity = `${hostname()}:${child.pid}:${processStat(child.pid as number)?.startTime ?? "0"}`;
    await once(child, "close");
    expect(runnerAlive(identity)).toBe("no");
    expect(isSameProcess(child.pid as number, "0")).toBe(false);
    // This very pid, with another start time: a reused pid is not the runner.
    expect(runnerAlive(`${hostname()}:${process.pid}:1`)).toBe("no");
  });

  it("is unknown on another host or when malformed", () => {
    expect(runnerAlive(`not-${hostname()}:1:1`)).toBe("unknown");
    expect(runnerAlive("garbage")).toBe("unknown");
    expect(runnerAlive(undefined)).toBe("unknown");
  });
});
