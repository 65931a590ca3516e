import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  blockFields,
  defineBlockType,
  isSecretField,
  nestedBlock,
  nestedBlockTypeOf,
  secret,
  secretFieldPaths,
  unwrapField,
} from "./block-type.js";
import {
  clusterConfigType,
  containerType,
  jobType,
  outerType,
  registryType,
} from "./testing-fixtures.test-support.js";

function minimal(slug: string, fields: Record<string, z.ZodType> = {}) {
  return defineBlockType({
    slug,
    title: "T",
    description: "D",
    capabilities: [],
    version: "0.0.0",
    package: "pkg",
    fields,
  });
}

describe("defineBlockType", () => {
  it.each(["a", "abc", "a1", "a-b", "a-b-c", "0", "docker-container", "k8s-job-2"])(
    "accepts the slug %s",
    (slug) => {
      expect(minimal(slug).slug).toBe(slug);
    },
  );

  it.each(["", "A", "Abc", "a_b", "-a", "a-", "a--b", "a b", "a.b", "a/b", "é"])(
    "rejects the slug '%s'",
    (slug) => {
      expect(() => minimal(slug)).toThrow(/must be lowercase letters, digits and dashes/);
    },
  );

  it("builds a strict schema: an unknown key is rejected with its name", () => {
    const type = minimal("strict-one", { a: z.string() });
    const result = type.schema.safeParse({ a: "x", b: 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["b"] });
    expect(type.schema.safeParse({ a: "x" }).success).toBe(true);
  });

  it("puts `type` first, defaults it to the slug and refuses another slug", () => {
    const type = minimal("first-key", { zeta: z.string().optional(), alpha: z.number().optional() });
    expect(Object.keys(type.schema.shape)).toEqual(["type", "zeta", "alpha"]);
    expect(type.schema.parse({})).toEqual({ type: "first-key" });
    expect(type.schema.parse({ type: "first-key", alpha: 1 })).toEqual({ type: "first-key", alpha: 1 });
    expect(type.schema.safeParse({ type: "other" }).success).toBe(false);
  });

  it("sorts the capabilities without touching the caller's array", () => {
    const capabilities = ["run-infrastructure", "docker-login", "b-cap"];
    const type = defineBlockType({
      slug: "caps",
      title: "T",
      description: "D",
      capabilities,
      version: "1.0.0",
      package: "pkg",
      fields: {},
    });
    expect(type.capabilities).toEqual(["b-cap", "docker-login", "run-infrastructure"]);
    expect(capabilities).toEqual(["run-infrastructure", "docker-login", "b-cap"]);
    expect(containerType.capabilities).toEqual(["a-first", "run-infrastructure"]);
  });

  it("keeps the metadata and the loader, and leaves loadInfrastructure out when none is given", async () => {
    const infrastructure = {
      run: async () => ({ identifier: "x", statusCode: 0 }),
      preview: async () => "",
      kill: async () => {},
    };
    const type = defineBlockType({
      slug: "with-loader",
      title: "With Loader",
      description: "Has a runtime.",
      capabilities: ["run-infrastructure"],
      version: "9.9.9",
      package: "@x/with-loader",
      fields: {},
      loadInfrastructure: async () => infrastructure,
    });
    expect(type).toMatchObject({
      title: "With Loader",
      description: "Has a runtime.",
      version: "9.9.9",
      package: "@x/with-loader",
    });
    expect(await type.loadInfrastructure?.()).toBe(infrastructure);
    expect("loadInfrastructure" in minimal("no-loader")).toBe(false);
  });
});

describe("field marks", () => {
  it("finds a secret or nested mark through optional, nullable and default wrappers", () => {
    const marked = secret(z.string(), { description: "s" });
    expect(isSecretField(marked)).toBe(true);
    expect(isSecretField(marked.optional())).toBe(true);
    expect(isSecretField(marked.nullable().optional())).toBe(true);
    expect(isSecretField(marked.default("x"))).toBe(true);
    expect(isSecretField(z.string())).toBe(false);
    expect(unwrapField(marked.optional().nullable())).toBe(marked);
    const nested = blockFields(containerType).imageRegistry as z.ZodType;
    expect(nestedBlockTypeOf(nested)).toBe(registryType);
    expect(nestedBlockTypeOf(z.object({}))).toBeUndefined();
  });

  it("gives the nested field the meta passed to nestedBlock", () => {
    const field = nestedBlock(registryType, { title: "Mirror", description: "A mirror." });
    expect(field.meta()).toMatchObject({ title: "Mirror", description: "A mirror." });
    expect(nestedBlockTypeOf(field)).toBe(registryType);
  });
});

describe("secretFieldPaths", () => {
  it("lists a plain secret", () => {
    expect(secretFieldPaths(registryType)).toEqual(["password"]);
  });

  it("gives `name.*` for a secret map and prefixes nested block secrets", () => {
    expect(secretFieldPaths(containerType)).toEqual(["imageRegistry.password", "headers.*"]);
  });

  it("gives the bare path for a secret that is a whole object", () => {
    expect(secretFieldPaths(clusterConfigType)).toEqual(["config"]);
    expect(secretFieldPaths(jobType)).toEqual(["clusterConfig.config"]);
  });

  it("follows deep nesting", () => {
    expect(secretFieldPaths(outerType)).toEqual(["inner.imageRegistry.password", "inner.headers.*"]);
  });

  it("is empty for a type without secrets and honours a prefix", () => {
    expect(secretFieldPaths(minimal("plain", { a: z.string() }))).toEqual([]);
    expect(secretFieldPaths(registryType, "x.")).toEqual(["x.password"]);
  });

  it("treats a secret map with a default or optional wrapper as `name.*`", () => {
    const type = minimal("wrapped-map", {
      tokens: secret(z.record(z.string(), z.string()), { description: "t" }).default({}),
      key: secret(z.string(), { description: "k" }).optional(),
    });
    expect(secretFieldPaths(type)).toEqual(["tokens.*", "key"]);
  });
});
