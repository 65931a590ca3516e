import { describe, expect, it } from "vitest";
import { exitHint, statusCodeOf } from "./exit-hints.js";

describe("exit hints", () => {
  it("explain SIGKILL, SIGTERM and the memory-kill status", () => {
    expect(exitHint(-9)).toMatch(/SIGKILL/);
    expect(exitHint(-15)).toMatch(/SIGTERM/);
    expect(exitHint(247)).toMatch(/memory/);
    expect(exitHint(-2)).toMatch(/SIGINT/);
    expect(exitHint(0)).toBeUndefined();
    expect(exitHint(1)).toBeUndefined();
  });

  it("turn a signal into a negative status code", () => {
    expect(statusCodeOf(3, null)).toBe(3);
    expect(statusCodeOf(null, "SIGKILL")).toBe(-9);
    expect(statusCodeOf(null, "SIGTERM")).toBe(-15);
  });
});
