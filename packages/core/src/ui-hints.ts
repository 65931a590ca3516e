import type { BlockJsonSchema } from "./block-json-schema.js";

// Works on the exported JSON alone (no zod), so a UI can call it on a schema it fetched; it imports
// nothing at run time, so bundling it for a browser brings in nothing else from core.

type JsonObject = { [key: string]: unknown };

/** A field that holds another block: written inline, or as `{ "$ref": "<slug>/<name>" }` of a saved one. */
export interface NestedBlockHint {
  slug: string;
  checksum: string;
  /** The nested block's own hints; its paths are relative to it. */
  hints: UiHints;
}

/** What a form renderer needs beyond JSON Schema to show one block type. */
export interface UiHints {
  slug: string;
  /**
   * Every property, in display order: the hidden ones (`type`) first, then the required fields, then the
   * others; each group keeps the schema's declaration order, which is the order a driver wrote its fields in.
   */
  order: string[];
  /** Properties with one possible value (`type`): a form fills them in and does not show them. */
  hidden: string[];
  /** `secret_fields` as exported: dotted paths, nested blocks' included; `x.*` is every value of map `x`. */
  secrets: string[];
  /** Properties that hold another block, with that block's slug and hints. */
  nestedBlocks: Record<string, NestedBlockHint>;
  /**
   * Readable labels for enum values, keyed by dotted path (`*` for every item of a list or value of a map),
   * then by value: `IfNotPresent` → "If not present". Nested blocks' enums are in their own hints.
   */
  enumLabels: Record<string, Record<string, string>>;
}

/** react-jsonschema-form's `uiSchema`, typed loosely so that core does not depend on it. */
export type RjsfUiSchema = { [key: string]: unknown };

/** The `ui:field` name given to nested block fields; a UI registers its inline-or-reference field under it. */
export const NESTED_BLOCK_FIELD = "nestedBlock";

/** Derives form hints from an exported block schema. */
export function uiHintsFor(schema: BlockJsonSchema): UiHints {
  const names = Object.keys(schema.properties);
  const required = new Set(schema.required);
  const hidden = names.filter((name) => "const" in (schema.properties[name] as JsonObject));
  const nestedBlocks: Record<string, NestedBlockHint> = {};
  for (const [name, reference] of Object.entries(schema.block_schema_references)) {
    nestedBlocks[name] = {
      slug: reference.block_type_slug,
      checksum: reference.block_schema_checksum,
      hints: uiHintsFor(schema.properties[name] as unknown as BlockJsonSchema),
    };
  }
  const enumLabels: Record<string, Record<string, string>> = {};
  for (const name of names) {
    if (!(name in nestedBlocks)) collectEnumLabels(schema.properties[name] as JsonObject, name, enumLabels);
  }
  return {
    slug: schema.block_type_slug,
    order: [
      ...hidden,
      ...names.filter((name) => required.has(name) && !hidden.includes(name)),
      ...names.filter((name) => !required.has(name) && !hidden.includes(name)),
    ],
    hidden,
    secrets: [...schema.secret_fields],
    nestedBlocks,
    enumLabels,
  };
}

/**
 * The hints as a react-jsonschema-form `uiSchema` for the same schema: `ui:order`, hidden and password
 * widgets, `ui:enumNames`, and nested blocks marked with `ui:field: "nestedBlock"` (a form that registers
 * no such field renders them inline, as plain objects).
 */
export function toRjsfUiSchema(schema: BlockJsonSchema, hints: UiHints = uiHintsFor(schema)): RjsfUiSchema {
  const uiSchema: RjsfUiSchema = { "ui:order": hints.order };
  for (const [name, property] of Object.entries(schema.properties)) {
    const nested = hints.nestedBlocks[name];
    const ui = nested
      ? {
          "ui:field": NESTED_BLOCK_FIELD,
          "ui:options": { blockTypeSlug: nested.slug },
          ...toRjsfUiSchema(property as unknown as BlockJsonSchema, nested.hints),
        }
      : hints.hidden.includes(name)
        ? { "ui:widget": "hidden" }
        : uiFor(property, name, hints);
    if (Object.keys(ui).length > 0) uiSchema[name] = ui;
  }
  return uiSchema;
}

