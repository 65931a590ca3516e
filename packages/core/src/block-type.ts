import { z } from "zod";
import type { Capability } from "./capabilities.js";
import type { Infrastructure } from "./infrastructure.js";
import type { PrefectImport } from "./prefect-import.js";
import { SLUG_PATTERN } from "./names.js";

/** Fields of a block, keyed by their camelCase document name. */
export type BlockFields = Record<string, z.ZodType>;

/** The strict object schema {@link defineBlockType} builds from a slug and fields. */
export type BlockSchema<TFields extends BlockFields, TSlug extends string> = z.ZodObject<
  { type: z.ZodDefault<z.ZodLiteral<TSlug>> } & TFields,
  z.core.$strict
>;

/**
 * The parsed config of a block with these fields. Declare a driver's config type with it (rather
 * than from the block type) so the runtime module and the block type do not depend on each other.
 */
export type BlockConfig<TSlug extends string, TFields extends BlockFields> = z.output<
  BlockSchema<TFields, TSlug>
>;

/**
 * What a document of a block type is written as (`z.input` of its schema): defaulted fields and
 * `type` optional, a nested block inline or as a `$ref`. `BlockInput<typeof processBlockType>`; a
 * union of block types gives the union of their inputs.
 */
export type BlockInput<TBlockType extends BlockType> = TBlockType extends BlockType
  ? z.input<TBlockType["schema"]>
  : never;

/** The parsed config of a block type (`z.output` of its schema): what its infrastructure receives. */
export type BlockConfigOf<TBlockType extends BlockType> = TBlockType extends BlockType
  ? z.output<TBlockType["schema"]>
  : never;

/** A nested block written as a saved document of its type: `{ $ref: "docker-registry/team" }`. */
export interface BlockReference<TSlug extends string = string> {
  $ref: `${TSlug}/${string}`;
}

/**
 * A block type: a slug, metadata for UIs, and a strict zod schema that is the single source of truth
 * for validation and for the exported JSON schema. See `processBlockType` in
 * `@infrablocks/infra-process` for a reference implementation.
 */
export interface BlockType<TConfig = unknown, TSlug extends string = string> {
  /** The type tag written as `type` in documents: lowercase letters, digits and dashes. */
  readonly slug: TSlug;
  readonly title: string;
  readonly description: string;
  /** Sorted, e.g. `["run-infrastructure"]`. */
  readonly capabilities: readonly Capability[];
  /** The version of the package that defines the type. */
  readonly version: string;
  /** The npm package that defines the type. */
  readonly package: string;
  /** Strict object schema; its `type` key is the slug. */
  readonly schema: z.ZodType<TConfig, unknown>;
  /**
   * Loads the runtime for types that can run infrastructure. Kept behind a dynamic import so that
   * validating, previewing a schema or listing types never loads a driver's SDK.
   */
  readonly loadInfrastructure?: () => Promise<Infrastructure<TConfig>>;
  /**
   * Cross-field and value checks that a schema cannot express, run on the parsed config after the
   * schema accepts it, by every path that checks a document (validate, save, preview, run).
   */
  // Method syntax keeps BlockType<Specific> assignable to BlockType<unknown> (parameter bivariance).
  check?(config: TConfig): readonly BlockProblem[];
  /**
   * Converts the data of a Prefect 2 block document of the same slug into this type's fields. The
   * driver owns it because only the driver knows its Prefect field names, enum spellings and defaults;
   * `infrablocks import-prefect` finds it by slug. Types without a Prefect counterpart leave it out.
   */
  readonly fromPrefect?: PrefectImport;
}

/** One problem found by a block type's {@link BlockType.check}: a dotted field path and plain words. */
export interface BlockProblem {
  /** Dotted path of the field at fault, relative to the block (`memswapLimit`, `customizations.1`). */
  path: string;
  message: string;
}

/** A block type's own checks of a parsed config; returns every problem found, or none. */
export type BlockCheck<TConfig> = (config: TConfig) => readonly BlockProblem[];

export interface BlockTypeDefinition<TSlug extends string, TFields extends BlockFields> {
  slug: TSlug;
  title: string;
  description: string;
  capabilities: readonly Capability[];
  version: string;
  package: string;
  fields: TFields;
  loadInfrastructure?: () => Promise<Infrastructure<NoInfer<BlockConfig<TSlug, TFields>>>>;
  check?: BlockCheck<NoInfer<BlockConfig<TSlug, TFields>>>;
  fromPrefect?: PrefectImport;
}

