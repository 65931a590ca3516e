import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import draft07 from "ajv/dist/refs/json-schema-draft-07.json" with { type: "json" };
import { describe, expect, it } from "vitest";
import { cli, freshHome } from "./cli-support.js";

describe("infrablocks types and schema", () => {
  it("lists installed types as JSON", async () => {
    const result = await cli(["types", "--json"], { home: await freshHome() });
    expect(result.code).toBe(0);
    const types = JSON.parse(result.stdout) as { slug: string; capabilities: string[]; package: string }[];
    expect(types).toContainEqual({
      slug: "process",
      title: "Process",
      capabilities: ["run-infrastructure"],
      package: "@infrablocks/infra-process",
    });
  });

  it("writes one draft-07 schema per type plus index.json, stable across runs", async () => {
    const home = await freshHome();
    const first = join(home, "first");
    const second = join(home, "second");
    expect((await cli(["schema", "--out", first], { home })).code).toBe(0);
    expect((await cli(["schema", "--out", second], { home })).code).toBe(0);
    const types = JSON.parse((await cli(["types", "--json"], { home })).stdout) as { slug: string }[];
    const files = (await readdir(first)).sort();
    expect(files).toEqual([...types.map((type) => `${type.slug}.json`), "index.json"].sort());

    const ajv = new Ajv({ strict: false });
    // Ajv 8 ships the draft-07 meta-schema; its id is the $schema every exported schema names.
    const validateAgainstDraft07 = ajv.getSchema(draft07.$id) as ValidateFunction;
    const index = JSON.parse(await readFile(join(first, "index.json"), "utf8"));
    for (const type of types) {
      const schema = JSON.parse(await readFile(join(first, `${type.slug}.json`), "utf8"));
      expect(validateAgainstDraft07(schema), JSON.stringify(validateAgainstDraft07.errors)).toBe(true);
      expect(schema.block_type_slug).toBe(type.slug);
      expect(schema.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(index[type.slug]).toEqual(schema);
      const again = JSON.parse(await readFile(join(second, `${type.slug}.json`), "utf8"));
      expect(again.checksum).toBe(schema.checksum);
    }
  });

  it("prints one type's schema", async () => {
    const result = await cli(["schema", "process"], { home: await freshHome() });
    const schema = JSON.parse(result.stdout);
    expect(schema.title).toBe("Process");
    expect(schema.properties.streamOutput.default).toBe(true);
  });
});
