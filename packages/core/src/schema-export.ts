import { z } from "zod";
import {
  type BlockType,
  blockFields,
  isSecretField,
  nestedBlockTypeOf,
  secretFieldPaths,
} from "./block-type.js";
import type { BlockJsonSchema, BlockSchemaReference } from "./block-json-schema.js";
import { sha256Checksum } from "./canonical-json.js";

type JsonObject = { [key: string]: unknown };

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

/** Exports a block type's schema as CONTRACT.md fixes it; the same input always gives the same bytes. */
export function exportBlockSchema(blockType: BlockType): BlockJsonSchema {
  const generated = z.toJSONSchema(blockType.schema, {
    target: "draft-07",
    io: "input",
    override(context) {
      collapseNullableString(context.jsonSchema);
      if (isSecretField(context.zodSchema as unknown as z.ZodType)) {
        context.jsonSchema.format = "password";
        context.jsonSchema.writeOnly = true;
      }
    },
  }) as JsonObject;

  const fields = blockFields(blockType);
  const properties: Record<string, JsonObject> = {};
  const references: Record<string, BlockSchemaReference> = {};
  const generatedProperties = generated.properties as Record<string, JsonObject>;
  for (const [name, property] of Object.entries(generatedProperties)) {
    const field = fields[name] as z.ZodType;
    const nested = nestedBlockTypeOf(field);
    if (nested) {
      const { $schema: _, title: __, description: ___, ...nestedSchema } = exportBlockSchema(nested);
      properties[name] = titled(name, { ...pick(property, ["title", "description"]), ...nestedSchema });
      references[name] = { block_type_slug: nested.slug, block_schema_checksum: nestedSchema.checksum };
    } else {
      properties[name] = titled(name, withTitles(property));
    }
  }

  const withoutChecksum = {
    $schema: DRAFT_07,
    title: blockType.title,
    description: blockType.description,
    type: "object" as const,
    properties,
    required: (generated.required as string[] | undefined) ?? [],
    additionalProperties: false as const,
    block_type_slug: blockType.slug,
    capabilities: [...blockType.capabilities],
    version: blockType.version,
    secret_fields: secretFieldPaths(blockType),
    block_schema_references: references,
  };
  return { ...withoutChecksum, checksum: sha256Checksum(omitKeyDeep(withoutChecksum, "secret_fields")) };
}

/** `imagePullPolicy` → `Image Pull Policy`. */
export function titleFromName(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// --- Internal helpers ---

/** Puts `title` (derived from the name when the field has none) and `description` first. */
function titled(name: string, property: JsonObject): JsonObject {
  const { title, description, ...rest } = property;
  return { title: title ?? titleFromName(name), ...(description ? { description } : {}), ...rest };
}

/** Titles the properties of object-valued fields too, so UIs get a label for every input. */
function withTitles(schema: JsonObject): JsonObject {
  const properties = schema.properties as Record<string, JsonObject> | undefined;
  const items = schema.items as JsonObject | undefined;
  return {
    ...schema,
    ...(properties
      ? {
          properties: Object.fromEntries(
            Object.entries(properties).map(([name, property]) => [name, titled(name, withTitles(property))]),
          ),
        }
      : {}),
    ...(items && typeof items === "object" && !Array.isArray(items) ? { items: withTitles(items) } : {}),
  };
}

/** Keywords that constrain strings only: a null passes them, so they may sit beside `type: [string, null]`. */
const STRING_KEYWORDS = new Set(["type", "pattern", "minLength", "maxLength", "format"]);

/**
 * A nullable string with constraints (a `pattern`) as zod leaves it, `anyOf: [{type: string, …}, {type:
 * null}]`, written as zod writes a plain one, `type: [string, null]` beside the constraints: the same
 * verdicts, and a form renderer shows one input instead of a choice of two.
 */
function collapseNullableString(schema: JsonObject): void {
  const options = schema.anyOf as JsonObject[] | undefined;
  if (!Array.isArray(options) || options.length !== 2) return;
  const [string, nullable] = options as [JsonObject, JsonObject];
  const isNull = Object.keys(nullable).length === 1 && nullable.type === "null";
  if (!isNull || string.type !== "string" || !Object.keys(string).every((key) => STRING_KEYWORDS.has(key)))
    return;
  delete schema.anyOf;
  Object.assign(schema, string, { type: ["string", "null"] });
}

function pick(object: JsonObject, keys: string[]): JsonObject {
  return Object.fromEntries(keys.filter((key) => key in object).map((key) => [key, object[key]]));
}

function omitKeyDeep(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return value.map((item) => omitKeyDeep(item, key));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => name !== key)
      .map(([name, item]) => [name, omitKeyDeep(item, key)]),
  );
}
