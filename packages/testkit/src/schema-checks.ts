import {
  type BlockJsonSchema,
  blockFields,
  exportBlockSchema,
  isSecretField,
  nestedBlockTypeOf,
  RUN_INFRASTRUCTURE,
  SLUG_PATTERN,
  secretFieldPaths,
} from "@infrablocks/core";
import { Ajv } from "ajv";
import type { ConformanceCheck, ConformanceOptions } from "./options.js";
import { fail, withType } from "./support.js";

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";
const CHECKSUM = /^sha256:[0-9a-f]{64}$/;

type JsonObject = Record<string, unknown>;

export function schemaChecks(options: ConformanceOptions): ConformanceCheck[] {
  const { blockType } = options;
  return [
    {
      name: "the block type has a slug, title, description, version, package and sorted capabilities",
      async run() {
        const problems: string[] = [];
        if (!SLUG_PATTERN.test(blockType.slug))
          problems.push(`slug '${blockType.slug}' is not lowercase-dashed`);
        for (const key of ["title", "description", "version", "package"] as const) {
          if (!blockType[key]?.trim()) problems.push(`${key} is empty`);
        }
        const sorted = [...blockType.capabilities].sort();
        if (sorted.join() !== blockType.capabilities.join()) problems.push("capabilities are not sorted");
        const runs = blockType.capabilities.includes(RUN_INFRASTRUCTURE);
        if (runs && !blockType.loadInfrastructure) {
          problems.push(`it has the ${RUN_INFRASTRUCTURE} capability but no loadInfrastructure`);
        }
        if (!runs && blockType.loadInfrastructure) {
          problems.push(`it has loadInfrastructure but not the ${RUN_INFRASTRUCTURE} capability`);
        }
        report(problems, "The block type's metadata is incomplete");
      },
    },
    {
      name: "the exported schema is valid draft-07 JSON Schema and accepts validDocument",
      async run() {
        const schema = exportBlockSchema(blockType);
        if (schema.$schema !== DRAFT_07) fail(`$schema is '${schema.$schema}', expected '${DRAFT_07}'.`);
        // Formats are annotations for UIs here ("password"); the metadata keys are extensions.
        const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
        if (!ajv.validateSchema(schema)) {
          fail(`The draft-07 meta-schema rejects the export: ${ajv.errorsText(ajv.errors)}`);
        }
        const validate = ajv.compile(schema);
        if (!validate(withType(blockType, options.validDocument))) {
          fail(
            `The exported schema rejects validDocument, which the block type accepts: ${ajv.errorsText(validate.errors)}`,
          );
        }
      },
    },
    {
      name: "every property has a title and a description, nested ones too",
      async run() {
        const schema = exportBlockSchema(blockType);
        const problems: string[] = [];
        if (!schema.title?.trim()) problems.push("(schema): no title");
        if (!schema.description?.trim()) problems.push("(schema): no description");
        collectUntitled(schema, "", problems);
        report([...new Set(problems)], "The exported schema is incomplete");
      },
    },
    {
      name: "the metadata keys match the block type: slug, capabilities, version, secrets, references",
      async run() {
        report(metadataProblems(options, exportBlockSchema(blockType)), "The schema's metadata is wrong");
      },
    },
    {
      name: "the export is stable: two exports are identical and the checksum is sha256:<hex>",
      async run() {
        const first = JSON.stringify(exportBlockSchema(blockType));
        const second = JSON.stringify(exportBlockSchema(blockType));
        if (first !== second) fail("Two exports of the schema differ; the export must be deterministic.");
        const { checksum } = JSON.parse(first) as BlockJsonSchema;
        if (!CHECKSUM.test(checksum)) fail(`checksum '${checksum}' is not sha256:<64 hex digits>.`);
      },
    },
  ];
}

// --- Internal helpers ---

function metadataProblems(options: ConformanceOptions, schema: BlockJsonSchema): string[] {
  const { blockType } = options;
  const problems: string[] = [];
  if (schema.type !== "object") problems.push(`type is '${schema.type}', expected 'object'`);
  if (!Array.isArray(schema.required)) problems.push("required is not a list");
  if (schema.block_type_slug !== blockType.slug) {
    problems.push(`block_type_slug is '${schema.block_type_slug}', expected '${blockType.slug}'`);
  }
  if (schema.capabilities.join() !== [...blockType.capabilities].sort().join()) {
    problems.push(`capabilities [${schema.capabilities}] are not the type's, sorted`);
  }
  if (schema.version !== blockType.version) problems.push(`version '${schema.version}' is not the type's`);
  const secrets = secretFieldPaths(blockType);
  if (schema.secret_fields.join() !== secrets.join()) {
    problems.push(`secret_fields [${schema.secret_fields}] differ from the secret fields [${secrets}]`);
  }
  for (const [name, field] of Object.entries(blockFields(blockType))) {
    const property = schema.properties[name];
    if (!property) {
      problems.push(`${name}: a field without a property`);
      continue;
    }
    if (isSecretField(field) && (property.format !== "password" || property.writeOnly !== true)) {
      problems.push(`${name}: a secret property needs format "password" and writeOnly true`);
    }
    const nested = nestedBlockTypeOf(field);
    const reference = schema.block_schema_references[name];
    if (nested && reference?.block_schema_checksum !== exportBlockSchema(nested).checksum) {
      problems.push(
        `${name}: block_schema_references lacks the checksum of the nested ${nested.slug} schema`,
      );
    }
    if (nested && reference?.block_type_slug !== nested.slug) {
      problems.push(`${name}: block_schema_references does not name '${nested.slug}'`);
    }
    if (!nested && reference) problems.push(`${name}: a reference for a field that holds no block`);
  }
  return problems;
}

/**
 * Every field must carry a title and a description: the block's properties, those of nested blocks and
 * of object-valued fields (also inside anyOf/oneOf/allOf). The elements of lists and maps (`items`,
 * `additionalProperties`) are values, not fields a form labels, so their inner keys are not checked.
 */
function collectUntitled(node: unknown, path: string, problems: string[]): void {
  if (node === null || typeof node !== "object") return;
  const schema = node as JsonObject;
  const properties = schema.properties as Record<string, JsonObject> | undefined;
  for (const [name, property] of Object.entries(properties ?? {})) {
    const where = `${path}${name}`;
    if (typeof property.title !== "string" || !property.title.trim()) problems.push(`${where}: no title`);
    if (typeof property.description !== "string" || !property.description.trim()) {
      problems.push(`${where}: no description`);
    }
    collectUntitled(property, `${where}.`, problems);
  }
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    for (const member of (schema[key] as unknown[] | undefined) ?? [])
      collectUntitled(member, path, problems);
  }
}

function report(problems: string[], heading: string): void {
  if (problems.length > 0) fail(`${heading}:\n  ${problems.join("\n  ")}`);
}
