import { describe, expect, it } from "vitest";
import { parseImageReference } from "./image-reference.js";
import { effectivePullPolicy } from "./pull-policy.js";

describe("effectivePullPolicy", () => {
  it.each([
    ["busybox", "Always"],
    ["busybox:latest", "Always"],
    ["host:5000/busybox", "Always"],
    ["host:5000/busybox:1.36", "IfNotPresent"],
    [`busybox@sha256:${"b".repeat(64)}`, "IfNotPresent"],
    [`busybox:latest@sha256:${"b".repeat(64)}`, "IfNotPresent"],
  ])("infers for %s: %s", (image, policy) => {
    expect(effectivePullPolicy(parseImageReference(image), undefined)).toBe(policy);
  });

  it("lets an explicit policy win", () => {
    expect(effectivePullPolicy(parseImageReference("busybox:latest"), "Never")).toBe("Never");
    expect(effectivePullPolicy(parseImageReference("busybox:1"), "Always")).toBe("Always");
  });
});