/** `IfNotPresent` → "If not present", `add` → "Add", `HTTPProxy` → "HTTP proxy". */
export function enumLabel(value: string): string {
  const words = value
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[\s_-]+/)
    .filter((word) => word.length > 0);
  return words
    .map((word, index) => {
      if (word.length > 1 && word === word.toUpperCase()) return word; // an acronym keeps its capitals
      const lower = word.toLowerCase();
      return index === 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
    })
    .join(" ");
}

// --- Internal helpers ---

/** The sub-schemas of a node, each with the document path its values sit at. */
function children(schema: JsonObject, path: string): { key: string; schema: JsonObject; path: string }[] {
  const found: { key: string; schema: JsonObject; path: string }[] = [];
  const properties = schema.properties as Record<string, JsonObject> | undefined;
  for (const [name, property] of Object.entries(properties ?? {})) {
    found.push({ key: name, schema: property, path: `${path}.${name}` });
  }
  if (isObject(schema.items)) found.push({ key: "items", schema: schema.items, path: `${path}.*` });
  if (isObject(schema.additionalProperties)) {
    found.push({ key: "additionalProperties", schema: schema.additionalProperties, path: `${path}.*` });
  }
  return found;
}

/** The alternatives of an `anyOf` or `oneOf`: a value at this path matches one of them. */
function alternatives(schema: JsonObject): { key: "anyOf" | "oneOf"; options: JsonObject[] } | undefined {
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options)) return { key, options: options.filter(isObject) };
  }
  return undefined;
}

function collectEnumLabels(schema: JsonObject, path: string, labels: Record<string, Record<string, string>>) {
  const values = schema.enum;
  if (Array.isArray(values)) {
    const strings = values.filter((value): value is string => typeof value === "string");
    if (strings.length > 0) {
      labels[path] = {
        ...labels[path],
        ...Object.fromEntries(strings.map((value) => [value, enumLabel(value)])),
      };
    }
  }
  for (const option of alternatives(schema)?.options ?? []) collectEnumLabels(option, path, labels);
  for (const child of children(schema, path)) collectEnumLabels(child.schema, child.path, labels);
}

/** The uiSchema of one property of a block, or of a node inside one, at document path `path`. */
function uiFor(schema: JsonObject, path: string, hints: UiHints): RjsfUiSchema {
  const ui: RjsfUiSchema = {};
  const xxxOf = alternatives(schema);
  // On a union, rjsf would give `ui:widget` to its option picker; the text option gets it below instead.
  if (hints.secrets.includes(path) && !xxxOf && schema.type !== "object" && schema.type !== "array") {
    ui["ui:widget"] = "password";
  }
  const labels = hints.enumLabels[path];
  if (labels && Array.isArray(schema.enum)) {
    ui["ui:enumNames"] = schema.enum.map((value) => labels[String(value)] ?? String(value));
  }
  if (xxxOf) {
    // rjsf uses `uiSchema.anyOf[i]` instead of this node's uiSchema for option i, so each carries its own.
    // It names an untitled option "<Field> option 1" and labels its input with the bare property name;
    // the option's kind names it better, and the field's own label is already above the option picker.
    ui[xxxOf.key] = xxxOf.options.map((option) => ({
      "ui:title": optionTitle(option),
      "ui:label": false,
      ...uiFor(option, path, hints),
    }));
  }
  for (const child of children(schema, path)) {
    const childUi = uiFor(child.schema, child.path, hints);
    if (Object.keys(childUi).length > 0) ui[child.key] = childUi;
  }
  return ui;
}

/** "Number", "Text", "List", "Object", or the label of a constant: what a user picks between. */
function optionTitle(option: JsonObject): string {
  if (typeof option.title === "string") return option.title;
  if (typeof option.const === "string") return enumLabel(option.const);
  const kind = Array.isArray(option.type) ? option.type[0] : option.type;
  return (
    {
      string: "Text",
      number: "Number",
      integer: "Number",
      boolean: "Yes or no",
      array: "List",
      object: "Object",
    }[String(kind)] ?? "Value"
  );
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