/**
 * Builds a block type from its fields. The schema gets a leading `type` key holding the slug and is
 * strict, so an unknown key is an error. No registration happens here: registries take block types
 * explicitly.
 */
export function defineBlockType<const TSlug extends string, TFields extends BlockFields>(
  definition: BlockTypeDefinition<TSlug, TFields>,
): BlockType<z.output<BlockSchema<TFields, TSlug>>, TSlug> & { schema: BlockSchema<TFields, TSlug> } {
  if (!SLUG_PATTERN.test(definition.slug)) {
    throw new Error(`Block type slug '${definition.slug}' must be lowercase letters, digits and dashes.`);
  }
  if ("type" in definition.fields) {
    throw new Error(`Block type '${definition.slug}' declares a field named 'type', which holds the slug.`);
  }
  const typeField = z
    .literal(definition.slug)
    .default(definition.slug)
    .meta({ title: "Type", description: "The block type; always the slug of this type." });
  const schema = z.object({ type: typeField, ...definition.fields }).strict() as BlockSchema<TFields, TSlug>;
  return {
    slug: definition.slug,
    title: definition.title,
    description: definition.description,
    capabilities: [...definition.capabilities].sort(),
    version: definition.version,
    package: definition.package,
    schema,
    ...(definition.loadInfrastructure ? { loadInfrastructure: definition.loadInfrastructure } : {}),
    ...(definition.check ? { check: definition.check } : {}),
    ...(definition.fromPrefect ? { fromPrefect: definition.fromPrefect } : {}),
  };
}

// --- Field marks read by schema export, masking and document resolution ---

/** Fields marked secret by {@link secret}. */
const secretFieldMarks = new WeakSet<object>();
/** Fields marked by {@link nestedBlock}, with the block type they hold. */
const nestedBlockMarks = new WeakMap<object, BlockType>();

export type FieldMeta = {
  title?: string;
  description: string;
};

/**
 * A secret field: masked in every output and exported with `format: password` and `writeOnly`.
 * A map of strings is secret value by value (path `name.*`); anything else is secret as a whole.
 */
export function secret<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
  const marked = schema.meta(meta) as T;
  secretFieldMarks.add(marked);
  return marked;
}

/**
 * A field holding another block, written inline with its own `type` or as `{ "$ref": "<slug>/<name>" }`.
 * Its input type admits the `$ref`, which document resolution replaces before the schema parses it.
 */
export function nestedBlock<TBlockType extends BlockType>(
  blockType: TBlockType,
  meta: FieldMeta,
): z.ZodType<BlockConfigOf<TBlockType>, BlockInput<TBlockType> | BlockReference<TBlockType["slug"]>> {
  const marked = blockType.schema.meta(meta);
  nestedBlockMarks.set(marked, blockType);
  return marked as z.ZodType<
    BlockConfigOf<TBlockType>,
    BlockInput<TBlockType> | BlockReference<TBlockType["slug"]>
  >;
}

/** Strips optional, nullable and default wrappers to reach the schema that carries a field's marks. */
export function unwrapField(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (
    current instanceof z.ZodOptional ||
    current instanceof z.ZodNullable ||
    current instanceof z.ZodDefault
  ) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** The fields of a block type's schema, keyed by name. */
export function blockFields(blockType: BlockType): Record<string, z.ZodType> {
  return (blockType.schema as unknown as z.ZodObject).shape;
}

/** The block type held by a nested-block field, if it is one. */
export function nestedBlockTypeOf(field: z.ZodType): BlockType | undefined {
  return nestedBlockMarks.get(unwrapField(field));
}

/** Whether a field, or the schema inside its optional and default wrappers, was marked secret. */
export function isSecretField(field: z.ZodType): boolean {
  return secretFieldMarks.has(unwrapField(field));
}

/**
 * Dotted paths of every secret of a block type, nested blocks included (`imageRegistry.password`);
 * a map whose values are all secret gives `name.*`.
 */
export function secretFieldPaths(blockType: BlockType, prefix = ""): string[] {
  const paths: string[] = [];
  for (const [name, field] of Object.entries(blockFields(blockType))) {
    const inner = unwrapField(field);
    const nested = nestedBlockTypeOf(inner);
    if (nested) {
      paths.push(...secretFieldPaths(nested, `${prefix}${name}.`));
    } else if (isSecretField(inner)) {
      paths.push(inner instanceof z.ZodRecord ? `${prefix}${name}.*` : `${prefix}${name}`);
    }
  }
  return paths;
}
