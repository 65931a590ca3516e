import { describe, expect, it } from "vitest";
import { FaultState } from "./faults.js";

const hooks = { evictPod: async () => undefined, podsPendingChanged: () => undefined };

describe("seeded faults", () => {
  it("draws the same watch lifetimes, log cuts and failure bursts from the same seed", () => {
    const draw = (seed: number) => {
      const faults = new FaultState(hooks);
      faults.closeWatchesRandomly({ seed, minMs: 50, maxMs: 1_500 });
      faults.cutLogStreams({ bytes: { seed, min: 1, max: 400 } });
      faults.failInBursts({ seed, chance: 0.1, length: 3, statuses: [500, 429] });
      return {
        lifetimes: Array.from({ length: 20 }, () => faults.takeWatchLifetime()),
        cuts: Array.from({ length: 20 }, () => faults.takeLogCut()?.bytes),
        failures: Array.from({ length: 200 }, () => faults.takeFailure("GET", "/api/v1/pods")?.status ?? 0),
      };
    };
    const first = draw(1);
    expect(draw(1)).toEqual(first);
    expect(draw(2)).not.toEqual(first);
    for (const ms of first.lifetimes) expect(ms).toBeGreaterThanOrEqual(50);
    for (const ms of first.lifetimes) expect(ms).toBeLessThanOrEqual(1_500);
    for (const bytes of first.cuts) expect(bytes).toBeGreaterThanOrEqual(1);
    for (const bytes of first.cuts) expect(bytes).toBeLessThanOrEqual(400);
    // Failures come in runs of three (bursts back to back make longer runs), one status per burst.
    const runs: number[][] = [];
    let current: number[] = [];
    for (const status of [...first.failures, 0]) {
      if (status !== 0) current.push(status);
      else if (current.length > 0) {
        runs.push(current);
        current = [];
      }
    }
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) {
      expect(run.length % 3).toBe(0);
      for (let i = 0; i < run.length; i += 3) expect(new Set(run.slice(i, i + 3)).size).toBe(1);
    }
  });

  it("fails only matching requests, and turns off", () => {
    const faults = new FaultState(hooks);
    faults.failInBursts({
      seed: 1,
      chance: 1,
      length: 2,
      statuses: [503],
      match: (method) => method === "GET",
    });
    expect(faults.takeFailure("POST", "/x")).toBeNull();
    expect(faults.takeFailure("GET", "/x")).toEqual({ status: 503 });
    faults.failInBursts(null);
    expect(faults.takeFailure("GET", "/x")).toBeNull();
    faults.closeWatchesAfterMs(100);
    faults.closeWatchesRandomly({ seed: 1, minMs: 500, maxMs: 900 });
    expect(faults.takeWatchLifetime()).toBe(100);
    faults.closeWatchesRandomly(null);
    faults.closeWatchesAfterMs(null);
    expect(faults.takeWatchLifetime()).toBeNull();
  });
});
