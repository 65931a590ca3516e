import {
  type BlockJsonSchema,
  DOCUMENT_NAME_PATTERN,
  isSecretVariableName,
  MASK,
  NO_NUL_BYTE,
} from "@infrablocks/core/browser";
import type { RJSFValidationError } from "@rjsf/utils";
import { stringify } from "yaml";

export type BlockDocument = { type: string; [field: string]: unknown };
type JsonObject = { [key: string]: unknown };

/** How a nested block field is filled: left out, written inline, or `{ "$ref": "<slug>/<name>" }`. */
export type NestedMode = "unset" | "inline" | "reference";

// The store's naming rule, unanchored, to follow `<slug>/` in a reference.
const NAME_PATTERN = DOCUMENT_NAME_PATTERN.source.slice(1, -1);

/** An inline block always carries its `type`; a reference never does, even before its name is typed. */
export function nestedModeOf(value: unknown): NestedMode {
  if (!isObject(value)) return "unset";
  return "type" in value ? "inline" : "reference";
}

/** The mode of every nested block field of the document, by dotted path, nested blocks' own included. */
export function nestedModes(
  schema: BlockJsonSchema,
  document: unknown,
  prefix = "",
): Record<string, NestedMode> {
  const modes: Record<string, NestedMode> = {};
  for (const field of Object.keys(schema.block_schema_references)) {
    const value = isObject(document) ? document[field] : undefined;
    const mode = nestedModeOf(value);
    modes[`${prefix}${field}`] = mode;
    if (mode === "inline") {
      Object.assign(modes, nestedModes(nestedSchema(schema, field), value, `${prefix}${field}.`));
    }
  }
  return modes;
}

/**
 * The schema the form renders and validates against: the exported one, with each nested block field
 * shaped like its current value. An unset field gets a schema without defaults, so the form does not
 * fill in an optional block by itself; a reference gets the `$ref` object that the CLI resolves.
 */
export function formSchemaFor(
  schema: BlockJsonSchema,
  modes: Record<string, NestedMode>,
  prefix = "",
): BlockJsonSchema {
  const properties = { ...schema.properties };
  for (const [field, reference] of Object.entries(schema.block_schema_references)) {
    const nested = nestedSchema(schema, field);
    const label = { title: nested.title, description: nested.description };
    const mode = modes[`${prefix}${field}`] ?? "unset";
    properties[field] =
      mode === "inline"
        ? (formSchemaFor(nested, modes, `${prefix}${field}.`) as unknown as JsonObject)
        : mode === "reference"
          ? referenceSchema(reference.block_type_slug, label)
          : { ...label, type: "object" };
  }
  return { ...schema, properties };
}

/**
 * What the CLI's `show` masks in this document: the schema's `secret_fields`, and each `env` value whose
 * name marks it secret (`API_TOKEN`), in inline nested blocks too.
 */
export function secretPathsOf(schema: BlockJsonSchema, document: unknown, prefix = ""): string[] {
  const paths = prefix === "" ? [...schema.secret_fields] : [];
  if (!isObject(document)) return paths;
  if ("env" in schema.properties && isObject(document.env)) {
    for (const name of Object.keys(document.env)) {
      if (isSecretVariableName(name)) paths.push(`${prefix}env.${name}`);
    }
  }
  for (const field of Object.keys(schema.block_schema_references)) {
    if (nestedModeOf(document[field]) === "inline") {
      paths.push(...secretPathsOf(nestedSchema(schema, field), document[field], `${prefix}${field}.`));
    }
  }
  return paths;
}

/**
 * The secrets that hold exactly {@link MASK}, by dotted path. The mask stands for a value the page does not
 * have, so a document holding it is refused by the CLI (unless `save --overwrite` keeps a stored value).
 */
export function maskedPaths(document: unknown, secretPaths: readonly string[]): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, [head, ...rest]: string[], at: string[]): void => {
    if (head === undefined) {
      if (value === MASK) found.add(at.join("."));
      return;
    }
    if (!isObject(value)) return;
    for (const key of head === "*" ? Object.keys(value) : [head]) {
      if (Object.hasOwn(value, key)) walk(value[key], rest, [...at, key]);
    }
  };
  for (const path of secretPaths) walk(document, path.split("."), []);
  return [...found];
}

/** The form's problems, in the CLI's words where ajv's would quote a pattern: a NUL byte's. */
export function inPlainWords(errors: RJSFValidationError[]): RJSFValidationError[] {
  return errors.map((error) => {
    if (error.name !== "pattern" || error.params?.pattern !== NO_NUL_BYTE.source) return error;
    const message = "holds a NUL byte, which no program can receive";
    return { ...error, message, stack: `${error.property ?? ""} ${message}`.trim() };
  });
}

/** An rjsf error schema that puts `message` on the field at each dotted path. */
export function errorsAt(paths: readonly string[], message: string): JsonObject {
  const errors: JsonObject = {};
  for (const path of paths) {
    let node = errors;
    for (const key of path.split(".")) {
      if (!isObject(node[key])) node[key] = {};
      node = node[key] as JsonObject;
    }
    node.__errors = [message];
  }
  return errors;
}

/** A copy of the document with every secret replaced by {@link MASK}, for showing on the page. */
export function maskSecrets<T>(document: T, secretPaths: readonly string[]): T {
  let masked: unknown = document;
  for (const path of secretPaths) masked = maskPath(masked, path.split("."));
  return masked as T;
}

/** A copy of the document with the value at `path` replaced, or removed when `value` is undefined. */
export function withValueAt(
  document: BlockDocument,
  path: readonly (string | number)[],
  value: unknown,
): BlockDocument {
  const replace = (current: unknown, [head, ...rest]: readonly (string | number)[]): unknown => {
    if (head === undefined) return value;
    const copy: JsonObject = isObject(current) ? { ...current } : {};
    const next = replace(copy[head], rest);
    if (next === undefined) delete copy[head];
    else copy[head] = next;
    return copy;
  };
  return replace(document, path) as BlockDocument;
}

export function toJson(document: BlockDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function toYaml(document: BlockDocument): string {
  return stringify(document);
}

// --- Internal helpers ---

function nestedSchema(schema: BlockJsonSchema, field: string): BlockJsonSchema {
  return schema.properties[field] as unknown as BlockJsonSchema;
}

function referenceSchema(slug: string, label: { title: string; description: string }): JsonObject {
  return {
    ...label,
    type: "object",
    properties: {
      $ref: {
        title: "Saved document",
        description: `${slug}/<name> of a document stored with \`infrablocks save\`.`,
        type: "string",
        pattern: `^${slug}/${NAME_PATTERN}$`,
      },
    },
    required: ["$ref"],
    additionalProperties: false,
  };
}

function maskPath(value: unknown, path: string[]): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value === undefined || value === null ? value : MASK;
  if (!isObject(value)) return value;
  const keys = head === "*" ? Object.keys(value) : head in value ? [head] : [];
  if (keys.length === 0) return value;
  const copy = { ...value };
  for (const key of keys) copy[key] = maskPath(value[key], rest);
  return copy;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
