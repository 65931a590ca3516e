import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type BlockType, defineBlockType } from "./block-type.js";
import { RUN_INFRASTRUCTURE } from "./capabilities.js";
import { compiledErrorPaths, type CompiledValidator } from "./compiled-validation.js";
import { resolveBlock } from "./documents.js";
import { infrastructureFields } from "./infrastructure-fields.js";
import { BlockRegistry } from "./registry.js";
import { compiledValidatorIsExact } from "./validator-exactness.js";
import { exportBlockSchema } from "./schema-export.js";

/** The exported schema compiled as scripts/compile-validators.js compiles it (here without standalone code). */
function compiled(blockType: BlockType): CompiledValidator {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    useDefaults: true,
    unicodeRegExp: false,
    logger: false,
  });
  return ajv.compile(exportBlockSchema(blockType)) as CompiledValidator;
}

function blockType(fields: Record<string, z.ZodType>, withValidator = true) {
  const definition = {
    slug: "test-job",
    title: "Test Job",
    description: "A job.",
    capabilities: [RUN_INFRASTRUCTURE],
    version: "0.1.0",
    package: "@infrablocks/test-job",
    fields: { ...infrastructureFields, ...fields },
  };
  const plain = defineBlockType(definition);
  return withValidator ? defineBlockType({ ...definition, validate: compiled(plain) }) : plain;
}

const noSaved = async () => {
  throw new Error("unused");
};

describe("compiled validation", () => {
  it("is exact for a schema JSON Schema says fully, and not for a refinement or a transform", () => {
    expect(compiledValidatorIsExact(blockType({ retries: z.number().int().min(0).default(3) }))).toBe(true);
    expect(compiledValidatorIsExact(blockType({ host: z.string().refine((text) => text !== "x") }))).toBe(
      false,
    );
    expect(compiledValidatorIsExact(blockType({ size: z.string().transform((text) => text.length) }))).toBe(
      false,
    );
    expect(compiledValidatorIsExact(blockType({}, false))).toBe(false);
  });

  it("gives resolveBlock the config zod gives, defaults in field order, without touching the document", async () => {
    const fields = { retries: z.number().int().min(0).default(3), queue: z.string().optional() };
    const document = { command: ["echo", "hi"], type: "test-job", env: { A: null } };
    const copy = structuredClone(document);
    const fast = await resolveBlock(new BlockRegistry([blockType(fields)]), document, noSaved);
    const slow = await resolveBlock(new BlockRegistry([blockType(fields, false)]), document, noSaved);
    expect(fast.config).toEqual(slow.config);
    expect(Object.keys(fast.config as object).slice(0, 3)).toEqual(["type", "env", "command"]);
    expect(document).toEqual(copy);
  });

  it("words a rejection as zod does", async () => {
    const registry = new BlockRegistry([blockType({ retries: z.number().int().min(0).default(3) })]);
    await expect(
      resolveBlock(registry, { type: "test-job", retries: -1, colour: 1 }, noSaved),
    ).rejects.toThrow(/retries: must be at least 0\n {2}colour: unknown field; known fields: type, env/);
  });

  it("refuses a NUL byte in an argument or an environment value by the exported schema itself", async () => {
    // No program can receive one (exec() ends a string there): a form validating with the schema alone
    // refuses it as resolveBlock does, with zod and with the compiled validator.
    const document = {
      type: "test-job",
      command: ["a", "b\0", "\0"],
      env: { FINE: "x", BAD: "y\0", GONE: null },
    };
    const problems = [
      "env.BAD: an environment value holds no NUL byte",
      "command.1: an argument holds no NUL byte",
      "command.2: an argument holds no NUL byte",
    ].join("\n  ");
    for (const withValidator of [true, false]) {
      const registry = new BlockRegistry([blockType({}, withValidator)]);
      await expect(resolveBlock(registry, document, noSaved)).rejects.toThrow(problems);
    }
    const plainAjv = new Ajv({ strict: false }).compile(exportBlockSchema(blockType({})));
    expect(plainAjv(document)).toBe(false);
    expect(plainAjv({ ...document, command: ["a", "b"], env: { FINE: "x", GONE: null } })).toBe(true);
  });

  it("keeps an own __proto__ key for the validator to reject", async () => {
    const registry = new BlockRegistry([blockType({})]);
    const document = JSON.parse('{"type": "test-job", "__proto__": {}}');
    await expect(resolveBlock(registry, document, noSaved)).rejects.toThrow(/__proto__: unknown field/);
  });

  it("names fields as zod does: unknown, missing and badly named keys by their own path", () => {
    expect(
      compiledErrorPaths([
        { instancePath: "", keyword: "additionalProperties", params: { additionalProperty: "colour" } },
        { instancePath: "/a~1b", keyword: "required", params: { missingProperty: "image" } },
        { instancePath: "/env", keyword: "pattern", params: {}, propertyName: "A=B" },
        { instancePath: "/env", keyword: "propertyNames", params: { propertyName: "A=B" } },
        { instancePath: "/volumes/1", keyword: "type", params: {} },
      ]),
    ).toEqual(["colour", "a/b.image", "env.A=B", "volumes.1"]);
  });
});
