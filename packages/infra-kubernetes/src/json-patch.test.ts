import { describe, expect, it } from "vitest";
import { applyPatch, PatchError, type PatchOperation } from "./json-patch.js";

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

  it("names a missing target by its whole pointer, escapes and a trailing empty segment included", () => {
    expect(() =>
      applyPatch({ spec: { backoffLimit: 1 } }, [{ op: "remove", path: "/spec/backoffLimit/" }]),
    ).toThrow("remove /spec/backoffLimit/: there is nothing at '/spec/backoffLimit/'");
    expect(() => applyPatch({ a: {} }, [{ op: "remove", path: "/a/x~1y~0z" }])).toThrow(
      "remove /a/x~1y~0z: there is nothing at '/a/x~1y~0z'",
    );
    expect(() =>
      applyPatch({ metadata: {} }, [{ op: "add", path: "/metadata/annotations/x", value: "1" }]),
    ).toThrow(
      `add /metadata/annotations/x: there is nothing at '/metadata/annotations' to add into; add it first, e.g. {"op": "add", "path": "/metadata/annotations", "value": {}}`,
    );
  });

  it("names the failing operation by index", () => {
    expect(() =>
      applyPatch(doc, [
        { op: "add", path: "/x", value: 1 },
        { op: "remove", path: "/nope" },
      ]),
    ).toThrow(expect.objectContaining({ index: 1, message: expect.stringContaining("nothing at '/nope'") }));
    expect(() => applyPatch(doc, [{ op: "add", path: "/a/b/5", value: 1 }])).toThrow(PatchError);
    expect(() => applyPatch(doc, [{ op: "test", path: "/c", value: "z" }])).toThrow(/differs/);
  });

  it("says what a failed test found by its shape, never quoting a string (a manifest holds secrets)", () => {
    const manifest = {
      env: [{ name: "API_TOKEN", value: "s3cr3t-token" }],
      labels: { a: "1", b: "2" },
      replicas: 2,
      paused: null,
      empty: {},
    };
    const found = (path: string, value: unknown) => {
      try {
        applyPatch(manifest, [{ op: "test", path, value }]);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error("the test passed");
    };
    expect(found("/env/0/value", "other")).toBe(
      "test /env/0/value: the value differs: it holds another string (12 characters)",
    );
    expect(found("/env/0/value", "other")).not.toContain("s3cr3t");
    expect(found("/env", [])).toBe("test /env: the value differs: it holds a list of 1 item");
    expect(found("/labels", {})).toBe(
      "test /labels: the value differs: it holds an object with the keys a, b",
    );
    expect(found("/replicas", 3)).toBe("test /replicas: the value differs: it holds the number 2");
    expect(found("/paused", false)).toBe("test /paused: the value differs: it holds null");
    expect(found("/empty", { a: 1 })).toBe("test /empty: the value differs: it holds an empty object");
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

describe("applyPatch on malformed operations (callers outside the schema)", () => {
  it.each([
    [{ op: "frobnicate", path: "/a" }, /unknown op "frobnicate"; use one of add, remove/],
    [{ path: "/a" }, /unknown op undefined/],
    [{ op: "add", path: "/a" }, /^add \/a needs a value$/],
    [{ op: "replace", path: "/a" }, /^replace \/a needs a value$/],
    [{ op: "test", path: "/a" }, /^test \/a needs a value$/],
    [{ op: "move", path: "/a" }, /^move \/a needs a from/],
    [{ op: "copy", path: "/a" }, /^copy \/a needs a from/],
    [{ op: "remove" }, /^remove needs a path/],
  ])("rejects %j", (operation, message) => {
    expect(() => applyPatch({ a: 1 }, [operation as unknown as PatchOperation])).toThrow(
      expect.objectContaining({ name: "PatchError", index: 0, message: expect.stringMatching(message) }),
    );
  });

  it("accepts a value that is null or false (present, not missing)", () => {
    expect(applyPatch({}, [{ op: "add", path: "/a", value: null }])).toEqual({ a: null });
    expect(applyPatch({}, [{ op: "add", path: "/a", value: false }])).toEqual({ a: false });
  });
});

// Every example of RFC 6902 Appendix A, in order.
describe("RFC 6902 Appendix A", () => {
  const ok: [string, unknown, PatchOperation[], unknown][] = [
    [
      "A.1 adding an object member",
      { foo: "bar" },
      [{ op: "add", path: "/baz", value: "qux" }],
      { baz: "qux", foo: "bar" },
    ],
    [
      "A.2 adding an array element",
      { foo: ["bar", "baz"] },
      [{ op: "add", path: "/foo/1", value: "qux" }],
      { foo: ["bar", "qux", "baz"] },
    ],
    [
      "A.3 removing an object member",
      { baz: "qux", foo: "bar" },
      [{ op: "remove", path: "/baz" }],
      { foo: "bar" },
    ],
    [
      "A.4 removing an array element",
      { foo: ["bar", "qux", "baz"] },
      [{ op: "remove", path: "/foo/1" }],
      { foo: ["bar", "baz"] },
    ],
    [
      "A.5 replacing a value",
      { baz: "qux", foo: "bar" },
      [{ op: "replace", path: "/baz", value: "boo" }],
      { baz: "boo", foo: "bar" },
    ],
    [
      "A.6 moving a value",
      { foo: { bar: "baz", waldo: "fred" }, qux: { corge: "grault" } },
      [{ op: "move", from: "/foo/waldo", path: "/qux/thud" }],
      { foo: { bar: "baz" }, qux: { corge: "grault", thud: "fred" } },
    ],
    [
      "A.7 moving an array element",
      { foo: ["all", "grass", "cows", "eat"] },
      [{ op: "move", from: "/foo/1", path: "/foo/3" }],
      { foo: ["all", "cows", "eat", "grass"] },
    ],
    [
      "A.8 testing a value: success",
      { baz: "qux", foo: ["a", 2, "c"] },
      [
        { op: "test", path: "/baz", value: "qux" },
        { op: "test", path: "/foo/1", value: 2 },
      ],
      { baz: "qux", foo: ["a", 2, "c"] },
    ],
    [
      "A.10 adding a nested member object",
      { foo: "bar" },
      [{ op: "add", path: "/child", value: { grandchild: {} } }],
      { foo: "bar", child: { grandchild: {} } },
    ],
    [
      "A.11 ignoring unrecognized elements",
      { foo: "bar" },
      [{ op: "add", path: "/baz", value: "qux", xyz: 123 } as PatchOperation],
      { foo: "bar", baz: "qux" },
    ],
    [
      "A.14 ~ escape ordering",
      { "/": 9, "~1": 10 },
      [{ op: "test", path: "/~01", value: 10 }],
      { "/": 9, "~1": 10 },
    ],
    [
      "A.16 adding an array value",
      { foo: ["bar"] },
      [{ op: "add", path: "/foo/-", value: ["abc", "def"] }],
      { foo: ["bar", ["abc", "def"]] },
    ],
  ];
  it.each(ok)("%s", (_name, document, patch, expected) => {
    expect(applyPatch(document, patch)).toEqual(expected);
  });

  const failing: [string, unknown, PatchOperation[], RegExp][] = [
    [
      "A.9 testing a value: error",
      { baz: "qux" },
      [{ op: "test", path: "/baz", value: "bar" }],
      /^test \/baz: the value differs: it holds another string \(3 characters\)$/,
    ],
    [
      "A.12 adding to a nonexistent target",
      { foo: "bar" },
      [{ op: "add", path: "/baz/bat", value: "qux" }],
      /nothing at '\/baz' to add into; add it first, e\.g\. \{"op": "add", "path": "\/baz", "value": \{\}\}/,
    ],
    [
      "A.15 comparing strings and numbers",
      { "/": 9, "~1": 10 },
      [{ op: "test", path: "/~01", value: "10" }],
      /the value differs: it holds the number 10$/,
    ],
  ];
  it.each(failing)("%s", (_name, document, patch, message) => {
    expect(() => applyPatch(document, patch)).toThrow(
      expect.objectContaining({ index: 0, message: expect.stringMatching(message) }),
    );
  });

  it("A.13 invalid JSON patch document: the last of duplicate members counts, as JSON.parse keeps it", () => {
    const patch = JSON.parse(
      '[{ "op": "add", "path": "/baz", "value": "qux", "op": "remove" }]',
    ) as PatchOperation[];
    expect(() => applyPatch({ foo: "bar" }, patch)).toThrow(/nothing at '\/baz'/);
  });
});
