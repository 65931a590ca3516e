import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineBlockType } from "./block-type.js";
import { exportBlockSchema, titleFromName } from "./schema-export.js";
import {
  allFixtureTypes,
  clusterConfigType,
  containerType,
  jobType,
  outerType,
  registryType,
} from "./testing-fixtures.test-support.js";

type Json = { [key: string]: unknown };

/** RFC 8785 written independently of canonical-json.ts: keys compared code unit by code unit. */
function independentCanonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(independentCanonical).join(",")}]`;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const keys = Object.keys(value).filter((key) => (value as Json)[key] !== undefined);
  keys.sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const difference = a.charCodeAt(i) - b.charCodeAt(i);
      if (difference !== 0) return difference;
    }
    return a.length - b.length;
  });
  return `{${keys.map((key) => `${JSON.stringify(key)}:${independentCanonical((value as Json)[key])}`).join(",")}}`;
}

function withoutKeyDeep(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutKeyDeep(item, key));
  if (value === null || typeof value !== "object") return value;
  const copy: Json = {};
  for (const [name, item] of Object.entries(value)) if (name !== key) copy[name] = withoutKeyDeep(item, key);
  return copy;
}

function sha256(text: string): string {
  return `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
}

/** Every `properties` entry of a schema, nested objects included, with its dotted path. */
function allProperties(schema: Json, prefix = ""): [string, Json][] {
  const found: [string, Json][] = [];
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
    found.push([`${prefix}${name}`, property], ...allProperties(property, `${prefix}${name}.`));
  }
  return found;
}

function propertyAt(schema: Json, path: string): Json | undefined {
  let current: Json | undefined = schema;
  for (const segment of path.split(".")) {
    if (segment === "*") return current;
    current = (current?.properties as Record<string, Json> | undefined)?.[segment];
  }
  return current;
}

function draft07Ajv(): Ajv {
  const require = createRequire(import.meta.url);
  const metaSchema = JSON.parse(
    readFileSync(require.resolve("ajv/dist/refs/json-schema-draft-07.json"), "utf8"),
  );
  const ajv = new Ajv({ strict: false, meta: false, allErrors: true });
  ajv.addMetaSchema(metaSchema);
  // A UI hint, not a check: accept any string.
  ajv.addFormat("password", true);
  return ajv;
}

