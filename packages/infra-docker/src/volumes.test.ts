import { describe, expect, it } from "vitest";
import { dockerContainerBlockType } from "./docker-container-block.js";
import { volumeProblem } from "./volumes.js";

describe("volumeProblem", () => {
  it.each(["/data:/data", "/data:/data:ro", "cache:/cache", "/src:/src:ro,z", "/a:/b:rw,rprivate"])(
    "accepts %s",
    (spec) => {
      expect(volumeProblem(spec)).toBeUndefined();
    },
  );

  it.each([
    ["/data", "expected host:container[:mode]"],
    ["/a:/b:ro:x", "expected host:container[:mode]"],
    ["./rel:/data", "must be an absolute path or a volume name"],
    [":/data", "must be an absolute path or a volume name"],
    ["/data:data", "container side 'data' must be an absolute path"],
    ["/data:/data:rx", "unknown mode 'rx'"],
  ])("rejects %s", (spec, problem) => {
    expect(volumeProblem(spec)).toContain(problem);
  });

  it("names the bad entry's index in a document error (the type's check)", () => {
    const config = dockerContainerBlockType.schema.parse({
      image: "busybox",
      volumes: ["/ok:/ok", "nope"],
    });
    const problems = dockerContainerBlockType.check?.(config) ?? [];
    expect(problems[0]?.path).toBe("volumes.1");
    expect(problems[0]?.message).toContain("'nope'");
  });
});
