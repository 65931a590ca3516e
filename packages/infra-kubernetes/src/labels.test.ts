import { describe, expect, it } from "vitest";
import { generateJobName } from "./generate-name.js";
import { kubernetesLabels, labelKey, labelValue } from "./labels.js";

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function randomText(length: number): string {
  const alphabet = "aZ09-_./ :é✓~!@#$%^&*()[]{}\\\"'";
  return Array.from({ length }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join("");
}

describe("labels", () => {
  it("keeps valid keys and values, including case", () => {
    expect(kubernetesLabels({ "example.com/Flow": "My_Run.1" })).toEqual({
      labels: { "example.com/Flow": "My_Run.1" },
      invalid: [],
    });
  });

  it("slugs keys and values by Kubernetes' rules", () => {
    expect(labelKey("Example.COM/my flow!")).toBe("example.com/my-flow");
    expect(labelValue("  hello world  ")).toBe("hello-world");
    expect(labelValue("-_.x.y_-")).toBe("x.y");
    expect(labelValue("a".repeat(80))).toHaveLength(63);
    expect(labelValue("")).toBe("");
  });

  it("reports keys with nothing valid left instead of sending them", () => {
    expect(kubernetesLabels({ "!!!": "x", "example.com/***": "y" }).invalid).toEqual([
      "!!!",
      "example.com/***",
    ]);
  });

  it("only ever produces valid keys and values (random input)", () => {
    for (let i = 0; i < 2000; i++) {
      const key = labelKey(randomText(1 + (i % 300)));
      if (key !== undefined) {
        const [prefix, name] = key.includes("/") ? key.split("/") : [undefined, key];
        expect(name).toMatch(LABEL_NAME);
        expect((name as string).length).toBeLessThanOrEqual(63);
        expect(name).not.toBe("");
        if (prefix !== undefined) {
          expect(prefix).toMatch(DNS_SUBDOMAIN);
          expect(prefix.length).toBeLessThanOrEqual(253);
        }
      }
      const value = labelValue(randomText(i % 100));
      expect(value).toMatch(LABEL_NAME);
      expect(value.length).toBeLessThanOrEqual(63);
    }
  });
});

describe("generateJobName", () => {
  it("slugs the name and ends it with a dash", () => {
    expect(generateJobName("My Flow: run #1", [], [])).toBe("my-flow-run-1-");
  });

  it("caps the name so that Kubernetes' 5-character suffix still fits in 63", () => {
    const generated = generateJobName("x".repeat(100), [], []);
    expect(generated.length + 5).toBeLessThanOrEqual(63);
    expect(generated.endsWith("-")).toBe(true);
  });

  it("falls back to a stable hash of the command and env names (not values)", () => {
    const one = generateJobName("***", ["echo", "hi"], ["A", "B"]);
    expect(one).toMatch(/^infrablocks-job-[0-9a-f]{12}-$/);
    expect(generateJobName(undefined, ["echo", "hi"], ["B", "A"])).toBe(one);
    expect(generateJobName(undefined, ["echo", "ho"], ["A", "B"])).not.toBe(one);
  });

  it("only ever produces valid generateNames (random input)", () => {
    for (let i = 0; i < 2000; i++) {
      const generated = generateJobName(randomText(i % 120), ["x"], []);
      expect(generated).toMatch(/^[a-z0-9]([-a-z0-9]*)-$/);
      expect(generated.length).toBeLessThanOrEqual(58);
    }
  });
});
