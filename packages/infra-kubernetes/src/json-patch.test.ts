import { describe, expect, it } from "vitest";
import { applyPatch, PatchError } from "./json-patch.js";

describe("applyPatch", () => {
  const doc = { a: { b: [1, 2] }, c: "x" };

  it("applies every RFC 6902 operation without touching the input", () => {
    const before = structuredClone(doc);
    const result = applyPatch(doc, [
      { op: "add", path: "/a/b/-", value: 3 },
      { op: "add", path: "/a/b/0", value: 0 },
      { op: "replace", path: "/c", value: "y" },
      { op: "copy", from: "/c", path: "/d" },
      { op: "move", from: "/d", path: "/e" },
      { op: "remove", path: "/a/b/1" },
      { op: "test", path: "/e", value: "y" },
      { op: "add", path: "/f~1g", value: { "~": true } },
    ]);
    expect(result).toEqual({ a: { b: [0, 2, 3] }, c: "y", e: "y", "f/g": { "~": true } });
    expect(doc).toEqual(before);
  });

  it("names the failing operation by index", () => {
    expect(() =>
      applyPatch(doc, [
        { op: "add", path: "/x", value: 1 },
        { op: "remove", path: "/nope" },
      ]),
    ).toThrow(expect.objectContaining({ index: 1, message: expect.stringContaining("nothing at 'nope'") }));
    expect(() => applyPatch(doc, [{ op: "add", path: "/a/b/5", value: 1 }])).toThrow(PatchError);
    expect(() => applyPatch(doc, [{ op: "test", path: "/c", value: "z" }])).toThrow(/differs/);
    expect(() => applyPatch(doc, [{ op: "move", from: "/a", path: "/a/x" }])).toThrow(/own child/);
  });

  it.each([["/__proto__/polluted"], ["/constructor/prototype/polluted"], ["/a/prototype"]])(
    "rejects the prototype path %s and leaves Object.prototype alone",
    (path) => {
      expect(() => applyPatch({}, [{ op: "add", path, value: true }])).toThrow(/not allowed/);
      expect(() => applyPatch({}, [{ op: "copy", from: path, path: "/x" }])).toThrow(/not allowed/);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it("replaces the whole document at the root pointer", () => {
    expect(applyPatch(doc, [{ op: "replace", path: "", value: [1] }])).toEqual([1]);
  });
});
