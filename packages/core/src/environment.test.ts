import { afterEach, describe, expect, it } from "vitest";
import { API_URL_VARIABLE, baseEnvironment, inheritedEnvironment, mergeEnvironment } from "./environment.js";

describe("baseEnvironment", () => {
  afterEach(() => {
    delete process.env.INFRABLOCKS_CORE_TEST_VARIABLE;
  });

  it("keeps INFRABLOCKS_* variables only, never INFRABLOCKS_HOME or INFRABLOCKS_DEBUG", () => {
    expect(
      baseEnvironment({
        INFRABLOCKS_API_URL: "http://localhost:4200/api",
        INFRABLOCKS_API_KEY: "k",
        INFRABLOCKS_EMPTY: "",
        INFRABLOCKS_HOME: "/home/me/.infrablocks",
        INFRABLOCKS_DEBUG: "1",
        INFRABLOCKS_UNSET: undefined,
        infrablocks_lower: "x",
        MY_INFRABLOCKS_X: "x",
        PATH: "/usr/bin",
        HOME: "/home/me",
      }),
    ).toEqual({
      INFRABLOCKS_API_URL: "http://localhost:4200/api",
      INFRABLOCKS_API_KEY: "k",
      INFRABLOCKS_EMPTY: "",
    });
  });

  it("reads process.env by default", () => {
    process.env.INFRABLOCKS_CORE_TEST_VARIABLE = "from-process";
    expect(baseEnvironment().INFRABLOCKS_CORE_TEST_VARIABLE).toBe("from-process");
    expect(Object.keys(baseEnvironment()).every((name) => name.startsWith("INFRABLOCKS_"))).toBe(true);
    expect(baseEnvironment()).not.toHaveProperty("INFRABLOCKS_HOME");
  });

  it("names the API URL variable", () => {
    expect(API_URL_VARIABLE).toBe("INFRABLOCKS_API_URL");
  });
});

describe("mergeEnvironment", () => {
  it("lets a later layer win and null remove a variable", () => {
    const base = { A: "base", B: "base", C: "base" };
    const block = { B: "block", C: null, D: "block" };
    expect(mergeEnvironment(base, block)).toEqual({ A: "base", B: "block", D: "block" });
    expect(base).toEqual({ A: "base", B: "base", C: "base" });
  });

  it("lets a later layer set again what an earlier one removed, and ignores undefined", () => {
    expect(mergeEnvironment({ A: "1" }, { A: null }, { A: "3" })).toEqual({ A: "3" });
    expect(mergeEnvironment({ A: "1" }, { A: undefined })).toEqual({ A: "1" });
    expect(mergeEnvironment({ A: null })).toEqual({});
    expect(mergeEnvironment()).toEqual({});
    expect(mergeEnvironment({ A: "" }, {})).toEqual({ A: "" });
  });

  // Minor bug: mergeEnvironment collects into plain `{}` objects, so a variable named `__proto__`
  // (legal in a POSIX environment and allowed by the `env` field's pattern) sets the prototype instead
  // of a key and vanishes: mergeEnvironment(JSON.parse('{"__proto__":"x","A":"1"}')) gives { A: "1" }.
  it("keeps a variable named __proto__", () => {
    const layer = JSON.parse('{"__proto__": "x", "A": "1"}') as Record<string, string>;
    expect(Object.entries(mergeEnvironment(layer))).toEqual([
      ["__proto__", "x"],
      ["A", "1"],
    ]);
  });
});

describe("inheritedEnvironment", () => {
  it("keeps the OS environment but INFRABLOCKS_HOME and INFRABLOCKS_DEBUG, without changing its input", () => {
    const env = { PATH: "/bin", INFRABLOCKS_HOME: "/h", INFRABLOCKS_DEBUG: "1", INFRABLOCKS_X: "x" };
    expect(inheritedEnvironment(env)).toEqual({ PATH: "/bin", INFRABLOCKS_X: "x" });
    expect(env.INFRABLOCKS_HOME).toBe("/h");
  });
});
