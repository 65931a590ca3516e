import { describe, expect, it } from "vitest";
import { candidateNames, containerName, NAME_CONFLICT_RETRIES } from "./container-name.js";

describe("containerName", () => {
  it.each([
    ["my flow run", "my-flow-run"],
    ["__leading.dots", "leading.dots"],
    ["-._x1", "x1"],
    ["Crème brûlée/v2", "Creme-brulee-v2"],
    ["keep_under.score-dash", "keep_under.score-dash"],
  ])("%s → %s", (name, expected) => {
    expect(containerName(name)).toBe(expected);
  });

  it("leaves the choice to the engine when nothing valid is left", () => {
    expect(containerName(undefined)).toBeUndefined();
    expect(containerName("!!!")).toBeUndefined();
    expect(containerName("a")).toBeUndefined();
  });

  it("caps the length at 250", () => {
    expect(containerName("x".repeat(400))).toHaveLength(250);
  });
});

describe("candidateNames", () => {
  it("tries the name, then a bounded run of suffixes", () => {
    const names = candidateNames("job");
    expect(names).toHaveLength(NAME_CONFLICT_RETRIES + 1);
    expect(names.slice(0, 3)).toEqual(["job", "job-1", "job-2"]);
    expect(names.at(-1)).toBe(`job-${NAME_CONFLICT_RETRIES}`);
  });
});
