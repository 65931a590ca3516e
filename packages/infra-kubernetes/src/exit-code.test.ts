import { describe, expect, it } from "vitest";
import { exitStatus, jobFinish } from "./exit-code.js";
import type { Pod } from "./kube-types.js";

const pod = (name: string, created: string, status: Pod["status"]): Pod => ({
  metadata: { name, creationTimestamp: created },
  status,
});
const terminated = (exitCode: number, reason = "Error") => ({
  containerStatuses: [
    { name: "sidecar", state: { terminated: { exitCode: 0 } } },
    { name: "infrablocks-job", state: { terminated: { exitCode, reason } } },
  ],
});

describe("exitStatus", () => {
  it("takes the newest pod's main container, not a sidecar or an older attempt", () => {
    const pods = [
      pod("a", "2024-01-01T00:00:00Z", terminated(3)),
      pod("b", "2024-01-01T00:00:09Z", terminated(4)),
    ];
    expect(exitStatus(pods).statusCode).toBe(4);
  });

  it("reports -1 with the reason for an evicted pod, a missing exit code, or no pod", () => {
    expect(
      exitStatus([pod("a", "t", { phase: "Failed", reason: "Evicted", message: "low on memory" })]),
    ).toEqual({ statusCode: -1, message: expect.stringContaining("Evicted: low on memory") });
    expect(exitStatus([pod("a", "t", { containerStatuses: [] })]).statusCode).toBe(-1);
    expect(exitStatus([], "BackoffLimitExceeded").message).toContain("BackoffLimitExceeded");
  });

  it("explains an OOM kill", () => {
    expect(exitStatus([pod("a", "t", terminated(137, "OOMKilled"))]).message).toContain("memory limit");
  });
});

describe("jobFinish", () => {
  it("treats Complete, Failed and failures past the backoff limit as the end", () => {
    const job = (status: object, backoffLimit?: number) => ({
      metadata: { name: "j" },
      spec: backoffLimit === undefined ? {} : { backoffLimit },
      status,
    });
    expect(jobFinish(job({ conditions: [{ type: "Complete", status: "True" }] }))).toEqual({
      finished: true,
    });
    expect(
      jobFinish(job({ conditions: [{ type: "Failed", status: "True", reason: "DeadlineExceeded" }] })),
    ).toEqual({
      finished: true,
      failure: "DeadlineExceeded",
    });
    expect(jobFinish(job({ failed: 1 }, 0)).finished).toBe(true);
    expect(jobFinish(job({ failed: 1 }, 2)).finished).toBe(false);
    expect(jobFinish(job({ active: 1 })).finished).toBe(false);
  });
});
