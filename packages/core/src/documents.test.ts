import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type BlockType, defineBlockType, nestedBlock } from "./block-type.js";
import { DOCUMENT_LIMITS, parseDocumentsText, parseDocumentText, resolveBlock } from "./documents.js";
import { InfrablocksError } from "./errors.js";
import { BlockRegistry } from "./registry.js";
import { DocumentStore } from "./store.js";
import {
  allFixtureTypes,
  caught,
  caughtSync,
  containerType,
  memoryLoader,
  registryType,
} from "./testing-fixtures.test-support.js";

function invalidIssues(error: unknown): readonly string[] {
  expect(error).toBeInstanceOf(InfrablocksError);
  expect((error as InfrablocksError).code).toBe("INVALID_DOCUMENT");
  return (error as InfrablocksError).issues;
}

function parseError(text: string): InfrablocksError {
  const error = caughtSync(() => parseDocumentText(text, "doc.yaml"));
  invalidIssues(error);
  return error as InfrablocksError;
}

function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth - 1)}{}${"}".repeat(depth - 1)}`;
}

describe("parseDocumentText", () => {
  it("reads a JSON object", () => {
    expect(parseDocumentText('  \n{"type": "test-registry", "n": [1, 2.5, null]}', "doc.json")).toEqual({
      type: "test-registry",
      n: [1, 2.5, null],
    });
  });

  it("reads a YAML mapping with the core schema (no YAML 1.1 booleans, no timestamps)", () => {
    const document = parseDocumentText(
      "type: test-registry\nreauth: yes\nwhen: 2001-12-14\nn: 0x10\non: true\n",
      "d",
    );
    expect(document).toEqual({ type: "test-registry", reauth: "yes", when: "2001-12-14", n: 16, on: true });
  });

  it("accepts a few YAML aliases", () => {
    expect(parseDocumentText("a: &x [1, 2]\nb: *x\nc: *x\n", "d")).toEqual({
      a: [1, 2],
      b: [1, 2],
      c: [1, 2],
    });
  });

  it.each([
    ["!!js/function", 'type: x\nrun: !!js/function "function () { return 1 }"\n'],
    ["!!js/undefined", "type: x\nv: !!js/undefined ''\n"],
    ["!foo", "type: x\nv: !foo bar\n"],
    ["!<tag:example.com,2000:app/foo>", "type: x\nv: !<tag:example.com,2000:app/foo> bar\n"],
  ])("rejects the custom tag %s", (_tag, text) => {
    const error = parseError(text);
    expect(error.message).toContain("doc.yaml");
    expect(error.issues.join("\n")).toMatch(/tag/i);
  });

  // Bug: parseYamlText leaves the yaml library's `resolveKnownTags` on (its default), so the YAML 1.1
  // tags !!binary, !!set, !!omap and !!timestamp are honoured although the core schema is asked for:
  // `v: !!set {a, b}` gives a Set, `!!binary aGVsbG8=` a Uint8Array, `!!omap [a: 1]` a Map and
  // `!!timestamp 2001-12-14` a Date: non-JSON values that a `z.unknown()` field (a Job manifest, a
  // kubeconfig object) accepts and that the store then saves as `{}` or a string. Expected: rejected
  // like any other tag outside the core schema (e.g. `resolveKnownTags: false`).
  for (const [tag, text] of [
    ["!!binary", "type: x\nv: !!binary aGVsbG8=\n"],
    ["!!set", "type: x\nv: !!set {a, b}\n"],
    ["!!omap", "type: x\nv: !!omap [a: 1]\n"],
    ["!!timestamp", "type: x\nv: !!timestamp 2001-12-14\n"],
  ] as const) {
    it(`rejects the YAML 1.1 tag ${tag}, which the core schema lacks`, () => {
      parseError(text);
    });
  }

  it("rejects an alias bomb (billion laughs) instead of expanding it", () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = "abcdefghi";
    for (let i = 1; i < names.length; i++) {
      const previous = names[i - 1] as string;
      lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${previous}`).join(",")}]`);
    }
    const error = parseError(`${lines.join("\n")}\n`);
    expect(error.issues.join("\n")).toMatch(/alias/i);
  });

  it("rejects more aliases than the limit even when they are small", () => {
    const aliases = Array.from({ length: DOCUMENT_LIMITS.maxAliases + 50 }, (_, i) => `k${i}: *x`).join("\n");
    parseError(`x: &x 1\n${aliases}\n`);
  });

  it("accepts nesting of exactly 64 levels and rejects 65", () => {
    expect(DOCUMENT_LIMITS.maxDepth).toBe(64);
    expect(() => parseDocumentText(nestedJson(64), "d")).not.toThrow();
    const error = parseError(nestedJson(65));
    expect(error.issues).toEqual(["the document is nested deeper than 64 levels"]);
    // Lists count as levels too, in YAML as in JSON.
    const yaml = `a: ${"[".repeat(70)}1${"]".repeat(70)}\n`;
    expect(parseError(yaml).issues.join("")).toMatch(/nested/);
  });

  it("rejects very deep nesting without overflowing the stack", () => {
    expect(parseError(nestedJson(200_000)).issues.join("")).toMatch(/nested/);
    parseError(`a: ${"[".repeat(50_000)}${"]".repeat(50_000)}\n`);
  });

  it("rejects a document over 16 MiB and accepts one of exactly 16 MiB", () => {
    const limit = 16 * 1024 * 1024;
    expect(DOCUMENT_LIMITS.maxBytes).toBe(limit);
    const frame = '{"type":"x","pad":""}';
    const exact = `{"type":"x","pad":"${"a".repeat(limit - frame.length)}"}`;
    expect(Buffer.byteLength(exact)).toBe(limit);
    expect(parseDocumentText(exact, "d").type).toBe("x");
    const over = `${exact} `;
    expect(parseError(over).issues[0]).toMatch(/16777217 bytes; the limit is 16777216/);
    // Bytes, not characters: 8 Mi two-byte characters plus a little is over the limit.
    parseError(`type: x\npad: "${"é".repeat(limit / 2)}"\n`);
  });

  it.each([
    ["a JSON list", "[1, 2]", "a list"],
    ["a YAML list", "- a\n- b\n", "a list"],
    ["a number", "42", "a number"],
    ["a string", "hello", "a string"],
    ["null", "null", "null"],
    ["an empty document", "", "null"],
    ["a JSON string", '"x"', "a string"],
  ])("rejects %s at the top level", (_what, text, described) => {
    expect(parseError(text).issues[0]).toBe(
      `a block document is a mapping of fields with a 'type', not ${described}`,
    );
  });

  it("rejects duplicate YAML keys", () => {
    expect(parseError("type: a\nname: x\nname: y\n").issues.join("\n")).toMatch(/unique|duplicate/i);
  });

  // Bug: JSON text (anything starting with "{") goes to JSON.parse, which keeps the last of duplicate
  // keys silently: parseDocumentText('{"type":"a","type":"b"}') returns { type: "b" } instead of an
  // INVALID_DOCUMENT error, while the same keys in YAML are rejected.
  it("rejects duplicate JSON keys", () => {
    parseError('{"type": "test-registry", "password": "one", "password": "two"}');
  });

  // Bug: a YAML flow mapping (valid YAML) starts with "{" and is sent to JSON.parse, so
  // `{type: test-registry, username: u}` fails with "Expected property name or '}' in JSON at
  // position 1" instead of parsing as YAML to { type: "test-registry", username: "u" }.
  it("reads a YAML document written as a flow mapping", () => {
    expect(parseDocumentText("{type: test-registry, username: u}\n", "d.yaml")).toEqual({
      type: "test-registry",
      username: "u",
    });
  });

  it("reports malformed JSON and YAML as INVALID_DOCUMENT naming the source", () => {
    expect(parseError('{"type": ').message).toContain("doc.yaml");
    parseError("a: [1, 2\n");
    parseError("a: 1\n---\nb: 2\n");
  });

  it.each([
    ["JSON", '{"__proto__": {"polluted": true}, "type": "x"}'],
    ["YAML", "type: x\n__proto__:\n  polluted: true\n"],
  ])("keeps a %s __proto__ key as data without polluting Object.prototype", (_format, text) => {
    const document = parseDocumentText(text, "d");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(document)).toBe(Object.prototype);
    expect(Object.hasOwn(document, "__proto__")).toBe(true);
    expect((document as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("parseDocumentsText", () => {
  const caught = (run: () => unknown): InfrablocksError => {
    try {
      run();
    } catch (error) {
      return error as InfrablocksError;
    }
    throw new Error("expected an error");
  };

  it("reads a YAML stream, each document with its $name taken out and labelled by position and name", () => {
    const text =
      "# registries\n$name: team\ntype: test-registry\n---\n# only a comment\n---\ntype: test-registry\n";
    expect(parseDocumentsText(text, "all.yaml")).toEqual([
      { document: { type: "test-registry" }, name: "team", label: "all.yaml#1 test-registry/team" },
      { document: { type: "test-registry" }, label: "all.yaml#2 test-registry" },
    ]);
  });

  it("labels a lone document by its source alone, $name or not", () => {
    expect(parseDocumentsText('{"$name": "one", "type": "t"}', "one.json")).toEqual([
      { document: { type: "t" }, name: "one", label: "one.json" },
    ]);
  });

  it("names the document at fault, by position, for a YAML error, a non-mapping or a bad $name", () => {
    expect(caught(() => parseDocumentsText("type: t\n---\na: [\n", "s.yaml")).message).toMatch(
      /^Invalid document \(s.yaml#2\):/,
    );
    expect(caught(() => parseDocumentsText("type: t\n---\n- 1\n", "s.yaml")).message).toMatch(
      /^Invalid document \(s.yaml#2\):\n {2}a block document is a mapping/,
    );
    const badName = caught(() => parseDocumentsText("type: t\n---\n$name: Team A\ntype: t\n", "s.yaml"));
    expect(badName.code).toBe("INVALID_DOCUMENT");
    expect(badName.issues).toEqual([
      "$name: \"Team A\" is not a document name: use 1 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit (e.g. 'nightly-etl')",
    ]);
    expect(caught(() => parseDocumentsText("a: 1\na: 2\n---\ntype: t\n", "s.yaml")).message).toMatch(
      /^Invalid document \(s.yaml#1\):\n {2}Map keys must be unique: 'a' appears twice at line 2/,
    );
  });

  it("leaves parseDocumentText to one document, saying how many the text holds", () => {
    expect(caught(() => parseDocumentText("type: a\n---\ntype: b\n", "two.yaml")).issues).toEqual([
      "the text holds 2 documents (#1 a, #2 b); one is expected",
    ]);
  });
});

describe("resolveBlock", () => {
  const registry = new BlockRegistry(allFixtureTypes);
  const none = memoryLoader({}).load;
  const goodRegistry = { username: "u", password: "hunter2-secret", registryUrl: "r.io" };

  async function issuesOf(document: Record<string, unknown>, load = none): Promise<readonly string[]> {
    return invalidIssues(await caught(() => resolveBlock(registry, document, load, "doc.yaml")));
  }

  it("dispatches on `type` and applies defaults", async () => {
    const registryBlock = await resolveBlock(registry, { type: "test-registry", ...goodRegistry }, none);
    expect(registryBlock.blockType).toBe(registryType);
    expect(registryBlock.config).toEqual({ type: "test-registry", ...goodRegistry, reauth: true });
    const container = await resolveBlock(registry, { type: "test-container", image: "busybox" }, none);
    expect(container.blockType).toBe(containerType);
    expect(container.config).toMatchObject({
      type: "test-container",
      image: "busybox",
      volumes: [],
      env: {},
    });
  });

  it.each([
    ["missing", {}],
    ["empty", { type: "" }],
    ["not a string", { type: 3 }],
  ])("names the installed types when `type` is %s", async (_what, document) => {
    const issues = await issuesOf(document);
    expect(issues).toEqual([
      "type: required; one of test-cluster-config, test-container, test-job, test-outer, test-registry",
    ]);
  });

  it("rejects an unknown type with UNKNOWN_BLOCK_TYPE listing the installed slugs", async () => {
    const error = await caught(() => resolveBlock(registry, { type: "kubernetes-job" }, none));
    expect(error).toMatchObject({ code: "UNKNOWN_BLOCK_TYPE" });
    expect((error as Error).message).toBe(
      "Unknown block type 'kubernetes-job'. Installed types: test-cluster-config, test-container, test-job, test-outer, test-registry.",
    );
  });

  it("names a missing required field, top-level and nested", async () => {
    expect(await issuesOf({ type: "test-container" })).toEqual(["image: required (text)"]);
    const { password: _, ...withoutPassword } = goodRegistry;
    expect(await issuesOf({ type: "test-container", image: "i", imageRegistry: withoutPassword })).toEqual([
      "imageRegistry.password: required (text)",
    ]);
  });

  it("names a wrongly typed nested field without echoing the secret value", async () => {
    const error = await caught(() =>
      resolveBlock(
        registry,
        {
          type: "test-container",
          image: "i",
          imageRegistry: { ...goodRegistry, password: ["hunter2-secret"] },
        },
        none,
        "doc.yaml",
      ),
    );
    expect(invalidIssues(error)).toEqual(["imageRegistry.password: expected text, got a list"]);
    expect((error as Error).message).toContain("Invalid test-container document (doc.yaml)");
    expect((error as Error).message).not.toContain("hunter2");
  });

  it("names an item of a list by its index", async () => {
    const issues = await issuesOf({
      type: "test-container",
      image: "i",
      volumes: ["/a:/b", "bad", "/c:/d:zz"],
    });
    expect(issues.map((issue) => issue.split(":")[0])).toEqual(["volumes.1", "volumes.2"]);
    expect(issues[0]).toBe("volumes.1: expected host:container[:mode]");
  });

  it("tells each problem of a list in a field that takes a list or a text at its own path", async () => {
    const steps = defineBlockType({
      slug: "test-steps",
      title: "Test Steps",
      description: "Steps as a list, or as text.",
      capabilities: [],
      version: "0.1.0",
      package: "@infrablocks/test-steps",
      fields: {
        steps: z.union([z.array(z.object({ name: z.string(), value: z.unknown() }).strict()), z.string()]),
      },
    });
    const registry = new BlockRegistry([steps]);
    const error = await resolveBlock(
      registry,
      { type: "test-steps", steps: [{ name: 1, value: 2 }, { name: "b" }, { name: "c", value: 3, x: 1 }] },
      async () => ({}),
    ).then(
      () => undefined,
      (caught: unknown) => caught as InfrablocksError,
    );
    expect(error?.issues).toEqual([
      "steps.0.name: expected text, got the number 1 (YAML reads unquoted numbers, hex like 0x1F and true/false as such; put the value in quotes to keep it as text)",
      "steps.1.value: required",
      "steps.2.x: unknown field",
    ]);
  });

  it("names unknown keys with the known fields of the block they are in", async () => {
    expect(await issuesOf({ type: "test-registry", ...goodRegistry, registry_url: "x" })).toEqual([
      "registry_url: unknown field (did you mean registryUrl?); known fields: type, username, password, registryUrl, reauth",
    ]);
    expect(
      await issuesOf({
        type: "test-container",
        image: "i",
        imageRegistry: { ...goodRegistry, pasword: "x" },
      }),
    ).toEqual([
      "imageRegistry.pasword: unknown field (did you mean password?); known fields: type, username, password, registryUrl, reauth",
    ]);
    // Inside an object that is not a block there is no list of fields to offer.
    expect(
      await issuesOf({ type: "test-container", image: "i", options: { retries: 1, extra: true } }),
    ).toEqual(["options.extra: unknown field"]);
  });

  it("rejects an inline nested block of another type", async () => {
    const issues = await issuesOf({
      type: "test-container",
      image: "i",
      imageRegistry: { type: "test-container", ...goodRegistry },
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^imageRegistry\.type: /);
  });

  it("resolves a nested $ref through the loader and leaves the input untouched", async () => {
    const { load, calls } = memoryLoader({
      "test-registry/main": { type: "test-registry", ...goodRegistry },
    });
    const input = { type: "test-container", image: "i", imageRegistry: { $ref: "test-registry/main" } };
    const resolved = await resolveBlock(registry, input, load);
    expect(calls).toEqual(["test-registry/main"]);
    expect(resolved.document.imageRegistry).toEqual({ type: "test-registry", ...goodRegistry });
    expect(resolved.config).toMatchObject({ imageRegistry: { ...goodRegistry, reauth: true } });
    expect(input.imageRegistry).toEqual({ $ref: "test-registry/main" });
  });

  it("resolves a $ref whose target holds a $ref", async () => {
    const { load, calls } = memoryLoader({
      "test-container/c1": {
        type: "test-container",
        image: "i",
        imageRegistry: { $ref: "test-registry/r1" },
      },
      "test-registry/r1": { type: "test-registry", ...goodRegistry },
    });
    const resolved = await resolveBlock(
      registry,
      { type: "test-outer", inner: { $ref: "test-container/c1" } },
      load,
    );
    expect(calls).toEqual(["test-container/c1", "test-registry/r1"]);
    expect(resolved.config).toMatchObject({ inner: { image: "i", imageRegistry: { username: "u" } } });
    expect(resolved.document).toEqual({
      type: "test-outer",
      inner: {
        type: "test-container",
        image: "i",
        imageRegistry: { type: "test-registry", ...goodRegistry },
      },
    });
  });

  it("validates the fields of a referenced document under the referencing path", async () => {
    const { load } = memoryLoader({
      "test-registry/bad": { type: "test-registry", username: "u", registryUrl: "r" },
    });
    expect(
      await issuesOf(
        { type: "test-container", image: "i", imageRegistry: { $ref: "test-registry/bad" } },
        load,
      ),
    ).toEqual(["imageRegistry.password: required (text)"]);
  });

  it("rejects a $ref to a document of another type without loading it", async () => {
    const { load, calls } = memoryLoader({});
    const issues = await issuesOf(
      { type: "test-container", image: "i", imageRegistry: { $ref: "test-container/x" } },
      load,
    );
    expect(issues).toEqual(["imageRegistry.$ref: expected a test-registry document, got 'test-container/x'"]);
    expect(calls).toEqual([]);
  });

  it.each([
    ["extra keys", { $ref: "test-registry/main", username: "u" }],
    ["no slug", { $ref: "main" }],
    ["a number", { $ref: 5 }],
    ["too many parts", { $ref: "test-registry/a/b" }],
  ])("rejects a $ref with %s", async (_what, reference) => {
    expect(await issuesOf({ type: "test-container", image: "i", imageRegistry: reference })).toEqual([
      'imageRegistry.$ref: expected { "$ref": "test-registry/<name>" } and nothing else',
    ]);
  });

  describe("cycles", () => {
    // A block type that nests itself: nestedBlock needs a type object, so it gets a holder whose schema
    // is filled in once the type exists (resolution reads the fields through the holder).
    const holder = {
      slug: "loop",
      title: "Loop",
      description: "Nests itself.",
      capabilities: [] as string[],
      version: "0.0.0",
      package: "p",
      schema: z.object({}) as BlockType["schema"],
    };
    const loopType = defineBlockType({
      slug: "loop",
      title: "Loop",
      description: "Nests itself.",
      capabilities: [],
      version: "0.0.0",
      package: "p",
      fields: {
        label: z.string().optional(),
        next: nestedBlock(holder as BlockType, { description: "The next one." }).optional(),
      },
    });
    holder.schema = loopType.schema;
    const loops = new BlockRegistry([loopType]);

    it("rejects refs that come back round, naming the chain", async () => {
      const { load } = memoryLoader({
        "loop/a": { type: "loop", next: { $ref: "loop/b" } },
        "loop/b": { type: "loop", next: { $ref: "loop/a" } },
      });
      const error = await caught(() =>
        resolveBlock(loops, { type: "loop", next: { $ref: "loop/a" } }, load, "top"),
      );
      expect(invalidIssues(error)).toEqual([
        "next.next.next.$ref: 'loop/a' refers back to itself (top -> loop/a -> loop/b -> loop/a)",
      ]);
    });

    it("rejects a document that refers to itself", async () => {
      const { load } = memoryLoader({ "loop/self": { type: "loop", next: { $ref: "loop/self" } } });
      const issues = invalidIssues(
        await caught(() => resolveBlock(loops, { type: "loop", next: { $ref: "loop/self" } }, load)),
      );
      expect(issues[0]).toMatch(/^next\.next\.\$ref: 'loop\/self' refers back to itself/);
    });

    it("resolves a chain of distinct refs", async () => {
      const { load } = memoryLoader({
        "loop/a": { type: "loop", label: "a", next: { $ref: "loop/b" } },
        "loop/b": { type: "loop", label: "b" },
      });
      const resolved = await resolveBlock(loops, { type: "loop", next: { $ref: "loop/a" } }, load);
      expect(resolved.document).toEqual({
        type: "loop",
        next: { type: "loop", label: "a", next: { type: "loop", label: "b" } },
      });
    });
  });

  // Bug: resolveReferences reassigns `chain` inside its loop over fields, so a ref seen in one field
  // stays in the chain for the sibling fields after it. Two sibling fields that refer to the same saved
  // document (a diamond, not a cycle) fail with "mirror.$ref: 'test-registry/shared' refers back to
  // itself (document -> test-registry/shared -> test-registry/shared)" instead of resolving both.
  it("resolves two sibling fields that refer to the same saved document", async () => {
    const pairType = defineBlockType({
      slug: "pair",
      title: "Pair",
      description: "Two registries.",
      capabilities: [],
      version: "0.0.0",
      package: "p",
      fields: {
        primary: nestedBlock(registryType, { description: "Primary." }),
        mirror: nestedBlock(registryType, { description: "Mirror." }),
      },
    });
    const { load } = memoryLoader({ "test-registry/shared": { type: "test-registry", ...goodRegistry } });
    const resolved = await resolveBlock(
      new BlockRegistry([pairType]),
      { type: "pair", primary: { $ref: "test-registry/shared" }, mirror: { $ref: "test-registry/shared" } },
      load,
    );
    expect(resolved.config).toMatchObject({ primary: { username: "u" }, mirror: { username: "u" } });
  });

  describe("with a real store", () => {
    let home: string;
    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), "infrablocks-documents-"));
    });
    afterAll(async () => {
      await rm(home, { recursive: true, force: true });
    });

    it("resolves a saved document and propagates DOCUMENT_NOT_FOUND for a missing one", async () => {
      const store = new DocumentStore(home);
      await store.save("test-registry", "saved", { type: "test-registry", ...goodRegistry });
      const load = (slug: string, name: string) => store.load(slug, name);
      const resolved = await resolveBlock(
        registry,
        { type: "test-container", image: "i", imageRegistry: { $ref: "test-registry/saved" } },
        load,
      );
      expect(resolved.config).toMatchObject({ imageRegistry: { password: "hunter2-secret" } });
      const error = await caught(() =>
        resolveBlock(
          registry,
          { type: "test-container", image: "i", imageRegistry: { $ref: "test-registry/gone" } },
          load,
        ),
      );
      expect(error).toMatchObject({ code: "DOCUMENT_NOT_FOUND" });
      expect((error as Error).message).toContain("'gone'");
    });
  });
});

describe("a block type's own checks", () => {
  const limits = defineBlockType({
    slug: "test-limits",
    title: "Limits",
    description: "A type with a cross-field rule.",
    capabilities: [],
    version: "0.0.0",
    package: "test",
    fields: { low: z.number().optional(), high: z.number().optional() },
    check: (config) =>
      config.low !== undefined && config.high !== undefined && config.low > config.high
        ? [{ path: "high", message: "must be at least low" }]
        : [],
  });
  const holder = defineBlockType({
    slug: "test-holder",
    title: "Holder",
    description: "Holds a limits block.",
    capabilities: [],
    version: "0.0.0",
    package: "test",
    fields: { limits: nestedBlock(limits, { description: "Limits." }).optional() },
  });
  const registry = new BlockRegistry([limits, holder]);

  it("run after the schema accepts a document, with the field path", async () => {
    const error = await caught(() =>
      resolveBlock(registry, { type: "test-limits", low: 2, high: 1 }, memoryLoader({}).load),
    );
    expect(invalidIssues(error)).toEqual(["high: must be at least low"]);
    await expect(
      resolveBlock(registry, { type: "test-limits", low: 1, high: 2 }, memoryLoader({}).load),
    ).resolves.toBeDefined();
  });

  it("run for nested blocks, with the nesting field's path in front", async () => {
    const document = { type: "test-holder", limits: { type: "test-limits", low: 5, high: 0 } };
    const error = await caught(() => resolveBlock(registry, document, memoryLoader({}).load));
    expect(invalidIssues(error)).toEqual(["limits.high: must be at least low"]);
  });
});

describe("resolveBlock's onSecrets", () => {
  it("reports each document's secrets as it is read, a $ref'd one's too, before any validation fails", async () => {
    const registry = new BlockRegistry([registryType, containerType]);
    const learned: string[] = [];
    const saved = { type: "test-registry", username: "u", password: "saved-pass-4711", registryUrl: "r" };
    const error = await resolveBlock(
      registry,
      {
        type: "test-container",
        image: 7,
        imageRegistry: { $ref: "test-registry/private" },
        env: { API_TOKEN: "env-token-0815", PLAIN: "not-secret" },
      },
      async () => saved,
      "doc.yaml",
      { onSecrets: (values) => learned.push(...values) },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InfrablocksError);
    expect((error as Error).message).toContain("image");
    expect(learned).toEqual(expect.arrayContaining(["saved-pass-4711", "env-token-0815"]));
    expect(learned).not.toContain("not-secret");
  });
});
