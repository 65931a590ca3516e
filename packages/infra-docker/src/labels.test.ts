import { describe, expect, it } from "vitest";
import { containerLabels, reverseDnsLabel } from "./labels.js";

describe("reverseDnsLabel", () => {
  it.each([
    ["infrablocks.io/run", "io.infrablocks.run"],
    ["prefect.io/flow-run-id", "io.prefect.flow-run-id"],
    ["a.b.c/d/e", "c.b.a.d/e"],
    ["plain", "plain"],
    ["io.example.key", "io.example.key"],
    ["/name", "name"],
  ])("%s → %s", (key, expected) => {
    expect(reverseDnsLabel(key)).toBe(expected);
  });
});

describe("containerLabels", () => {
  it("converts every key and adds the version label, which a block may override", () => {
    expect(containerLabels({ "infrablocks.io/run": "r1", team: "data" }, "1.2.3")).toEqual({
      "io.infrablocks.version": "1.2.3",
      "io.infrablocks.run": "r1",
      team: "data",
    });
    expect(containerLabels({ "infrablocks.io/version": "custom" }, "1.2.3")).toEqual({
      "io.infrablocks.version": "custom",
    });
  });
});
