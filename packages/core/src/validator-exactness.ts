import type { z } from "zod";
import { type BlockType, nestedBlockTypeOf } from "./block-type.js";

const exactCache = new WeakMap<BlockType, boolean>();

/**
 * Whether the compiled validator's verdict, with the defaults it fills, is the zod schema's parse:
 * true when the schema (nested blocks included) holds no refinement, transform or other code the
 * JSON schema cannot carry. Types where it is false still pass through zod after the validator accepts.
 */
export function compiledValidatorIsExact(blockType: BlockType): boolean {
  let exact = exactCache.get(blockType);
  if (exact === undefined) {
    exact = blockType.validate !== undefined && isPlainBlock(blockType, new Set());
    exactCache.set(blockType, exact);
  }
  return exact;
}

// --- Internal helpers ---

/** zod kinds whose parse the exported JSON schema says fully (with the kinds they wrap); no default below a block's own fields. */
const PLAIN_KINDS = new Set([
  "string",
  "number",
  "boolean",
  "null",
  "unknown",
  "any",
  "literal",
  "enum",
  "object",
  "array",
  "record",
  "union",
  "optional",
  "nullable",
  // A strict object's catch-all: no other key, as `additionalProperties: false` says.
  "never",
]);

/**
 * A block's object schema with plain fields; only its own fields may have defaults, and a nested
 * block (optional, never defaulted as a whole) is itself a plain block: the checker's ordered copy
 * reaches into inline nested blocks, and nowhere else (see document-checker.ts).
 */
function isPlainBlock(blockType: BlockType, seenBlocks: Set<BlockType>): boolean {
  if (seenBlocks.has(blockType)) return true;
  seenBlocks.add(blockType);
  const schema = blockType.schema as z.ZodType;
  const def = schema._zod.def as unknown as {
    type: string;
    checks?: unknown[];
    shape?: object;
    catchall?: z.ZodType;
  };
  if (def.type !== "object" || hasRefinement(def) || !def.shape) return false;
  const seen = new Set<unknown>();
  const fields = Object.values(def.shape) as z.ZodType[];
  return (
    fields.every((field) => {
      const nested = nestedBlockTypeOf(field);
      if (nested) return !hasDefault(field) && isPlainBlock(nested, seenBlocks);
      const fieldDef = field._zod.def as unknown as {
        type: string;
        innerType?: z.ZodType;
        checks?: unknown[];
      };
      if (fieldDef.type !== "default") return isPlainSchema(field, seen);
      return !hasRefinement(fieldDef) && isPlainSchema(fieldDef.innerType as z.ZodType, seen);
    }) &&
    (!def.catchall || isPlainSchema(def.catchall, seen))
  );
}

/** Whether a field's optional, nullable and default wrappers hold a default. */
function hasDefault(field: z.ZodType): boolean {
  let def = field._zod.def as unknown as { type: string; innerType?: z.ZodType };
  while (def.innerType && ["optional", "nullable", "default"].includes(def.type)) {
    if (def.type === "default") return true;
    def = def.innerType._zod.def as unknown as typeof def;
  }
  return false;
}

/** A refinement is a check of kind "custom": code the JSON schema cannot carry. */
function hasRefinement(def: { checks?: unknown[] }): boolean {
  return def.checks?.some((check) => (check as z.core.$ZodCheck)._zod.def.check === "custom") ?? false;
}

function isPlainSchema(schema: z.ZodType, seen: Set<unknown>): boolean {
  if (seen.has(schema)) return true;
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string; checks?: unknown[] };
  if (!PLAIN_KINDS.has(def.type) || hasRefinement(def)) return false;
  // zod's record checks each key with its key schema, as JSON schema's propertyNames does.
  for (const [key, value] of Object.entries(def)) {
    if (key === "checks" || key === "defaultValue") continue;
    const inner = Array.isArray(value)
      ? value
      : value !== null && typeof value === "object" && !isZodSchema(value)
        ? Object.values(value)
        : [value];
    for (const item of inner) if (isZodSchema(item) && !isPlainSchema(item, seen)) return false;
  }
  return true;
}

function isZodSchema(value: unknown): value is z.ZodType {
  return value !== null && typeof value === "object" && "_zod" in value;
}