describe("exportBlockSchema", () => {
  const container = exportBlockSchema(containerType);

  it("is a draft-07 object schema with the type's title and description", () => {
    expect(container.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(container).toMatchObject({
      title: "Test Container",
      description: "A container to run a command in.",
      type: "object",
      additionalProperties: false,
    });
    expect(Object.keys(container.properties)[0]).toBe("type");
    expect(container.properties.type).toMatchObject({ const: "test-container", default: "test-container" });
  });

  it.each(allFixtureTypes.map((type) => [type.slug, type] as const))(
    "gives every property of %s, nested ones included, a title and a description",
    (_slug, type) => {
      const properties = allProperties(exportBlockSchema(type) as unknown as Json);
      expect(properties.length).toBeGreaterThan(1);
      for (const [path, property] of properties) {
        expect(property.title, path).toEqual(expect.any(String));
        expect(property.description, path).toEqual(expect.any(String));
        expect(Object.keys(property).slice(0, 2), path).toEqual(["title", "description"]);
      }
    },
  );

  it("derives missing titles from the field name and keeps explicit ones", () => {
    expect(container.properties.imageRegistry?.title).toBe("Image Registry");
    expect(container.properties.streamOutput?.title).toBe("Stream Output");
    expect(propertyAt(container as unknown as Json, "imageRegistry.registryUrl")?.title).toBe("Registry URL");
    expect(propertyAt(container as unknown as Json, "options.backoff")?.title).toBe("Backoff Seconds");
    expect(propertyAt(container as unknown as Json, "options.retries")?.title).toBe("Retries");
  });

  it("marks exactly the secret properties with format password and writeOnly", () => {
    const schema = container as unknown as Json;
    expect(container.secret_fields).toEqual(["imageRegistry.password", "headers.*"]);
    for (const path of container.secret_fields) {
      expect(propertyAt(schema, path), path).toMatchObject({ format: "password", writeOnly: true });
    }
    const secretProperties = allProperties(schema)
      .filter(([, property]) => property.writeOnly === true || property.format === "password")
      .map(([path]) => path);
    expect(secretProperties.sort()).toEqual(["headers", "imageRegistry.password"]);
    expect(exportBlockSchema(clusterConfigType).properties.config).toMatchObject({
      format: "password",
      writeOnly: true,
    });
  });

  it("lists only the required fields in `required`", () => {
    expect(container.required).toEqual(["image"]);
    expect(exportBlockSchema(registryType).required.sort()).toEqual(["password", "registryUrl", "username"]);
    expect(exportBlockSchema(jobType).required).toEqual([]);
    expect(exportBlockSchema(outerType).required).toEqual(["inner"]);
    expect(container.properties.imageRegistry?.required).toEqual(["username", "password", "registryUrl"]);
  });

  it("forbids additional properties at the top and in nested blocks", () => {
    expect(container.additionalProperties).toBe(false);
    expect(container.properties.imageRegistry?.additionalProperties).toBe(false);
  });

  it("carries the block metadata keys", () => {
    expect(container.block_type_slug).toBe("test-container");
    expect(container.capabilities).toEqual(["a-first", "run-infrastructure"]);
    expect(container.version).toBe("0.1.0");
    const registry = exportBlockSchema(registryType);
    expect(registry).toMatchObject({
      block_type_slug: "test-registry",
      capabilities: ["docker-login"],
      version: "1.2.3",
      secret_fields: ["password"],
      block_schema_references: {},
    });
  });

  it("references nested types by slug and their own checksum", () => {
    expect(container.block_schema_references).toEqual({
      imageRegistry: {
        block_type_slug: "test-registry",
        block_schema_checksum: exportBlockSchema(registryType).checksum,
      },
    });
    const outer = exportBlockSchema(outerType);
    expect(outer.block_schema_references).toEqual({
      inner: { block_type_slug: "test-container", block_schema_checksum: container.checksum },
    });
    expect(outer.secret_fields).toEqual(["inner.imageRegistry.password", "inner.headers.*"]);
    expect(outer.properties.inner?.block_schema_references).toEqual(container.block_schema_references);
    expect(exportBlockSchema(jobType).block_schema_references).toEqual({
      clusterConfig: {
        block_type_slug: "test-cluster-config",
        block_schema_checksum: exportBlockSchema(clusterConfigType).checksum,
      },
    });
  });

  it("has a sha256 checksum that is the same on every call", () => {
    expect(container.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    const again = exportBlockSchema(containerType);
    expect(again.checksum).toBe(container.checksum);
    expect(JSON.stringify(again)).toBe(JSON.stringify(container));
  });

  it.each(allFixtureTypes.map((type) => [type.slug, type] as const))(
    "checksums %s over the canonical form without secret_fields (recomputed independently)",
    (_slug, type) => {
      const { checksum, ...rest } = exportBlockSchema(type);
      expect(checksum).toBe(sha256(independentCanonical(withoutKeyDeep(rest, "secret_fields"))));
      if (rest.secret_fields.length > 0) {
        // Including secret_fields would give another hash, so the line above does test their absence.
        expect(checksum).not.toBe(sha256(independentCanonical(rest)));
      }
    },
  );

  it("changes the checksum when the schema changes", () => {
    const make = (description: string) =>
      defineBlockType({
        slug: "checksummed",
        title: "C",
        description: "D",
        capabilities: [],
        version: "1.0.0",
        package: "p",
        fields: { a: z.string().meta({ description }) },
      });
    expect(exportBlockSchema(make("one")).checksum).toBe(exportBlockSchema(make("one")).checksum);
    expect(exportBlockSchema(make("one")).checksum).not.toBe(exportBlockSchema(make("two")).checksum);
  });

  it.each(allFixtureTypes.map((type) => [type.slug, type] as const))(
    "exports a schema of %s that the draft-07 meta-schema accepts",
    (_slug, type) => {
      const ajv = draft07Ajv();
      const valid = ajv.validateSchema(exportBlockSchema(type));
      expect(ajv.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    },
  );

  it("uses a meta-schema that does reject a malformed schema", () => {
    const ajv = draft07Ajv();
    expect(ajv.validateSchema({ $schema: "http://json-schema.org/draft-07/schema#", type: 12 })).toBe(false);
    expect(ajv.validateSchema({ ...container, required: "image" })).toBe(false);
  });

  it("validates documents with ajv: a good one passes, bad ones fail at the right place", () => {
    const validate = draft07Ajv().compile(container);
    const good = {
      type: "test-container",
      image: "busybox",
      command: ["echo", "hi"],
      volumes: ["/a:/b:ro"],
      imageRegistry: { username: "u", password: "p", registryUrl: "r.io" },
      headers: { authorization: "Bearer x" },
      options: { retries: 2 },
    };
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...good, image: undefined })).toBe(false);
    expect(validate.errors?.some((error) => error.params.missingProperty === "image")).toBe(true);
    expect(validate({ ...good, bogus: 1 })).toBe(false);
    expect(validate.errors?.some((error) => error.params.additionalProperty === "bogus")).toBe(true);
    expect(validate({ ...good, volumes: ["/a:/b", "nocolon"] })).toBe(false);
    expect(validate.errors?.some((error) => error.instancePath === "/volumes/1")).toBe(true);
    expect(validate({ ...good, imageRegistry: { username: "u", registryUrl: "r" } })).toBe(false);
    expect(validate.errors?.some((error) => error.instancePath === "/imageRegistry")).toBe(true);
    expect(validate({ ...good, type: "other" })).toBe(false);
  });

  // Bug: withTitles only descends into `properties`, so an object inside an array (`items`) gets no
  // derived title: for `items: z.array(z.object({ host: z.string().meta({ description: "h" }) }))`
  // the property `items.items.properties.host` is `{ type: "string", description: "h" }`, no `title`.
  // schema-export.ts says it titles nested properties "so UIs get a label for every input".
  it("titles the properties of objects inside arrays too", () => {
    const type = defineBlockType({
      slug: "array-of-objects",
      title: "A",
      description: "D",
      capabilities: [],
      version: "1.0.0",
      package: "p",
      fields: {
        items: z.array(z.object({ host: z.string().meta({ description: "h" }) })).meta({ description: "i" }),
      },
    });
    const items = exportBlockSchema(type).properties.items?.items as Json;
    expect(propertyAt(items, "host")).toMatchObject({ title: "Host", description: "h" });
  });
});

describe("titleFromName", () => {
  it.each([
    ["imagePullPolicy", "Image Pull Policy"],
    ["memLimit", "Mem Limit"],
    ["env", "Env"],
    ["jobWatchTimeoutSeconds", "Job Watch Timeout Seconds"],
    ["k8sVersion", "K8s Version"],
  ])("turns %s into %s", (name, title) => {
    expect(titleFromName(name)).toBe(title);
  });
});
